// The PostgreSQL schemas of the vault store and the keystore, as numbered
// migrations, and the code that brings a schema up to date at open.
//
// Every host opening the vault runs PrepareSchema. It holds a session-level
// advisory lock of the schema while it checks and migrates, so hosts that
// start at once migrate one after the other: the first applies the
// migrations, the others find them applied. The schema version and the
// store kind live in the schema's meta table.
#ifndef CVAULT_STORE_POSTGRES_PG_SCHEMAS_H_
#define CVAULT_STORE_POSTGRES_PG_SCHEMAS_H_

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "cvault/status.h"
#include "store/postgres/pg_pool.h"

namespace cvault::store::postgres {

struct PgMigration {
  int version;
  std::string_view sql;  // runs with search_path set to the store's schema
};

enum class StoreKind { kVault, kKeyStore, kLedger };

std::span<const PgMigration> VaultMigrations();
// The small settings of every store's meta table (store.h's GetMeta and
// SetMeta). WriteMeta refuses, with InvalidArgument, the keys the store
// keeps for itself (store kind, schema version).
[[nodiscard]] StatusOr<std::optional<std::string>> ReadMeta(PgTransaction& tx,
                                                            std::string_view key);
[[nodiscard]] Status WriteMeta(PgTransaction& tx, std::string_view key,
                               std::string_view value);
std::span<const PgMigration> KeyStoreMigrations();
std::span<const PgMigration> LedgerMigrations();

// Creates (create) or checks (open) the store of `kind` in the pool's
// schema and applies the migrations it lacks, as postgres_store.h's
// factories describe.
[[nodiscard]] Status PrepareSchema(PgPool& pool, StoreKind kind, bool create);

}  // namespace cvault::store::postgres

#endif  // CVAULT_STORE_POSTGRES_PG_SCHEMAS_H_
