// The tool on the PostgreSQL backend: --backend postgres --dsn (or
// CVAULT_BACKEND / CVAULT_PG_DSN), two "hosts" (two --vault folders) on one
// server, the options' usage errors, the embedded-only duties refused, and a
// connection string that never reaches an error message.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "cli_fixture.h"
#include "cvault/options.h"
#include "store/backend.h"
#include "tests/testing/pg_cluster.h"

namespace cvault::cli::testing {
namespace {

using ::testing::HasSubstr;

class CliPostgresTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = {{"CVAULT_BACKEND", "postgres"},
            {"CVAULT_PG_DSN", cvault::testing::TestPrimaryDsn()},
            {"CVAULT_PG_SCHEMA", schema_}};
  }

  void TearDown() override {
    Options o;
    PostgresStore choice;
    choice.dsn = cvault::testing::TestPrimaryDsn();
    choice.schema = schema_;
    o.store = choice;
    store::SiteFor(o)->DiscardCreated();
  }

  // `cvault` on host `host` (its own --vault folder), as `who`.
  CliResult RunOn(const std::string& host, const std::vector<std::string>& who,
                  const std::vector<std::string>& args) {
    std::vector<std::string> full = {"--vault", host, "--key-file", kKeyFile};
    full.insert(full.end(), who.begin(), who.end());
    full.insert(full.end(), args.begin(), args.end());
    return sandbox_.Run(full, env_);
  }

  const std::string schema_ = cvault::testing::RandomTestSchema("c_");
  std::map<std::string, std::string> env_;
  CliSandbox sandbox_;
};

TEST_F(CliPostgresTest, TwoHostsShareOneVaultThroughTheTool) {
  CliResult init = RunOn("host-a", {}, {"init", "--generate-key-file"});
  ASSERT_EQ(init.exit_code, 0) << ::testing::PrintToString(init);
  EXPECT_THAT(init.out, HasSubstr("PostgreSQL schemas " + schema_));
  CliResult added = RunOn("host-a", kAccount,
                          {"customer", "add", "--email", kAdaEmail, "--name", kAdaName,
                           "--country", "GB"});
  ASSERT_EQ(added.exit_code, 0) << ::testing::PrintToString(added);
  const std::string id = Trimmed(added.out);
  CliResult found = RunOn("host-b", kSupport, {"customer", "find", "--email", kAdaEmail});
  ASSERT_EQ(found.exit_code, 0) << ::testing::PrintToString(found);
  EXPECT_THAT(found.out, HasSubstr(id));
  CliResult verified = RunOn("host-b", kAuditor, {"audit", "verify"});
  EXPECT_EQ(verified.exit_code, 0) << ::testing::PrintToString(verified);

  const std::vector<std::string> ops = {"--as", "operator:ops-1", "--purpose", "operations"};
  CliResult backup = RunOn("host-a", ops, {"backup", "--out", "bk"});
  EXPECT_EQ(backup.exit_code, 1) << ::testing::PrintToString(backup);
  EXPECT_THAT(backup.err, HasSubstr("pg_dump"));
  CliResult rekey = RunOn("host-a", ops, {"keys", "rekey-db"});
  EXPECT_EQ(rekey.exit_code, 1) << ::testing::PrintToString(rekey);
  EXPECT_THAT(rekey.err, HasSubstr("not_supported"));
  // The refusals left nothing behind: the vault still serves.
  CliResult again = RunOn("host-b", kSupport, {"customer", "find", "--email", kAdaEmail});
  EXPECT_EQ(again.exit_code, 0) << ::testing::PrintToString(again);
}

TEST_F(CliPostgresTest, BackendOptionsThatDoNotFitAreUsageErrors) {
  env_.erase("CVAULT_PG_DSN");
  CliResult no_dsn = RunOn("host-a", {}, {"init", "--generate-key-file"});
  EXPECT_EQ(no_dsn.exit_code, 2) << ::testing::PrintToString(no_dsn);
  EXPECT_THAT(no_dsn.err, HasSubstr("--dsn"));
  env_ = {{"CVAULT_PG_DSN", "host=127.0.0.1"}};  // no CVAULT_BACKEND: embedded
  CliResult stray = RunOn("host-a", {}, {"init", "--generate-key-file"});
  EXPECT_EQ(stray.exit_code, 2) << ::testing::PrintToString(stray);
  EXPECT_THAT(stray.err, HasSubstr("--backend postgres"));
  CliResult unknown = sandbox_.Run({"--backend", "mysql", "audit", "verify"}, {});
  EXPECT_EQ(unknown.exit_code, 2) << ::testing::PrintToString(unknown);
}

TEST_F(CliPostgresTest, AnUnreachableServerIsNamedWithoutTheConnectionString) {
  env_["CVAULT_PG_DSN"] =
      "host=127.0.0.1 port=1 user=nobody password=hunter2-in-dsn connect_timeout=2";
  CliResult init = RunOn("host-a", {}, {"init", "--generate-key-file"});
  EXPECT_NE(init.exit_code, 0) << ::testing::PrintToString(init);
  EXPECT_THAT(init.err, HasSubstr("PostgreSQL"));
  EXPECT_THAT(init.err, ::testing::Not(HasSubstr("hunter2-in-dsn")));
  EXPECT_THAT(init.out, ::testing::Not(HasSubstr("hunter2-in-dsn")));
}

}  // namespace
}  // namespace cvault::cli::testing
