#include "store/postgres/postgres_backend.h"

#include <fmt/format.h>

namespace cvault::store {
namespace {

constexpr char kBackupAdvice[] =
    "; back the PostgreSQL vault up with pg_dump of its vault and keystore schemas, and "
    "restore with pg_restore while no host has it open (docs/scaling.md)";

// The refusal of a folder backup or restore, with what to do instead.
Status NoFolderBackups(std::string_view duty) {
  return Status::FailedPrecondition(
             fmt::format("{} is not supported by the postgres backend{}", duty, kBackupAdvice))
      .WithReasonCode("not_supported");
}

class PostgresBackend final : public Backend {
 public:
  PostgresBackend(std::unique_ptr<VaultStore> vault, std::unique_ptr<KeyStore> keys,
                  std::unique_ptr<LedgerLog> ledger)
      : vault_(std::move(vault)), keys_(std::move(keys)), ledger_(std::move(ledger)) {}

  std::string_view name() const override { return "postgres"; }
  VaultStore& vault_store() override { return *vault_; }
  KeyStore& key_store() override { return *keys_; }
  LedgerLog& ledger_log() override { return *ledger_; }
  bool OpenedUnderPendingKey(Database) const override { return false; }
  bool SharedAcrossHosts() const override { return true; }

  StatusOr<std::vector<std::string>> CopyDatabasesTo(const std::filesystem::path&) override {
    return Error(NoFolderBackups("copying the databases into a backup folder"));
  }

 private:
  std::unique_ptr<VaultStore> vault_;
  std::unique_ptr<KeyStore> keys_;
  std::unique_ptr<LedgerLog> ledger_;
};

}  // namespace

PostgresSchemas SchemasOf(const PostgresStore& choice) {
  return {choice.schema, choice.schema + "_keys", choice.schema + "_ledger"};
}

PostgresSite::PostgresSite(PostgresStore choice, Durability durability)
    : schemas_(SchemasOf(choice)) {
  vault_settings_.dsn = choice.dsn;
  vault_settings_.pool_size = choice.pool_size == 0 ? 1 : choice.pool_size;
  vault_settings_.lock_timeout_ms = choice.lock_timeout_ms;
  vault_settings_.durability = durability;
  keystore_settings_ = vault_settings_;
  if (!choice.keystore_dsn.empty()) keystore_settings_.dsn = choice.keystore_dsn;
}

bool PostgresSite::Exists() const {
  auto exists = PostgresSchemaExists(vault_settings_, schemas_.vault);
  return exists.has_value() && *exists;
}

StatusOr<std::unique_ptr<Backend>> PostgresSite::Open(const DatabaseKeys&, bool create) {
  if (vault_settings_.dsn.empty()) {
    return Error(Status::InvalidArgument(
        "postgres dsn: a connection string is required (--dsn or CVAULT_PG_DSN)"));
  }
  CVAULT_ASSIGN_OR_RETURN(auto vault,
                          OpenPostgresVaultStore(vault_settings_, schemas_.vault, create));
  CVAULT_ASSIGN_OR_RETURN(auto keys,
                          OpenPostgresKeyStore(keystore_settings_, schemas_.keystore, create));
  CVAULT_ASSIGN_OR_RETURN(auto ledger,
                          OpenPostgresLedgerLog(vault_settings_, schemas_.ledger, create));
  return std::unique_ptr<Backend>(
      new PostgresBackend(std::move(vault), std::move(keys), std::move(ledger)));
}

void PostgresSite::DiscardCreated() {
  (void)DropPostgresSchema(vault_settings_, schemas_.vault);
  (void)DropPostgresSchema(keystore_settings_, schemas_.keystore);
  (void)DropPostgresSchema(vault_settings_, schemas_.ledger);
}

StatusOr<std::vector<std::string>> PostgresSite::BackupFileNames() const {
  return Error(NoFolderBackups("restoring from a backup folder"));
}

Status PostgresSite::ReplaceDatabasesWith(const std::filesystem::path&) {
  return StatusOf(BackupFileNames());
}

}  // namespace cvault::store
