#include "tests/stress/stress_vault.h"

#include <utility>

namespace cvault::stress {
namespace {

AccessContext As(std::string role, std::string purpose, const std::string& principal) {
  return AccessContext{principal, std::move(role), std::move(purpose), "stress test", ""};
}

}  // namespace

Options StressOptions(const VaultPaths& paths, Durability durability) {
  Options o;
  if (!paths.pg_dsn.empty()) {
    PostgresStore store;
    store.dsn = paths.pg_dsn;
    store.schema = paths.pg_schema;
    // Four workers, each calling one at a time, wait for each other's
    // writes; a failover test's server may take a while to answer.
    store.lock_timeout_ms = 20000;
    o.store = std::move(store);
  }
  o.vault_dir = paths.vault_dir;
  o.keys_dir = paths.keys_dir;
  o.root_key = KeyFile{paths.key_file};
  o.durability = durability;
  // Frequent checkpoints, so that several processes write them while the
  // others append entries.
  o.checkpoint_every = 25;
  return o;
}

Status CreateStressVault(const VaultPaths& paths, Durability durability) {
  auto vault = Vault::Create(StressOptions(paths, durability));
  if (!vault) return vault.error();
  auto notice = (*vault)->consents().RegisterNotice(
      Legal("stress-setup"), kNoticeId, kNoticeVersion,
      "We email offers if you agree. Synthetic notice for the stress tests.");
  if (!notice) return notice.error();
  return (*vault)->Close();
}

AccessContext AccountService(const std::string& principal) {
  return As("account-service", "account_management", principal);
}
AccessContext SupportAgent(const std::string& principal) {
  return As("support-agent", "support", principal);
}
AccessContext RefundService(const std::string& principal) {
  return As("refund-service", "refund_processing", principal);
}
AccessContext Auditor(const std::string& principal) {
  return As("auditor", "audit", principal);
}
AccessContext Dpo(const std::string& principal) { return As("dpo", "dsr", principal); }
AccessContext Legal(const std::string& principal) {
  return As("dpo", "legal_compliance", principal);
}
AccessContext Operator(const std::string& principal) {
  return As("operator", "operations", principal);
}

}  // namespace cvault::stress
