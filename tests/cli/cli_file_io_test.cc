// The files the tool writes (--out) and reads (--checkpoint, --public-key):
// never over the vault's own files, --force only over a regular file, and
// only a regular file of bounded size read.
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "cli_fixture.h"

namespace cvault::cli::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class CliFileIoTest : public CliTest {
 protected:
  void WriteText(const std::string& name, const std::string& text) {
    std::ofstream(sandbox_.dir() / name, std::ios::binary) << text;
  }
  // The vault still opens and its audit log verifies.
  void ExpectVaultIntact() {
    CliResult verify = Run(kAuditor, {"audit", "verify"});
    EXPECT_EQ(verify.exit_code, 0) << ::testing::PrintToString(verify);
  }
};

TEST_F(CliFileIoTest, CheckpointOutOverAVaultFileIsRefusedEvenWithForce) {
  fs::create_directory(sandbox_.dir() / "elsewhere");
  fs::create_symlink(sandbox_.dir() / "vault" / "vault.db",
                     sandbox_.dir() / "elsewhere" / "link.db");
  fs::create_hard_link(sandbox_.dir() / "vault" / "keystore.db",
                       sandbox_.dir() / "elsewhere" / "hard.db");
  for (const char* target :
       {"vault/vault.db", "vault/keystore.db", "vault/vault.db-wal", "./vault/../vault/vault.db",
        "vault/erasure-ledger.jsonl", "keys/keyring.cvk", "keys/root.key",
        "elsewhere/link.db", "elsewhere/hard.db"}) {
    for (bool force : {false, true}) {
      std::vector<std::string> args = {"audit", "checkpoint", "--out", target};
      if (force) args.push_back("--force");
      CliResult r = Run(kAuditor, args);
      EXPECT_EQ(r.exit_code, 6) << target << ::testing::PrintToString(r);
      EXPECT_THAT(r.err, HasSubstr("--out")) << target;
      EXPECT_THAT(r.err, HasSubstr("vault's own files")) << target;
    }
  }
  ExpectVaultIntact();
}

TEST_F(CliFileIoTest, ExportAndPublicKeyOverAVaultFileAreRefused) {
  std::string id = AddAda();
  CliResult exported =
      Run(kDpoDsr, {"dsr", "export", id, "--out", "vault/keystore.db", "--force"});
  EXPECT_EQ(exported.exit_code, 6) << ::testing::PrintToString(exported);
  CliResult key = Run({"--as", "operator:ops-1", "--purpose", "operations"},
                      {"keys", "public", "--out", "keys/keyring.cvk", "--force"});
  EXPECT_EQ(key.exit_code, 6) << ::testing::PrintToString(key);
  ExpectVaultIntact();
}

TEST_F(CliFileIoTest, CheckpointOutRefusesAnExistingFileAndForceReplacesIt) {
  WriteText("anchor.json", "old");
  CliResult refused = Run(kAuditor, {"audit", "checkpoint", "--out", "anchor.json"});
  EXPECT_EQ(refused.exit_code, 6) << ::testing::PrintToString(refused);
  EXPECT_THAT(refused.err, HasSubstr("--force"));
  EXPECT_EQ(ReadWholeFile(sandbox_.dir() / "anchor.json"), "old");

  CliResult forced =
      Run(kAuditor, {"audit", "checkpoint", "--out", "anchor.json", "--force"});
  ASSERT_EQ(forced.exit_code, 0) << ::testing::PrintToString(forced);
  EXPECT_TRUE(ParseJson(ReadWholeFile(sandbox_.dir() / "anchor.json")).is_object());
}

TEST_F(CliFileIoTest, ForceNeverReplacesAFifoOrASymlink) {
  ASSERT_EQ(::mkfifo((sandbox_.dir() / "pipe").c_str(), 0600), 0);
  WriteText("real.json", "kept");
  fs::create_symlink("real.json", sandbox_.dir() / "link.json");
  std::string id = AddAda();
  for (const char* target : {"pipe", "link.json"}) {
    CliResult r = Run(kDpoDsr, {"dsr", "export", id, "--out", target, "--force"});
    EXPECT_EQ(r.exit_code, 6) << target << ::testing::PrintToString(r);
    EXPECT_THAT(r.err, HasSubstr("not a regular file")) << target;
    ExpectNoPersonalValues(r);
  }
  EXPECT_TRUE(fs::is_fifo(fs::symlink_status(sandbox_.dir() / "pipe")));
  EXPECT_TRUE(fs::is_symlink(fs::symlink_status(sandbox_.dir() / "link.json")));
  EXPECT_EQ(ReadWholeFile(sandbox_.dir() / "real.json"), "kept");
}

// A device node of the sandbox's own (the same device as /dev/full), so no
// build of the tool can replace the machine's: only root may make one.
TEST_F(CliFileIoTest, ExportToADeviceIsRefusedWithAndWithoutForce) {
  const fs::path device = sandbox_.dir() / "full";
  if (::mknod(device.c_str(), S_IFCHR | 0600, ::makedev(1, 7)) != 0) {
    GTEST_SKIP() << "making a device node needs root";
  }
  std::string id = AddAda();
  for (bool force : {false, true}) {
    std::vector<std::string> args = {"dsr", "export", id, "--out", "full"};
    if (force) args.push_back("--force");
    CliResult r = Run(kDpoDsr, args);
    EXPECT_EQ(r.exit_code, 6) << ::testing::PrintToString(r);
    EXPECT_THAT(r.err, HasSubstr("--out"));
  }
  struct stat st {};
  ASSERT_EQ(::stat(device.c_str(), &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode));
}

TEST_F(CliFileIoTest, VerifyCheckpointFromAFifoOrADeviceFailsAtOnce) {
  ASSERT_EQ(::mkfifo((sandbox_.dir() / "pipe").c_str(), 0600), 0);
  for (const char* source : {"pipe", "/dev/zero"}) {
    CliResult r = Run(kAuditor, {"audit", "verify", "--checkpoint", source});
    EXPECT_EQ(r.exit_code, 6) << source << ::testing::PrintToString(r);
    EXPECT_THAT(r.err, HasSubstr("--checkpoint")) << source;
    EXPECT_THAT(r.err, HasSubstr("not a regular file")) << source;
  }
}

TEST_F(CliFileIoTest, AnOversizedCheckpointFileIsRefused) {
  WriteText("huge.json", std::string(1 << 20, ' '));
  CliResult r = Run(kAuditor, {"audit", "verify", "--checkpoint", "huge.json"});
  EXPECT_EQ(r.exit_code, 6) << ::testing::PrintToString(r);
  EXPECT_THAT(r.err, HasSubstr("larger than"));
}

}  // namespace
}  // namespace cvault::cli::testing
