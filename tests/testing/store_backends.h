// The storage backends the conformance tests (tests/store/conformance/) run
// against: a harness per backend that opens its stores, the registry of
// backends, and the value-parameterised fixtures that get a store from the
// backend a test is instantiated for. Nothing here names a backend; a new one
// adds its harness to StoreBackends() (store_backends.cc).
#ifndef CVAULT_TESTS_TESTING_STORE_BACKENDS_H_
#define CVAULT_TESTS_TESTING_STORE_BACKENDS_H_

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "cvault/status.h"
#include "store/store.h"
#include "tests/testing/store_fixture.h"

namespace cvault::testing {

// One backend under test, private to one test: it owns whatever its stores
// live in (for the embedded backend a temporary folder and random keys), and
// removes it when destroyed. Neither copyable nor movable; one thread.
class StoreBackendHarness {
 public:
  StoreBackendHarness() = default;
  virtual ~StoreBackendHarness() = default;
  StoreBackendHarness(const StoreBackendHarness&) = delete;
  StoreBackendHarness& operator=(const StoreBackendHarness&) = delete;

  // create = true makes an empty store, once per harness; create = false
  // opens what the store created before left (after it was destroyed), as a
  // later process would.
  [[nodiscard]] virtual StatusOr<std::unique_ptr<store::VaultStore>> OpenVaultStore(
      bool create) = 0;
  [[nodiscard]] virtual StatusOr<std::unique_ptr<store::KeyStore>> OpenKeyStore(
      bool create) = 0;
};

// A registry entry: the backend's name (the suffix of each test name, so
// letters and digits only) and how to make a fresh harness for one test.
struct StoreBackend {
  std::string name;
  std::function<std::unique_ptr<StoreBackendHarness>()> make_harness;
};

// Every backend the conformance tests run against.
std::vector<StoreBackend> StoreBackends();

// The name generator of INSTANTIATE_TEST_SUITE_P: the backend's name.
inline std::string StoreBackendName(const ::testing::TestParamInfo<StoreBackend>& info) {
  return info.param.name;
}

// How gtest prints the parameter of a failing test.
inline void PrintTo(const StoreBackend& backend, std::ostream* out) {
  *out << backend.name;
}

// A store of the backend under test, created before each test.
template <class Store, class Transaction>
class StoreConformanceFixture : public StoreFixture<Store, Transaction>,
                                public ::testing::WithParamInterface<StoreBackend> {
 protected:
  std::unique_ptr<StoreBackendHarness> harness_ = GetParam().make_harness();
};

// A vault store of the backend under test.
class VaultStoreConformanceFixture
    : public StoreConformanceFixture<store::VaultStore, store::VaultTransaction> {
 private:
  StatusOr<std::unique_ptr<store::VaultStore>> Open(bool create) override {
    return harness_->OpenVaultStore(create);
  }
};

// A keystore of the backend under test.
class KeyStoreConformanceFixture
    : public StoreConformanceFixture<store::KeyStore, store::KeyTransaction> {
 private:
  StatusOr<std::unique_ptr<store::KeyStore>> Open(bool create) override {
    return harness_->OpenKeyStore(create);
  }
};

}  // namespace cvault::testing

#endif  // CVAULT_TESTS_TESTING_STORE_BACKENDS_H_
