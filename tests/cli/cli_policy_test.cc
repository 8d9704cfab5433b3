// The global --policy option and CVAULT_POLICY: the vault runs under the
// policy file given, and a file that does not load stops the command. And
// `cvault policy records`, the records of processing of that policy.
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

TEST_F(CliPolicyTest, RecordsOfTheDefaultPolicyAsText) {
  CliResult r = Run({}, {"policy", "records"});
  ASSERT_EQ(r.exit_code, 0) << ::testing::PrintToString(r);
  EXPECT_THAT(r.out, HasSubstr("controller: XPereozz (EU)\n"));
  EXPECT_THAT(r.out, HasSubstr("\nrefund_processing\n"
                               "  legal basis: contract\n"
                               "  category: Core Function\n"
                               "  field groups: identity (plain), contact (plain), "
                               "financial (plain)\n"
                               "  roles: refund-service\n"
                               "  recipients: payment processors that carry out refunds "
                               "(e.g. Stripe, PayPal)\n"
                               "  retention: refund and payment records: "));
  EXPECT_THAT(r.out, HasSubstr("\naudit\n"
                               "  legal basis: legal_obligation\n"
                               "  category: Legal Compliance\n"
                               "  field groups: none\n"
                               "  roles: auditor, dpo\n"
                               "  recipients: none outside the controller\n"));
}

TEST_F(CliPolicyTest, RecordsAsJson) {
  CliResult r = Run({}, {"policy", "records", "--json"});
  ASSERT_EQ(r.exit_code, 0) << ::testing::PrintToString(r);
  nlohmann::json records = ParseJson(r.out);
  ASSERT_TRUE(records.is_object()) << r.out;
  EXPECT_EQ(records["controller"]["name"], "XPereozz");
  ASSERT_EQ(records["purposes"].size(), 11u);
  for (const nlohmann::json& p : records["purposes"]) {
    for (const char* key : {"purpose", "legal_basis", "category", "field_groups", "roles",
                            "recipients", "retention"}) {
      EXPECT_TRUE(p.contains(key)) << key;
    }
    if (p["purpose"] != "marketing") continue;
    EXPECT_EQ(p["legal_basis"], "consent");
    EXPECT_EQ(p["field_groups"],
              (nlohmann::json{{"contact", "plain"}, {"marketing_profile", "plain"}}));
    EXPECT_EQ(p["roles"], nlohmann::json::array({"marketing-service"}));
    EXPECT_EQ(p["recipients"].size(), 1u);
    EXPECT_THAT(p["retention"].get<std::string>(), HasSubstr("consent is active"));
  }
}

TEST_F(CliPolicyTest, RecordsOfACustomPolicyFile) {
  WritePolicy("custom.toml",
              "[purposes.support]\n"
              "legal_basis = \"contract\"\n"
              "category = \"Customer Support\"\n",
              "[purposes.support]\n"
              "legal_basis = \"contract\"\n"
              "category = \"Customer Support\"\n"
              "recipients = [\"a helpdesk vendor\"]\n");
  WritePolicy("plain.toml", "retention = \"while the customer's account exists; "
                            "destroyed on erasure\"\n\n[purposes.support]",
              "\n[purposes.support]");
  CliResult r = Run({}, {"policy", "records", "--json"}, {{"CVAULT_POLICY", "custom.toml"}});
  ASSERT_EQ(r.exit_code, 0) << ::testing::PrintToString(r);
  const nlohmann::json custom = ParseJson(r.out);
  for (const nlohmann::json& p : custom["purposes"]) {
    if (p["purpose"] == "support") {
      EXPECT_EQ(p["recipients"], nlohmann::json::array({"a helpdesk vendor"}));
    }
  }
  CliResult text = Run({}, {"--policy", "plain.toml", "policy", "records"});
  ASSERT_EQ(text.exit_code, 0) << ::testing::PrintToString(text);
  EXPECT_THAT(text.out, HasSubstr("\nself_service\n"));
  EXPECT_THAT(text.out, HasSubstr("  retention: not stated\n"));

  CliResult bad = Run({}, {"--policy", "no-such.toml", "policy", "records"});
  EXPECT_EQ(bad.exit_code, 6) << ::testing::PrintToString(bad);
  EXPECT_THAT(bad.err, HasSubstr("no-such.toml"));
}

}  // namespace
}  // namespace cvault::cli::testing
