// The registry of backends under test, and the harness of the embedded
// (SQLCipher) backend. Only this file knows which backends exist.
#include "tests/testing/store_backends.h"

#include <filesystem>
#include <memory>
#include <vector>

#include "cvault/secret_bytes.h"
#include "cvault/status.h"
#include "store/sqlcipher/sqlcipher_store.h"
#include "store/store.h"
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

}  // namespace

std::vector<StoreBackend> StoreBackends() {
  return {
      {"Embedded", [] { return std::make_unique<EmbeddedStoreHarness>(); }},
  };
}

}  // namespace cvault::testing
