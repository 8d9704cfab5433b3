// `cvault keys public`: writes the vault's signing public key, the one that
// signs exports and audit checkpoints, for any role acting for a purpose it
// may use.
#include <filesystem>
#include <fstream>

#include "cli/exit_codes.h"
#include "cli_fixture.h"

namespace cvault::cli::testing {
namespace {

namespace fs = std::filesystem;

using ::testing::HasSubstr;
using ::testing::MatchesRegex;

inline const std::vector<std::string> kOperator = {"--as", "operator:ops-1", "--purpose",
                                                   "operations"};

class CliKeysTest : public CliTest {
 protected:
  fs::path InSandbox(const std::string& name) const { return sandbox_.dir() / name; }
};

TEST_F(CliKeysTest, KeysPublicWritesTheSigningKeyAsHex) {
  CliResult r = Run(kOperator, {"keys", "public", "--out", "vault.pub"});
  ASSERT_EQ(r.exit_code, 0) << ::testing::PrintToString(r);
  std::string written = ReadWholeFile(InSandbox("vault.pub"));
  EXPECT_THAT(written, MatchesRegex("[0-9a-f]{64}\n"));
  EXPECT_THAT(r.out, HasSubstr(written.substr(0, 64) + " to vault.pub"));
  EXPECT_EQ(fs::status(InSandbox("vault.pub")).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                fs::perms::others_read);

  CliResult json = Run(kAuditor, {"keys", "public", "--out", "auditor.pub", "--json"});
  ASSERT_EQ(json.exit_code, 0) << ::testing::PrintToString(json);
  nlohmann::json summary = ParseJson(json.out);
  EXPECT_EQ(summary["public_key"], written.substr(0, 64)) << "the same key for everyone";
  EXPECT_EQ(summary["algorithm"], "ed25519");
  EXPECT_EQ(summary["out"], "auditor.pub");
  EXPECT_EQ(ReadWholeFile(InSandbox("auditor.pub")), written);
}

TEST_F(CliKeysTest, KeysPublicIsTheKeyThatSignsExports) {
  std::string id = AddAda();
  ASSERT_EQ(Run(kDpoDsr, {"dsr", "export", id, "--out", "ada.json"}).exit_code, 0);
  ASSERT_EQ(Run(kDpoDsr, {"keys", "public", "--out", "vault.pub"}).exit_code, 0);
  nlohmann::json document = ParseJson(ReadWholeFile(InSandbox("ada.json")));
  EXPECT_EQ(document["signature"]["public_key"].get<std::string>() + "\n",
            ReadWholeFile(InSandbox("vault.pub")));
}

TEST_F(CliKeysTest, KeysPublicIsAudited) {
  ASSERT_EQ(Run(kOperator, {"keys", "public", "--out", "vault.pub"}).exit_code, 0);
  CliResult tail = Run(kAuditor, {"audit", "tail", "-n", "3"});
  ASSERT_EQ(tail.exit_code, 0) << ::testing::PrintToString(tail);
  EXPECT_THAT(tail.out, HasSubstr("keys.public"));
  EXPECT_THAT(tail.out, HasSubstr("ops-1"));
}

TEST_F(CliKeysTest, KeysPublicNeedsAPurposeTheRoleMayUse) {
  CliResult r = Run({"--as", "operator:ops-1", "--purpose", "dsr"},
                    {"keys", "public", "--out", "vault.pub"});
  EXPECT_EQ(r.exit_code, kExitDenied) << ::testing::PrintToString(r);
  EXPECT_THAT(r.err, HasSubstr("access denied (role_not_permitted)"));
  EXPECT_FALSE(fs::exists(InSandbox("vault.pub")));

  CliResult nobody = Run({}, {"keys", "public", "--out", "vault.pub"});
  EXPECT_EQ(nobody.exit_code, kExitUsage) << ::testing::PrintToString(nobody);
  EXPECT_FALSE(fs::exists(InSandbox("vault.pub")));
}

TEST_F(CliKeysTest, KeysPublicRefusesToOverwriteWithoutForce) {
  { std::ofstream(InSandbox("vault.pub")) << "keep me"; }
  CliResult refused = Run(kOperator, {"keys", "public", "--out", "vault.pub"});
  EXPECT_EQ(refused.exit_code, kExitRejected) << ::testing::PrintToString(refused);
  EXPECT_THAT(refused.err, HasSubstr("--force"));
  EXPECT_EQ(ReadWholeFile(InSandbox("vault.pub")), "keep me");

  CliResult forced = Run(kOperator, {"keys", "public", "--out", "vault.pub", "--force"});
  ASSERT_EQ(forced.exit_code, 0) << ::testing::PrintToString(forced);
  EXPECT_THAT(ReadWholeFile(InSandbox("vault.pub")), MatchesRegex("[0-9a-f]{64}\n"));
}

TEST_F(CliKeysTest, KeysNeedsASubcommand) {
  CliResult r = Run(kOperator, {"keys"});
  EXPECT_EQ(r.exit_code, kExitUsage) << ::testing::PrintToString(r);
}

}  // namespace
}  // namespace cvault::cli::testing
