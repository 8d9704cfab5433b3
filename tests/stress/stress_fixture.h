// The fixture of the stress tests: a fresh vault under a temporary folder,
// sealed by a new key file, and the worker processes started on it. Every
// worker still running when a test ends (a failed assertion included) is
// killed and reaped in TearDown.
#ifndef CVAULT_TESTS_STRESS_STRESS_FIXTURE_H_
#define CVAULT_TESTS_STRESS_STRESS_FIXTURE_H_

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <list>
#include <stdexcept>
#include <string>
#include <vector>

#include "keys/root_key.h"
#include "store/backend.h"
#include "tests/stress/stress_vault.h"
#include "tests/testing/child_process.h"
#include "tests/testing/pg_cluster.h"
#include "tests/testing/temp_dir.h"

namespace cvault::stress {

class StressTest : public ::testing::Test {
 protected:
  // The durability the vault is created and opened with.
  virtual Durability durability() const { return Durability::kFull; }
  // The PostgreSQL server the vault lives on; empty for an embedded vault.
  virtual std::string PgDsn() { return ""; }

  void SetUp() override {
    paths_ = {dir_ / "vault", dir_ / "keys", dir_ / "root.key", PgDsn(), ""};
    if (!paths_.pg_dsn.empty()) paths_.pg_schema = testing::RandomTestSchema("s_");
    ASSERT_TRUE(keys::WriteNewKeyFile(paths_.key_file).ok());
    Status created = CreateStressVault(paths_, durability());
    ASSERT_TRUE(created.ok()) << created.ToString();
  }

  void TearDown() override {
    workers_.clear();
    if (!paths_.pg_schema.empty()) {
      Options o = StressOptions(paths_, durability());
      store::SiteFor(o)->DiscardCreated();
    }
  }

  // The arguments every worker and verifier run shares.
  std::vector<std::string> BaseArgs() const {
    std::vector<std::string> args = {CVAULT_WORKER_PATH,
                                     "--vault",
                                     paths_.vault_dir.string(),
                                     "--keys",
                                     paths_.keys_dir.string(),
                                     "--key-file",
                                     paths_.key_file.string(),
                                     "--durability",
                                     durability() == Durability::kFull ? "full" : "normal"};
    if (!paths_.pg_dsn.empty()) {
      args.insert(args.end(),
                  {"--pg-dsn", paths_.pg_dsn, "--pg-schema", paths_.pg_schema});
    }
    return args;
  }

  // Starts the worker program with BaseArgs() and `args`, its output to
  // `output`. Fails the test (fatally) when it cannot start.
  testing::ChildProcess& Start(const std::vector<std::string>& args,
                               const std::filesystem::path& output) {
    std::vector<std::string> argv = BaseArgs();
    argv.insert(argv.end(), args.begin(), args.end());
    std::string error;
    auto child = testing::ChildProcess::Spawn(argv, output, &error);
    if (!child) throw std::runtime_error("cannot start the worker: " + error);
    return workers_.emplace_back(std::move(*child));
  }

  // Opens the vault again (as a process of its own would) and walks its
  // audit chain: it must verify, without a gap.
  void ExpectAuditChainVerifies(const std::string& principal) {
    auto vault = Vault::Open(StressOptions(paths_, durability()));
    ASSERT_TRUE(vault.has_value()) << vault.error().ToString();
    auto audit = (*vault)->audit().Verify(Auditor(principal));
    ASSERT_TRUE(audit.has_value()) << audit.error().ToString();
    EXPECT_TRUE(audit->ok) << "audit log: " << audit->problem << " at sequence "
                           << audit->first_bad_sequence.value_or(0);
    EXPECT_EQ(audit->entries_checked, audit->head_sequence) << "a gap in the audit log";
  }

  static std::string ReadText(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in),
                       std::istreambuf_iterator<char>());
  }

  testing::TempDir dir_;
  VaultPaths paths_;
  // Started workers; a list, so references stay valid as more start.
  std::list<testing::ChildProcess> workers_;
};

}  // namespace cvault::stress

#endif  // CVAULT_TESTS_STRESS_STRESS_FIXTURE_H_
