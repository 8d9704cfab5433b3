// The registry of backends under test, and the harnesses of the embedded
// (SQLCipher) and PostgreSQL backends. Only this file knows which backends
// exist.
#include "tests/testing/store_backends.h"

#include <filesystem>
#include <memory>
#include <vector>

#include "cvault/secret_bytes.h"
#include "cvault/status.h"
#include "store/postgres/postgres_store.h"
#include "store/sqlcipher/sqlcipher_store.h"
#include "store/store.h"
#include "tests/testing/pg_cluster.h"
#include "tests/testing/temp_dir.h"

namespace cvault::testing {
namespace {

// SQLCipher files in a fresh folder, each database under a random key of
// its own, as a vault lays them out.
class EmbeddedStoreHarness : public StoreBackendHarness {
 public:
  StatusOr<std::unique_ptr<store::VaultStore>> OpenVaultStore(bool create) override {
    return store::OpenSqlcipherVaultStore(dir_ / "vault.db", vault_key_, create);
  }

  StatusOr<std::unique_ptr<store::KeyStore>> OpenKeyStore(bool create) override {
    return store::OpenSqlcipherKeyStore(dir_ / "keystore.db", keystore_key_, create);
  }

 private:
  TempDir dir_;
  SecretBytes vault_key_ = SecretBytes::Random(store::kSqlcipherKeySize);
  SecretBytes keystore_key_ = SecretBytes::Random(store::kSqlcipherKeySize);
};

// Two schemas of their own on the test cluster (tests/testing/pg_cluster.h),
// with random names so tests running at once never meet; dropped again when
// the harness goes.
class PostgresStoreHarness : public StoreBackendHarness {
 public:
  PostgresStoreHarness() {
    settings_.dsn = TestPrimaryDsn();
    vault_schema_ = RandomTestSchema("t_");
    keystore_schema_ = vault_schema_ + "_keys";
  }

  ~PostgresStoreHarness() override {
    EXPECT_TRUE(store::DropPostgresSchema(settings_, vault_schema_).ok());
    EXPECT_TRUE(store::DropPostgresSchema(settings_, keystore_schema_).ok());
  }

  StatusOr<std::unique_ptr<store::VaultStore>> OpenVaultStore(bool create) override {
    return store::OpenPostgresVaultStore(settings_, vault_schema_, create);
  }

  StatusOr<std::unique_ptr<store::KeyStore>> OpenKeyStore(bool create) override {
    return store::OpenPostgresKeyStore(settings_, keystore_schema_, create);
  }

 private:
  store::PostgresSettings settings_;
  std::string vault_schema_;
  std::string keystore_schema_;
};

}  // namespace

std::vector<StoreBackend> StoreBackends() {
  return {
      {"Embedded", [] { return std::make_unique<EmbeddedStoreHarness>(); }},
      {"Postgres", [] { return std::make_unique<PostgresStoreHarness>(); }},
  };
}

}  // namespace cvault::testing
