#include "store/sqlcipher/schemas.h"

#include <array>

#include "store/sqlcipher/sqlcipher_store.h"

namespace cvault::store::sqlcipher {
namespace {

// Each schema's migration 1 records the store kind under kStoreKindMetaKey,
// so a keystore file passed as the vault (or back) is refused at open.
constexpr std::array<Migration, 1> kVaultMigrations = {{
    {1,
     "CREATE TABLE customers("
     "  rowid INTEGER PRIMARY KEY,"
     "  id TEXT NOT NULL UNIQUE,"
     "  created_at INTEGER NOT NULL,"
     "  updated_at INTEGER NOT NULL,"
     "  restricted INTEGER NOT NULL DEFAULT 0,"
     "  full_name BLOB, email BLOB, phone BLOB, postal_address BLOB,"
     "  country BLOB, language BLOB, external_ref BLOB,"
     "  email_index BLOB UNIQUE,"
     "  phone_index BLOB);"
     "CREATE INDEX customers_by_phone_index ON customers(phone_index);"
     "CREATE TABLE audit_log("
     "  sequence INTEGER PRIMARY KEY,"
     "  time_us INTEGER NOT NULL,"
     "  principal_id TEXT NOT NULL, role TEXT NOT NULL, action TEXT NOT NULL,"
     "  purpose TEXT NOT NULL, subject TEXT NOT NULL,"
     "  fields_requested TEXT NOT NULL, fields_returned TEXT NOT NULL,"
     "  decision TEXT NOT NULL, reason_code TEXT NOT NULL,"
     "  request_id TEXT NOT NULL,"
     "  previous_hash BLOB NOT NULL, entry_hash BLOB NOT NULL);"
     "CREATE TABLE audit_checkpoints("
     "  sequence INTEGER PRIMARY KEY,"
     "  time_us INTEGER NOT NULL,"
     "  head_hash BLOB NOT NULL, signature BLOB NOT NULL,"
     "  public_key BLOB NOT NULL);"
     "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
     "INSERT INTO meta(key, value) VALUES('cvault.store_kind', 'vault');"},
}};
static_assert(kVaultMigrations.back().version == kVaultSchemaVersion);

constexpr std::array<Migration, 1> kKeyStoreMigrations = {{
    {1,
     "CREATE TABLE data_keys("
     "  customer_id TEXT NOT NULL,"
     "  retention_class INTEGER NOT NULL,"
     "  kek_version INTEGER NOT NULL,"
     "  wrapped BLOB NOT NULL,"
     "  created_at INTEGER NOT NULL,"
     "  PRIMARY KEY(customer_id, retention_class));"
     "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
     "INSERT INTO meta(key, value) VALUES('cvault.store_kind', 'keystore');"},
}};
static_assert(kKeyStoreMigrations.back().version == kKeyStoreSchemaVersion);

}  // namespace

std::span<const Migration> VaultMigrations() { return kVaultMigrations; }
std::span<const Migration> KeyStoreMigrations() { return kKeyStoreMigrations; }

}  // namespace cvault::store::sqlcipher
