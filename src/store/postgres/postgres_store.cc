#include "store/postgres/postgres_store.h"

#include <fmt/format.h>

#include "store/postgres/pg_pool.h"
#include "store/postgres/pg_stores.h"

namespace cvault::store {
namespace {

Status CheckSchemaName(std::string_view schema) {
  if (!ValidSchemaName(schema)) {
    return Status::InvalidArgument(
        "schema: must be 1 to 48 lower-case letters, digits or '_', starting with a letter");
  }
  return Status::Ok();
}

}  // namespace

bool ValidSchemaName(std::string_view name) {
  if (name.empty() || name.size() > 48 || name.front() < 'a' || name.front() > 'z') {
    return false;
  }
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

StatusOr<bool> PostgresSchemaExists(const PostgresSettings& settings, std::string_view schema) {
  CVAULT_RETURN_IF_ERROR(CheckSchemaName(schema));
  CVAULT_ASSIGN_OR_RETURN(auto connection,
                          postgres::PgConnection::Connect(settings.dsn, "vault store"));
  CVAULT_ASSIGN_OR_RETURN(
      auto found,
      connection->Run("SELECT to_regclass($1) IS NOT NULL",
                      postgres::PgParams().Text(postgres::QuoteIdentifier(schema) + ".meta"),
                      "look for the schema"));
  return found.Bool(0, 0);
}

StatusOr<std::unique_ptr<VaultStore>> OpenPostgresVaultStore(const PostgresSettings& settings,
                                                             std::string_view schema,
                                                             bool create) {
  CVAULT_RETURN_IF_ERROR(CheckSchemaName(schema));
  return postgres::OpenVaultStoreIn(
      std::make_unique<postgres::PgPool>(settings, std::string(schema), "vault store"), create);
}

StatusOr<std::unique_ptr<KeyStore>> OpenPostgresKeyStore(const PostgresSettings& settings,
                                                         std::string_view schema,
                                                         bool create) {
  CVAULT_RETURN_IF_ERROR(CheckSchemaName(schema));
  return postgres::OpenKeyStoreIn(
      std::make_unique<postgres::PgPool>(settings, std::string(schema), "keystore"), create);
}

StatusOr<std::unique_ptr<LedgerLog>> OpenPostgresLedgerLog(const PostgresSettings& settings,
                                                           std::string_view schema,
                                                           bool create) {
  CVAULT_RETURN_IF_ERROR(CheckSchemaName(schema));
  return postgres::OpenLedgerLogIn(
      std::make_unique<postgres::PgPool>(settings, std::string(schema), "erasure ledger"),
      create);
}

Status DropPostgresSchema(const PostgresSettings& settings, std::string_view schema) {
  CVAULT_RETURN_IF_ERROR(CheckSchemaName(schema));
  CVAULT_ASSIGN_OR_RETURN(auto connection,
                          postgres::PgConnection::Connect(settings.dsn, "vault store"));
  return connection->Execute(
      fmt::format("DROP SCHEMA IF EXISTS {} CASCADE", postgres::QuoteIdentifier(schema)),
      "drop the schema");
}

}  // namespace cvault::store
