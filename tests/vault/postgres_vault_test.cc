// A vault on PostgreSQL as a fleet uses it: several "hosts" (each with its
// own local vault folder) on one server, what a pg_dump of it holds, and a
// restore from a dump taken before an erasure. The rest of the vault's
// behaviour runs on PostgreSQL through vault_tests_on_postgres.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cvault/vault.h"
#include "keys/root_key.h"
#include "store/backend.h"
#include "tests/testing/fake_clock.h"
#include "tests/testing/pg_cluster.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/vault_fixture.h"

namespace cvault {
namespace {

using testing::AccountService;
using testing::Auditor;
using testing::Dpo;
using testing::SupportAgent;

AccessContext Operator() { return testing::As("operator", "operations", "ops-1"); }

// Runs `command` through the shell; its exit status and standard output.
struct CommandOutput {
  int status = -1;
  std::string out;
};
CommandOutput RunCommand(const std::string& command) {
  CommandOutput result;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  std::array<char, 4096> buffer{};
  std::size_t n;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) {
    result.out.append(buffer.data(), n);
  }
  result.status = ::pclose(pipe);
  return result;
}

std::string Quoted(const std::string& text) { return "'" + text + "'"; }

class PostgresVaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    key_file_ = dir_ / "root.key";
    ASSERT_TRUE(keys::WriteNewKeyFile(key_file_).ok());
    choice_.dsn = testing::TestPrimaryDsn();
    choice_.schema = testing::RandomTestSchema("v_");
    auto vault = Vault::Create(OptionsOf("host-a"));
    ASSERT_TRUE(vault.has_value()) << vault.error().ToString();
    host_a_ = std::move(*vault);
  }

  void TearDown() override {
    host_a_.reset();
    host_b_.reset();
    Options o;
    o.store = choice_;
    store::SiteFor(o)->DiscardCreated();
  }

  // The options of one host: its own local folder, the shared keyring.
  Options OptionsOf(const std::string& host) {
    Options o;
    o.store = choice_;
    o.vault_dir = dir_ / host;
    o.keys_dir = dir_ / "keys";
    o.root_key = KeyFile{key_file_};
    o.clock = clock_;
    o.checkpoint_every = 10;
    return o;
  }

  std::unique_ptr<Vault> OpenHost(const std::string& host) {
    auto vault = Vault::Open(OptionsOf(host));
    EXPECT_TRUE(vault.has_value()) << vault.error().ToString();
    return vault ? std::move(*vault) : nullptr;
  }

  static NewCustomer Ada() { return testing::AdaLovelace(); }

  std::string PgBin(const std::string& program) const {
    return std::string(CVAULT_PG_BIN_DIR) + "/" + program;
  }

  testing::TempDir dir_;
  std::filesystem::path key_file_;
  std::shared_ptr<testing::FakeClock> clock_ = std::make_shared<testing::FakeClock>();
  PostgresStore choice_;
  std::unique_ptr<Vault> host_a_;
  std::unique_ptr<Vault> host_b_;
};

TEST_F(PostgresVaultTest, TwoHostsShareCustomersErasuresAndOneAuditChain) {
  host_b_ = OpenHost("host-b");
  ASSERT_NE(host_b_, nullptr);
  auto id = host_a_->customers().Create(AccountService(), Ada());
  ASSERT_TRUE(id.has_value()) << id.error().ToString();
  auto found = host_b_->customers().FindByEmail(SupportAgent(), "ada.lovelace@example.com");
  ASSERT_TRUE(found.has_value()) << found.error().ToString();
  EXPECT_EQ(*found, *id);
  auto erased = host_b_->rights().Erase(Dpo(), *id);
  ASSERT_TRUE(erased.has_value()) << erased.error().ToString();
  auto gone = host_a_->customers().Get(AccountService(), *id);
  ASSERT_FALSE(gone.has_value());
  EXPECT_EQ(gone.error().code(), StatusCode::kNotFound);
  // Host A appends after host B's entries: one chain.
  ASSERT_FALSE(host_a_->customers().FindByEmail(SupportAgent(), "ada.lovelace@example.com"));
  for (Vault* vault : {host_a_.get(), host_b_.get()}) {
    auto report = vault->audit().Verify(Auditor());
    ASSERT_TRUE(report.has_value()) << report.error().ToString();
    EXPECT_TRUE(report->ok);
  }
  // A third host opening later replays nothing twice and sees the same.
  host_b_.reset();
  auto host_c = OpenHost("host-c");
  ASSERT_NE(host_c, nullptr);
  EXPECT_FALSE(host_c->customers().Get(AccountService(), *id).has_value());
}

// A key duty's lease held by a process on another host is not taken over
// while it lasts: this host cannot tell whether that process is alive.
TEST_F(PostgresVaultTest, AKeyDutyLeaseOfAnotherHostIsRespected) {
  for (int i = 0; i < 3; ++i) {
    NewCustomer c = Ada();
    c.email = "ada" + std::to_string(i) + "@example.com";
    ASSERT_TRUE(host_a_->customers().Create(AccountService(), c).has_value());
  }
  host_b_ = OpenHost("host-b");
  ASSERT_NE(host_b_, nullptr);
  std::optional<Status> other_host;
  auto rotated = host_a_->operations().RotateKek(
      Operator(),
      [&](const JobProgress&) {
        if (other_host) return;
        auto second = host_b_->operations().RotateKek(Operator());
        other_host = second.has_value() ? Status::Ok() : second.error();
      },
      /*batch=*/1);
  ASSERT_TRUE(rotated.has_value()) << rotated.error().ToString();
  ASSERT_TRUE(other_host.has_value());
  EXPECT_EQ(other_host->code(), StatusCode::kBusy) << other_host->ToString();
}

// Fail closed on the server too: when the audit entry cannot be committed
// (here a trigger the test installs refuses it), the read returns nothing,
// and the chain stays whole.
TEST_F(PostgresVaultTest, AReadWhoseAuditEntryCannotBeCommittedReturnsNothing) {
  auto id = host_a_->customers().Create(AccountService(), Ada());
  ASSERT_TRUE(id.has_value()) << id.error().ToString();
  auto psql = [&](const std::string& sql) {
    return RunCommand(PgBin("psql") + " -X -q --no-password -v ON_ERROR_STOP=1 -d " +
                      Quoted(choice_.dsn) + " -c " + Quoted(sql))
        .status;
  };
  const std::string schema = choice_.schema;
  ASSERT_EQ(psql("CREATE FUNCTION " + schema +
                 ".refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE "
                 "insufficient_privilege; END $$; CREATE TRIGGER refuse BEFORE "
                 "INSERT ON " + schema + ".audit_log FOR EACH ROW EXECUTE FUNCTION " +
                 schema + ".refuse()"),
            0);
  auto record = host_a_->customers().Get(SupportAgent(), *id);
  EXPECT_FALSE(record.has_value());
  ASSERT_EQ(psql("DROP TRIGGER refuse ON " + schema + ".audit_log"), 0);
  auto report = host_a_->audit().Verify(Auditor());
  ASSERT_TRUE(report.has_value()) << report.error().ToString();
  EXPECT_TRUE(report->ok);
  EXPECT_TRUE(host_a_->customers().Get(SupportAgent(), *id).has_value());
}

TEST_F(PostgresVaultTest, FileDutiesAreRefusedAndTheVaultKeepsWorking) {
  EXPECT_EQ(host_a_->operations().RekeyDatabases(Operator()).reason_code(), "not_supported");
  auto backup = host_a_->operations().Backup(Operator(), dir_ / "backup");
  ASSERT_FALSE(backup.has_value());
  EXPECT_EQ(backup.error().reason_code(), "not_supported");
  // Nothing was left half-done: the keyring has no pending keys.
  host_a_.reset();
  host_a_ = OpenHost("host-a");
  ASSERT_NE(host_a_, nullptr);
  EXPECT_TRUE(host_a_->customers().Create(AccountService(), Ada()).has_value());
  EXPECT_TRUE(host_a_->operations().Reseal(Operator(), KeyFile{key_file_}).ok());
}

TEST_F(PostgresVaultTest, ADumpHoldsNoPersonalValueInPlaintext) {
  auto id = host_a_->customers().Create(AccountService(), Ada());
  ASSERT_TRUE(id.has_value()) << id.error().ToString();
  const CommandOutput dump =
      RunCommand(PgBin("pg_dump") + " --no-password -d " + Quoted(choice_.dsn) + " -n " +
                 choice_.schema + " -n " + choice_.schema + "_keys -n " + choice_.schema +
                 "_ledger");
  ASSERT_EQ(dump.status, 0);
  ASSERT_NE(dump.out.find("CREATE TABLE " + choice_.schema + ".customers"), std::string::npos);
  ASSERT_NE(dump.out.find(id->str()), std::string::npos);  // ids are in the clear
  // The phone is looked for whole: its digits alone are hex, and turn up in
  // the hex text of the ciphertexts by chance.
  for (const char* value : {"Ada", "Lovelace", "ada.lovelace", "example.com",
                            "442071838750", "7183 8750", "St James", "London", "acct-1815",
                            "en-GB"}) {
    EXPECT_EQ(dump.out.find(value), std::string::npos) << "found a personal value";
  }
}

// pg_restore of a dump taken before an erasure: opening the vault again
// replays the erasure from the ledger schema, which the restore left alone.
TEST_F(PostgresVaultTest, RestoringADumpFromBeforeAnErasureDoesNotBringTheCustomerBack) {
  auto id = host_a_->customers().Create(AccountService(), Ada());
  ASSERT_TRUE(id.has_value()) << id.error().ToString();
  const std::string dump_file = (dir_ / "vault.dump").string();
  const std::string schemas =
      " -n " + choice_.schema + " -n " + choice_.schema + "_keys";
  ASSERT_EQ(RunCommand(PgBin("pg_dump") + " --no-password -Fc -d " + Quoted(choice_.dsn) +
                       schemas + " -f " + Quoted(dump_file))
                .status,
            0);
  ASSERT_TRUE(host_a_->rights().Erase(Dpo(), *id).has_value());
  host_a_.reset();
  // The operator's restore: every host stopped, the two schemas replaced.
  ASSERT_EQ(RunCommand(PgBin("psql") + " -X -q --no-password -v ON_ERROR_STOP=1 -d " + Quoted(choice_.dsn) +
                       " -c " +
                       Quoted("DROP SCHEMA " + choice_.schema + " CASCADE; DROP SCHEMA " +
                              choice_.schema + "_keys CASCADE"))
                .status,
            0);
  ASSERT_EQ(RunCommand(PgBin("pg_restore") + " --no-password --exit-on-error -d " +
                       Quoted(choice_.dsn) + " " + Quoted(dump_file))
                .status,
            0);
  host_a_ = OpenHost("host-a");
  ASSERT_NE(host_a_, nullptr);
  auto gone = host_a_->customers().Get(AccountService(), *id);
  ASSERT_FALSE(gone.has_value());
  EXPECT_EQ(gone.error().code(), StatusCode::kNotFound);
  EXPECT_FALSE(
      host_a_->customers().FindByEmail(SupportAgent(), "ada.lovelace@example.com").has_value());
}

}  // namespace
}  // namespace cvault
