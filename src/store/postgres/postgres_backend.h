// The PostgreSQL backend (cvault::PostgresStore): the vault store, the
// keystore and the erasure ledger's log, each in a schema of its own on a
// server that several hosts share. It encrypts no database itself (every
// value is encrypted by the vault before it leaves the host), so it has none
// of the embedded backend's file duties: database rekey and folder backups
// are refused with not_supported; backups are pg_dump's (docs/scaling.md).
//
// Not copyable; used as store/backend.h says.
#ifndef CVAULT_STORE_POSTGRES_POSTGRES_BACKEND_H_
#define CVAULT_STORE_POSTGRES_POSTGRES_BACKEND_H_

#include <memory>
#include <string>

#include "cvault/options.h"
#include "store/backend.h"
#include "store/postgres/postgres_store.h"

namespace cvault::store {

// The schema names a PostgresStore choice uses.
struct PostgresSchemas {
  std::string vault;     // schema
  std::string keystore;  // schema + "_keys"
  std::string ledger;    // schema + "_ledger"
};
PostgresSchemas SchemasOf(const PostgresStore& choice);

class PostgresSite final : public BackendSite {
 public:
  PostgresSite(PostgresStore choice, Durability durability);

  std::string_view name() const override { return "postgres"; }
  // Whether the vault schema holds a store (false when the server cannot
  // be reached: Open then says why).
  bool Exists() const override;
  // Create makes all three schemas (AlreadyExists if any holds a store).
  // The database keys are ignored.
  StatusOr<std::unique_ptr<Backend>> Open(const DatabaseKeys& keys, bool create) override;
  // Drops the three schemas.
  void DiscardCreated() override;
  StatusOr<std::vector<std::string>> BackupFileNames() const override;
  Status ReplaceDatabasesWith(const std::filesystem::path& backup_dir) override;

 private:
  PostgresSettings vault_settings_;
  PostgresSettings keystore_settings_;
  PostgresSchemas schemas_;
};

}  // namespace cvault::store

#endif  // CVAULT_STORE_POSTGRES_POSTGRES_BACKEND_H_
