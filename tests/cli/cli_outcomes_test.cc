// Honest outcomes: a command whose change committed exits 0 whatever its
// closing housekeeping does; damaged or unusable files end in a clear error
// that names the file and says what to do.
#include <filesystem>
#include <fstream>

#include "cli_fixture.h"
#include "tests/testing/raw_sqlcipher.h"

namespace cvault::cli::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class CliOutcomesTest : public CliTest {
 protected:
  fs::path VaultFile(const char* name) const { return sandbox_.dir() / "vault" / name; }

  // Every later audit checkpoint insert fails, and none is left, so the
  // closing checkpoint of the next command is due and fails (as on a full
  // disk, or when another process's checkpoint collides with it).
  void MakeCheckpointsFail() {
    SecretBytes key = ::cvault::testing::VaultDbKey(sandbox_.dir() / "keys",
                                                    sandbox_.dir() / kKeyFile);
    ASSERT_EQ(::cvault::testing::RunRawSql(
                  VaultFile("vault.db"), key,
                  "DELETE FROM audit_checkpoints;"
                  "CREATE TRIGGER no_checkpoint BEFORE INSERT ON audit_checkpoints "
                  "BEGIN SELECT RAISE(ABORT, 'injected checkpoint failure'); END;"),
              0);
  }
};

TEST_F(CliOutcomesTest, ASavedCustomerAddSucceedsWhenTheClosingCheckpointFails) {
  MakeCheckpointsFail();
  CliResult added =
      Run(kAccount, {"customer", "add", "--email", kAdaEmail, "--name", kAdaName});
  EXPECT_EQ(added.exit_code, 0) << ::testing::PrintToString(added);
  EXPECT_THAT(added.err, HasSubstr("warning"));
  EXPECT_THAT(added.err, HasSubstr("change is saved"));
  ExpectNoPersonalValues(added);
  // Saved: the same email is now taken.
  CliResult again =
      Run(kAccount, {"customer", "add", "--email", kAdaEmail, "--name", kAdaName});
  EXPECT_EQ(again.exit_code, 6) << ::testing::PrintToString(again);
}

TEST_F(CliOutcomesTest, ASavedErasureSucceedsWhenTheClosingCheckpointFails) {
  std::string id = AddAda();
  MakeCheckpointsFail();
  CliResult erased = Run(kDpoDsr, {"dsr", "erase", id});
  EXPECT_EQ(erased.exit_code, 0) << ::testing::PrintToString(erased);
  EXPECT_THAT(erased.err, HasSubstr("warning"));
  CliResult gone = Run(kSupport, {"customer", "get", id});
  EXPECT_EQ(gone.exit_code, 4) << ::testing::PrintToString(gone);
}

TEST_F(CliOutcomesTest, AnEmptyOrOneByteDatabaseIsAnIntegrityErrorWithAdviceThatWorks) {
  for (const char* name : {"vault.db", "keystore.db"}) {
    for (const std::string& content : {std::string(), std::string("x")}) {
      CliSandbox other;
      ASSERT_EQ(other.Run({"init", "--generate-key-file", "--key-file", kKeyFile}).exit_code,
                0);
      std::ofstream(other.dir() / "vault" / name, std::ios::binary | std::ios::trunc)
          << content;
      CliResult r = other.Run({"--as", "support-agent:agent-118", "--purpose", "support",
                               "--key-file", kKeyFile, "customer", "list"});
      EXPECT_EQ(r.exit_code, 5) << name << ::testing::PrintToString(r);
      EXPECT_THAT(r.err, HasSubstr(name));
      EXPECT_THAT(r.err, HasSubstr("cvault restore"));
      EXPECT_EQ(fs::file_size(other.dir() / "vault" / name), content.size()) << name;
    }
  }
}

TEST_F(CliOutcomesTest, AnErasureLedgerLineWithoutItsNewlineIsKept) {
  std::string id = AddAda();
  ASSERT_EQ(Run(kDpoDsr, {"dsr", "erase", id}).exit_code, 0);
  const fs::path ledger = VaultFile("erasure-ledger.jsonl");
  std::string text = ReadWholeFile(ledger);
  ASSERT_FALSE(text.empty());
  ASSERT_EQ(text.back(), '\n');
  text.pop_back();
  std::ofstream(ledger, std::ios::binary | std::ios::trunc) << text;

  CliResult r = Run(kAuditor, {"audit", "verify"});
  EXPECT_EQ(r.exit_code, 0) << ::testing::PrintToString(r);
  EXPECT_EQ(ReadWholeFile(ledger), text + "\n");
}

TEST_F(CliOutcomesTest, ATornErasureLedgerLineIsDropped) {
  std::string id = AddAda();
  ASSERT_EQ(Run(kDpoDsr, {"dsr", "erase", id}).exit_code, 0);
  const fs::path ledger = VaultFile("erasure-ledger.jsonl");
  const std::string whole = ReadWholeFile(ledger);
  std::ofstream(ledger, std::ios::binary | std::ios::app) << whole.substr(0, 20);

  CliResult r = Run(kAuditor, {"audit", "verify"});
  EXPECT_EQ(r.exit_code, 0) << ::testing::PrintToString(r);
  EXPECT_EQ(ReadWholeFile(ledger), whole);
}

TEST_F(CliOutcomesTest, AnUnopenableSharedMemoryFileIsNamedWithItsLikelyCause) {
  // A folder where SQLite wants its -shm file: it cannot open it, even as
  // root (a -shm owned by another user does the same to anyone else).
  fs::remove(VaultFile("vault.db-shm"));
  fs::create_directory(VaultFile("vault.db-shm"));
  CliResult r = Run(kSupport, {"customer", "list"});
  EXPECT_NE(r.exit_code, 0) << ::testing::PrintToString(r);
  EXPECT_THAT(r.err, HasSubstr("vault.db"));
  EXPECT_THAT(r.err, HasSubstr("-shm"));
}

}  // namespace
}  // namespace cvault::cli::testing
