// Numbered schema migrations and the open sequence shared by the vault and
// keystore databases.
//
// A database records each applied migration in
//   schema_migrations(version INTEGER PRIMARY KEY, applied_at INTEGER)
// (applied_at in Unix seconds). At open, every migration newer than the
// recorded version runs in a write transaction of its own, together with its
// record, so a crash leaves the schema at a whole version.
#ifndef CVAULT_STORE_SQLCIPHER_MIGRATIONS_H_
#define CVAULT_STORE_SQLCIPHER_MIGRATIONS_H_

#include <filesystem>
#include <memory>
#include <span>
#include <string_view>

#include "cvault/secret_bytes.h"
#include "cvault/status.h"
#include "store/sqlcipher/connection.h"
#include "store/sqlcipher/sqlcipher_store.h"

namespace cvault::store::sqlcipher {

struct Migration {
  int version;           // 1, 2, 3, ... ascending, no gaps
  std::string_view sql;  // schema statements only, never values
};

// What a database file is: its role in messages ("vault database"), the
// value its migration 1 stores under kStoreKindMetaKey in its meta table, and
// its migrations.
struct SchemaSpec {
  std::string_view role;
  std::string_view kind;
  std::span<const Migration> migrations;
};

// The meta key naming what kind of cvault database a file is.
inline constexpr std::string_view kStoreKindMetaKey = "cvault.store_kind";

// The highest applied version, 0 for a database without schema_migrations.
[[nodiscard]] StatusOr<int> ReadSchemaVersion(Connection& connection);

// Applies the migrations newer than the database's version. FailedPrecondition
// if the database's version is newer than the last of `migrations`.
[[nodiscard]] Status ApplyMigrations(Connection& connection,
                                     std::span<const Migration> migrations);

// Connection::Open, then the migrations, then a check that the file is of
// `spec.kind`. Opening an existing file that has no cvault schema fails with
// FailedPrecondition. When `create` is set and anything fails, the new file
// is removed again.
[[nodiscard]] StatusOr<std::unique_ptr<Connection>> OpenWithSchema(
    const std::filesystem::path& file, const SecretBytes& key, bool create,
    const SqlcipherSettings& settings, const SchemaSpec& spec);

}  // namespace cvault::store::sqlcipher

#endif  // CVAULT_STORE_SQLCIPHER_MIGRATIONS_H_
