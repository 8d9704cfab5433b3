// The global --policy option and CVAULT_POLICY: the vault runs under the
// policy file given, and a file that does not load stops the command.
#include <fstream>

#include "cli_fixture.h"

namespace cvault::cli::testing {
namespace {

using ::testing::ContainsRegex;
using ::testing::HasSubstr;

class CliPolicyTest : public CliTest {
 protected:
  // Writes policies/default.toml to `name` in the sandbox, with `from`
  // replaced by `to` (when given).
  void WritePolicy(const std::string& name, const std::string& from = "",
                   const std::string& to = "") {
    std::string text = ReadWholeFile(std::filesystem::path(CVAULT_SOURCE_DIR) /
                                     "policies" / "default.toml");
    ASSERT_FALSE(text.empty());
    if (!from.empty()) {
      std::size_t pos = text.find(from);
      ASSERT_NE(pos, std::string::npos) << from;
      text.replace(pos, from.size(), to);
    }
    std::ofstream(sandbox_.dir() / name, std::ios::binary) << text;
  }

  // The default policy, except that support agents may no longer act for
  // support: a read that works by default is denied under it.
  void WriteStrictPolicy(const std::string& name) {
    WritePolicy(name, R"(support-agent = ["support", "support_diagnostics"])",
                R"(support-agent = ["support_diagnostics"])");
  }
};

TEST_F(CliPolicyTest, TheDefaultPolicyAsAFileBehavesLikeTheBuiltIn) {
  std::string id = AddAda();
  WritePolicy("default.toml");
  CliResult before = Run(kSupport, {"--policy", "default.toml", "customer", "get", id});
  ASSERT_EQ(before.exit_code, 0) << ::testing::PrintToString(before);
  EXPECT_THAT(before.out, HasSubstr("email: a***@example.com\n"));
  CliResult after = Run(kSupport, {"customer", "get", id, "--policy", "default.toml"});
  ASSERT_EQ(after.exit_code, 0) << ::testing::PrintToString(after);
  EXPECT_EQ(after.out, before.out);
}

TEST_F(CliPolicyTest, PolicyFileDecidesAccess) {
  std::string id = AddAda();
  WriteStrictPolicy("strict.toml");
  CliResult denied = Run(kSupport, {"customer", "get", id, "--policy", "strict.toml"});
  EXPECT_EQ(denied.exit_code, 3) << ::testing::PrintToString(denied);
  EXPECT_THAT(denied.err, HasSubstr("access denied (role_not_permitted)"));
  ExpectNoPersonalValues(denied);
  EXPECT_EQ(Run(kSupport, {"customer", "get", id}).exit_code, 0);
}

TEST_F(CliPolicyTest, PolicyFromTheEnvironment) {
  std::string id = AddAda();
  WriteStrictPolicy("strict.toml");
  CliResult denied =
      Run(kSupport, {"customer", "get", id}, {{"CVAULT_POLICY", "strict.toml"}});
  EXPECT_EQ(denied.exit_code, 3) << ::testing::PrintToString(denied);
  EXPECT_THAT(denied.err, HasSubstr("role_not_permitted"));

  // The command line wins over the environment.
  WritePolicy("default.toml");
  CliResult overridden =
      Run(kSupport, {"customer", "get", id, "--policy", "default.toml"},
          {{"CVAULT_POLICY", "strict.toml"}});
  EXPECT_EQ(overridden.exit_code, 0) << ::testing::PrintToString(overridden);
}

TEST_F(CliPolicyTest, BadPolicyFileExitsSixNamingFileAndLine) {
  std::string id = AddAda();
  WritePolicy("typo.toml", "contact = \"masked\"", "contacts = \"masked\"");
  CliResult r = Run(kSupport, {"customer", "get", id, "--policy", "typo.toml"});
  EXPECT_EQ(r.exit_code, 6) << ::testing::PrintToString(r);
  EXPECT_THAT(r.err, ContainsRegex("typo\\.toml:[0-9]+:"));
  EXPECT_THAT(r.err, HasSubstr("contacts"));
  EXPECT_EQ(r.out, "");
  ExpectNoPersonalValues(r);

  std::ofstream(sandbox_.dir() / "broken.toml") << "version = 1\n[controller\n";
  CliResult syntax = Run(kSupport, {"customer", "get", id, "--json"},
                         {{"CVAULT_POLICY", "broken.toml"}});
  EXPECT_EQ(syntax.exit_code, 6) << ::testing::PrintToString(syntax);
  nlohmann::json error = ParseJson(LastLine(syntax.err));
  EXPECT_EQ(error["error"]["code"], "invalid_argument");
  EXPECT_THAT(error["error"]["message"].get<std::string>(),
              ContainsRegex("broken\\.toml:[0-9]+:"));
}

TEST_F(CliPolicyTest, MissingPolicyFileIsNotReplacedByTheDefault) {
  AddAda();
  CliResult r = Run(kAccount, {"customer", "list", "--policy", "no-such.toml"});
  EXPECT_NE(r.exit_code, 0) << ::testing::PrintToString(r);
  EXPECT_THAT(r.err, HasSubstr("no-such.toml"));
  EXPECT_EQ(r.out, "");
}

}  // namespace
}  // namespace cvault::cli::testing
