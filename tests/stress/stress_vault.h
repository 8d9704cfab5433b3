// What the stress worker, its verifier and the stress tests agree on: where
// the vault is, how it is opened, the access contexts each kind of call uses
// and the notice consent is given under. Public API only, so the worker is a
// program any embedding service could be.
#ifndef CVAULT_TESTS_STRESS_STRESS_VAULT_H_
#define CVAULT_TESTS_STRESS_STRESS_VAULT_H_

#include <filesystem>
#include <string>

#include "cvault/vault.h"

namespace cvault::stress {

struct VaultPaths {
  std::filesystem::path vault_dir;
  std::filesystem::path keys_dir;
  std::filesystem::path key_file;  // seals the keyring (KeyFile root key)
  // Set for a vault on PostgreSQL (the vault folder is then only this
  // process's local record of open vaults): the server and the schema.
  std::string pg_dsn;
  std::string pg_schema;
};

// The purpose consent is given and withdrawn for.
inline constexpr char kConsentPurpose[] = "marketing";
// The notice every grant cites; CreateStressVault registers it.
inline constexpr char kNoticeId[] = "privacy";
inline constexpr char kNoticeVersion[] = "3";

// Options that open the vault at `paths`. A worker's operational log is
// discarded: the stress programs print counts, never what the vault holds.
Options StressOptions(const VaultPaths& paths, Durability durability);

// Creates the vault (the key file must exist) and registers the notice.
[[nodiscard]] Status CreateStressVault(const VaultPaths& paths, Durability durability);

// The contexts of the default policy's roles. `principal` names the worker,
// so the audit log tells the processes apart.
AccessContext AccountService(const std::string& principal);
AccessContext SupportAgent(const std::string& principal);
AccessContext RefundService(const std::string& principal);
AccessContext Auditor(const std::string& principal);
AccessContext Dpo(const std::string& principal);
// The dpo acting for a legal obligation: the only purpose that may read a
// refund case kept under a retention hold after its customer's erasure.
AccessContext Legal(const std::string& principal);
AccessContext Operator(const std::string& principal);

}  // namespace cvault::stress

#endif  // CVAULT_TESTS_STRESS_STRESS_VAULT_H_
