// Shared by the example modules: a throwaway vault in a scratch folder, and
// a helper that stops the program with the error when a call fails.
#ifndef CVAULT_EXAMPLES_EXAMPLE_VAULT_H_
#define CVAULT_EXAMPLES_EXAMPLE_VAULT_H_

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>

#include "cvault/vault.h"

namespace example {

// A new vault in `dir`, sealed by a random root key held in memory. A real
// service opens its vault with Vault::Open and a key file or passphrase.
inline std::unique_ptr<cvault::Vault> ScratchVault(const std::filesystem::path& dir) {
  std::filesystem::remove_all(dir);
  cvault::Options options;
  options.vault_dir = dir / "vault";
  options.keys_dir = dir / "keys";
  options.root_key = cvault::RawRootKey{cvault::SecretBytes::Random(32)};
  auto vault = cvault::Vault::Create(std::move(options));
  if (!vault) {
    std::fprintf(stderr, "creating the vault: %s\n", vault.error().ToString().c_str());
    std::exit(1);
  }
  return std::move(*vault);
}

// The value of a successful call; otherwise prints what failed and exits.
template <class T>
T Must(cvault::StatusOr<T> result, const char* what) {
  if (!result) {
    std::fprintf(stderr, "%s: %s\n", what, result.error().ToString().c_str());
    std::exit(1);
  }
  return std::move(*result);
}

inline void Must(const cvault::Status& status, const char* what) {
  if (!status.ok()) {
    std::fprintf(stderr, "%s: %s\n", what, status.ToString().c_str());
    std::exit(1);
  }
}

}  // namespace example

#endif  // CVAULT_EXAMPLES_EXAMPLE_VAULT_H_
