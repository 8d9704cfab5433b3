// Factories for the PostgreSQL implementation of the store: the vault's
// tables (customers, audit log, checkpoints, consent, cases, holds) in one
// schema and the wrapped data keys in another, each schema reachable through
// its own connection string, so the keystore can live in a database of its
// own and be backed up on its own cycle.
//
// The server only ever holds what the vault layer hands the store:
// ciphertext, blind indexes, pseudonyms and wrapped keys. Schema changes are
// numbered migrations applied at open under an advisory lock, so hosts that
// start at once migrate once; a schema newer than this code is refused.
//
// The stores are thread-safe (each transaction borrows its own connection
// from the store's pool) and must outlive the transactions they hand out.
#ifndef CVAULT_STORE_POSTGRES_POSTGRES_STORE_H_
#define CVAULT_STORE_POSTGRES_POSTGRES_STORE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "cvault/options.h"
#include "cvault/status.h"
#include "store/ledger_log.h"
#include "store/store.h"

namespace cvault::store {

// The newest schema versions this code knows (their own numbering, not the
// embedded backend's).
inline constexpr int kPostgresVaultSchemaVersion = 3;
inline constexpr int kPostgresKeyStoreSchemaVersion = 1;
inline constexpr int kPostgresLedgerSchemaVersion = 1;

// How one store reaches its server. A plain struct; copyable.
struct PostgresSettings {
  // A libpq connection string (keyword/value or URI). TLS and other libpq
  // settings pass through untouched.
  std::string dsn;
  // Connections the store opens at most; further transactions wait for one
  // to come back.
  std::size_t pool_size = 8;
  // How long a write transaction waits for the schema's write lock (and a
  // transaction for a pooled connection) before failing with Busy.
  std::uint32_t lock_timeout_ms = 5000;
  // kFull commits with synchronous_commit = on (flushed on the primary and
  // confirmed by any synchronous standby); kNormal with 'local' (flushed on
  // the primary only).
  Durability durability = Durability::kFull;
};

// Schema names are lower-case letters, digits and '_', starting with a
// letter, at most 48 characters (so the names derived from them fit
// PostgreSQL's 63).
[[nodiscard]] bool ValidSchemaName(std::string_view name);

// Whether `schema` holds a cvault store (its meta table exists).
// Unavailable when the server cannot be reached.
[[nodiscard]] StatusOr<bool> PostgresSchemaExists(const PostgresSettings& settings,
                                                  std::string_view schema);

// Opens (create = false) or creates (create = true) the vault store in
// `schema`.
//   create = true:  AlreadyExists if the schema already holds a store; the
//                   schema is created if missing.
//   create = false: NotFound if the schema holds no store.
// InvalidArgument for a bad schema name; Unavailable when the server cannot
// be reached; FailedPrecondition for a schema newer than this code, or a
// keystore schema opened as a vault.
[[nodiscard]] StatusOr<std::unique_ptr<VaultStore>> OpenPostgresVaultStore(
    const PostgresSettings& settings, std::string_view schema, bool create);

// As OpenPostgresVaultStore, for the keystore.
[[nodiscard]] StatusOr<std::unique_ptr<KeyStore>> OpenPostgresKeyStore(
    const PostgresSettings& settings, std::string_view schema, bool create);

// As OpenPostgresVaultStore, for the erasure ledger's log
// (store/ledger_log.h).
[[nodiscard]] StatusOr<std::unique_ptr<LedgerLog>> OpenPostgresLedgerLog(
    const PostgresSettings& settings, std::string_view schema, bool create);

// Drops `schema` and everything in it (DiscardCreated after a failed
// create, and tests). Succeeds when it does not exist.
[[nodiscard]] Status DropPostgresSchema(const PostgresSettings& settings,
                                        std::string_view schema);

}  // namespace cvault::store

#endif  // CVAULT_STORE_POSTGRES_POSTGRES_STORE_H_
