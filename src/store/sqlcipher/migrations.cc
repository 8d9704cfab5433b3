#include "store/sqlcipher/migrations.h"

#include <chrono>
#include <string>
#include <utility>

#include "store/sqlcipher/transaction.h"

namespace cvault::store::sqlcipher {
namespace {

constexpr std::string_view kCreateMigrationsTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations("
    "version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)";

std::int64_t UnixSecondsNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// REQUIRES: a transaction is open, so the answer cannot change under us.
StatusOr<int> ReadSchemaVersionInTransaction(Connection& connection) {
  {
    CVAULT_ASSIGN_OR_RETURN(
        auto exists,
        connection.Prepare(
            "SELECT count(*) FROM sqlite_master "
            "WHERE type = 'table' AND name = 'schema_migrations'"));
    CVAULT_ASSIGN_OR_RETURN(const bool has_row,
                            exists->Step("read the schema version"));
    if (!has_row || exists->ColumnInt64(0) == 0) return 0;
  }
  CVAULT_ASSIGN_OR_RETURN(
      auto max_version,
      connection.Prepare(
          "SELECT coalesce(max(version), 0) FROM schema_migrations"));
  CVAULT_ASSIGN_OR_RETURN(const bool has_row,
                          max_version->Step("read the schema version"));
  if (!has_row) return 0;
  return static_cast<int>(max_version->ColumnInt64(0));
}

Status CheckNotNewer(const Connection& connection, int version, int newest) {
  if (version <= newest) return Status::Ok();
  return Status::FailedPrecondition(
      connection.role() + " has schema version " + std::to_string(version) +
      ", newer than this build of cvault supports (" + std::to_string(newest) +
      "); upgrade cvault to open it");
}

Status CheckStoreKind(Connection& connection, const SchemaSpec& spec) {
  CVAULT_ASSIGN_OR_RETURN(auto transaction,
                          Transaction::Begin(connection, /*write=*/false));
  CVAULT_ASSIGN_OR_RETURN(
      auto query, connection.Prepare("SELECT value FROM meta WHERE key = ?1"));
  query->BindText(1, kStoreKindMetaKey);
  CVAULT_ASSIGN_OR_RETURN(const bool has_row,
                          query->Step("read the store kind"));
  const std::string kind = has_row ? query->ColumnText(0) : std::string();
  if (kind != spec.kind) {
    return Status::FailedPrecondition(
        std::string(spec.role) + " at " + connection.file().string() +
        " holds a cvault database of kind '" + kind + "', not '" +
        std::string(spec.kind) + "'; check which file was passed");
  }
  return Status::Ok();
}

Status MigrateAndCheckKind(Connection& connection, bool create,
                           const SchemaSpec& spec) {
  if (!create) {
    CVAULT_ASSIGN_OR_RETURN(const int version, ReadSchemaVersion(connection));
    if (version == 0) {
      return Status::FailedPrecondition(
          std::string(spec.role) + " at " + connection.file().string() +
          " has no cvault schema; create the database instead of opening it");
    }
    // Before migrating: the other kind's migrations must never run on a
    // file (they would add tables to it, or fail on tables it lacks).
    CVAULT_RETURN_IF_ERROR(CheckStoreKind(connection, spec));
  }
  CVAULT_RETURN_IF_ERROR(ApplyMigrations(connection, spec.migrations));
  return CheckStoreKind(connection, spec);
}

}  // namespace

StatusOr<int> ReadSchemaVersion(Connection& connection) {
  CVAULT_ASSIGN_OR_RETURN(auto transaction,
                          Transaction::Begin(connection, /*write=*/false));
  return ReadSchemaVersionInTransaction(connection);
}

Status ApplyMigrations(Connection& connection,
                       std::span<const Migration> migrations) {
  int previous = 0;
  for (const Migration& migration : migrations) {
    if (migration.version != previous + 1) {
      return Status::Internal(
          connection.role() +
          ": migrations are not numbered 1, 2, 3, ... (a bug)");
    }
    previous = migration.version;
  }
  const int newest = previous;
  CVAULT_ASSIGN_OR_RETURN(int version, ReadSchemaVersion(connection));
  CVAULT_RETURN_IF_ERROR(CheckNotNewer(connection, version, newest));

  for (const Migration& migration : migrations) {
    if (migration.version <= version) continue;
    CVAULT_ASSIGN_OR_RETURN(auto transaction,
                            Transaction::Begin(connection, /*write=*/true));
    CVAULT_RETURN_IF_ERROR(
        connection.Execute(kCreateMigrationsTable, "create schema_migrations"));
    // Another process may have migrated between our read and our lock.
    CVAULT_ASSIGN_OR_RETURN(version,
                            ReadSchemaVersionInTransaction(connection));
    CVAULT_RETURN_IF_ERROR(CheckNotNewer(connection, version, newest));
    if (migration.version <= version) continue;

    const std::string action =
        "apply schema migration " + std::to_string(migration.version);
    CVAULT_RETURN_IF_ERROR(connection.Execute(migration.sql, action));
    {
      CVAULT_ASSIGN_OR_RETURN(
          auto record, connection.Prepare(
                           "INSERT INTO schema_migrations(version, applied_at) "
                           "VALUES(?1, ?2)"));
      record->BindInt64(1, migration.version);
      record->BindInt64(2, UnixSecondsNow());
      CVAULT_RETURN_IF_ERROR(record->Run(action));
    }
    CVAULT_RETURN_IF_ERROR(transaction.Commit());
    version = migration.version;
  }
  return Status::Ok();
}

StatusOr<std::unique_ptr<Connection>> OpenWithSchema(
    const std::filesystem::path& file, const SecretBytes& key, bool create,
    const SqlcipherSettings& settings, const SchemaSpec& spec) {
  // Connection::Open removes a file it created and then failed to open, and
  // never touches a file that existed before.
  CVAULT_ASSIGN_OR_RETURN(
      auto connection,
      Connection::Open(file, key, create, settings, spec.role));
  Status ready = MigrateAndCheckKind(*connection, create, spec);
  if (!ready.ok()) {
    connection.reset();  // close before removing the files
    if (create) RemoveDatabaseFiles(file);
    return Error(std::move(ready));
  }
  return connection;
}

}  // namespace cvault::store::sqlcipher
