#include "policy/policy_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <ostream>
#include <string>
#include <vector>

#include "tests/testing/temp_dir.h"

namespace cvault::policy {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// A small, valid policy file; the bad files below are variations of it.
constexpr std::string_view kMinimal = R"(version = 1
[controller]
name = "Example Ltd"
jurisdiction = "UK"
[roles]
support-agent = ["support"]
[purposes.support]
legal_basis = "contract"
category = "Customer Support"
actions = ["customer.read", "customer.find"]
fields = { identity = "plain", contact = "masked" }
)";

void ExpectSamePolicy(const Policy& actual, const Policy& expected) {
  EXPECT_EQ(actual.controller.name, expected.controller.name);
  EXPECT_EQ(actual.controller.jurisdiction, expected.controller.jurisdiction);
  EXPECT_EQ(actual.role_purposes, expected.role_purposes);
  EXPECT_EQ(actual.duties.separate_refund_payment,
            expected.duties.separate_refund_payment);
  ASSERT_EQ(actual.purposes.size(), expected.purposes.size());
  for (const auto& [name, want] : expected.purposes) {
    SCOPED_TRACE("purpose " + name);
    const PurposeRule* got = actual.FindPurpose(name);
    ASSERT_NE(got, nullptr);
    EXPECT_EQ(LegalBasisName(got->legal_basis), LegalBasisName(want.legal_basis));
    EXPECT_EQ(got->category, want.category);
    EXPECT_EQ(got->field_groups, want.field_groups);
    EXPECT_EQ(got->actions, want.actions);
    EXPECT_EQ(got->recipients, want.recipients);
    EXPECT_EQ(got->retention, want.retention);
  }
}

TEST(PolicyFileTest, DefaultFileEqualsBuiltInDefault) {
  StatusOr<Policy> policy =
      LoadPolicyFile(std::filesystem::path(CVAULT_SOURCE_DIR) / "policies/default.toml");
  ASSERT_TRUE(policy.has_value()) << policy.error().message();
  ExpectSamePolicy(*policy, Policy::Default());
}

TEST(PolicyFileTest, DutiesAreKeptApartUnlessTheFileSaysOtherwise) {
  StatusOr<Policy> minimal = ParsePolicy(kMinimal, "policy.toml");
  ASSERT_TRUE(minimal.has_value()) << minimal.error().message();
  EXPECT_TRUE(minimal->duties.separate_refund_payment);

  StatusOr<Policy> off = ParsePolicy(
      std::string(kMinimal) + "\n[duties]\nseparate_refund_payment = false\n", "policy.toml");
  ASSERT_TRUE(off.has_value()) << off.error().message();
  EXPECT_FALSE(off->duties.separate_refund_payment);

  StatusOr<Policy> wrong = ParsePolicy(
      std::string(kMinimal) + "\n[duties]\nseparate_refund_payment = \"yes\"\n",
      "policy.toml");
  ASSERT_FALSE(wrong.has_value());
  EXPECT_NE(wrong.error().message().find("'separate_refund_payment' must be true or false"),
            std::string::npos)
      << wrong.error().message();
  StatusOr<Policy> unknown = ParsePolicy(
      std::string(kMinimal) + "\n[duties]\nfour_eyes = true\n", "policy.toml");
  ASSERT_FALSE(unknown.has_value());
  EXPECT_NE(unknown.error().message().find("four_eyes"), std::string::npos);
}

TEST(PolicyFileTest, MinimalFileParses) {
  StatusOr<Policy> policy = ParsePolicy(kMinimal, "policy.toml");
  ASSERT_TRUE(policy.has_value()) << policy.error().message();
  EXPECT_EQ(policy->controller.name, "Example Ltd");
  EXPECT_EQ(policy->controller.jurisdiction, "UK");
  EXPECT_TRUE(policy->RoleMayUse("support-agent", "support"));
  EXPECT_EQ(policy->role_purposes.size(), 1u);
  const PurposeRule* support = policy->FindPurpose("support");
  ASSERT_NE(support, nullptr);
  EXPECT_EQ(support->legal_basis, LegalBasis::kContract);
  EXPECT_EQ(support->category, "Customer Support");
  EXPECT_EQ(support->actions,
            (std::set<std::string, std::less<>>{"customer.find", "customer.read"}));
  EXPECT_EQ(support->field_groups, (std::map<FieldGroup, Redaction>{
                                       {FieldGroup::kIdentity, Redaction::kPlain},
                                       {FieldGroup::kContact, Redaction::kMasked}}));
}

TEST(PolicyFileTest, RecipientsAndRetentionAreOptional) {
  StatusOr<Policy> without = ParsePolicy(kMinimal, "policy.toml");
  ASSERT_TRUE(without.has_value()) << without.error().message();
  EXPECT_TRUE(without->FindPurpose("support")->recipients.empty());
  EXPECT_EQ(without->FindPurpose("support")->retention, "");

  std::string text(kMinimal);
  text += "recipients = [\"a helpdesk vendor\", \"a translation agency\"]\n";
  text += "retention = \"two years after the last ticket\"\n";
  StatusOr<Policy> with = ParsePolicy(text, "policy.toml");
  ASSERT_TRUE(with.has_value()) << with.error().message();
  EXPECT_EQ(with->FindPurpose("support")->recipients,
            (std::vector<std::string>{"a helpdesk vendor", "a translation agency"}));
  EXPECT_EQ(with->FindPurpose("support")->retention, "two years after the last ticket");
}

TEST(PolicyFileTest, NoneRedactionMeansTheGroupIsLeftOut) {
  StatusOr<Policy> policy = ParsePolicy(R"(version = 1
[controller]
name = "Example Ltd"
jurisdiction = "UK"
[roles]
auditor = ["audit"]
[purposes.audit]
legal_basis = "legal_obligation"
category = "Legal Compliance"
actions = ["audit.read"]
fields = { identity = "none", financial = "none" }
)",
                                        "policy.toml");
  ASSERT_TRUE(policy.has_value()) << policy.error().message();
  EXPECT_TRUE(policy->FindPurpose("audit")->field_groups.empty());
}

TEST(PolicyFileTest, PurposeWithoutFieldsSeesNoGroup) {
  StatusOr<Policy> policy = ParsePolicy(R"(version = 1
[controller]
name = "Example Ltd"
jurisdiction = "UK"
[roles]
operator = ["operations"]
[purposes.operations]
legal_basis = "legitimate_interest"
category = "Security"
actions = ["audit.verify"]
)",
                                        "policy.toml");
  ASSERT_TRUE(policy.has_value()) << policy.error().message();
  EXPECT_TRUE(policy->FindPurpose("operations")->field_groups.empty());
}

TEST(PolicyFileTest, PurposeUsedByNoRoleIsAllowed) {
  std::string text(kMinimal);
  text += R"([purposes.marketing]
legal_basis = "consent"
category = "Marketing"
actions = ["customer.read"]
)";
  StatusOr<Policy> policy = ParsePolicy(text, "policy.toml");
  ASSERT_TRUE(policy.has_value()) << policy.error().message();
  EXPECT_NE(policy->FindPurpose("marketing"), nullptr);
}

TEST(PolicyFileTest, NameOfSixtyFourCharactersIsAllowed) {
  std::string text(kMinimal);
  text.insert(text.find("support-agent"), std::string(64, 'r') + " = [\"support\"]\n");
  StatusOr<Policy> policy = ParsePolicy(text, "policy.toml");
  ASSERT_TRUE(policy.has_value()) << policy.error().message();
  EXPECT_TRUE(policy->RoleMayUse(std::string(64, 'r'), "support"));
}

// One bad file: the error must start with `location` and contain every one
// of `words`.
struct BadFile {
  std::string_view test_name;
  std::string_view text;
  std::string_view location;
  std::vector<std::string_view> words;
};

// Keeps gtest from printing the struct as bytes.
void PrintTo(const BadFile& bad, std::ostream* out) { *out << bad.test_name; }

class BadPolicyFileTest : public ::testing::TestWithParam<BadFile> {};

TEST_P(BadPolicyFileTest, FailsNamingLineAndProblem) {
  const BadFile& bad = GetParam();
  StatusOr<Policy> policy = ParsePolicy(bad.text, "policy.toml");
  ASSERT_FALSE(policy.has_value()) << "the file was accepted";
  EXPECT_EQ(policy.error().code(), StatusCode::kInvalidArgument);
  const std::string& message = policy.error().message();
  EXPECT_THAT(message, StartsWith(std::string(bad.location)));
  for (std::string_view word : bad.words) {
    EXPECT_THAT(message, HasSubstr(std::string(word)));
  }
}

const BadFile kBadFiles[] = {
    {"SyntaxError",
     R"(version = 1
[controller]
name = "Example Ltd
jurisdiction = "UK"
)",
     "policy.toml:3:",
     {"TOML syntax error"}},
    {"DuplicateKeyIsSyntaxError",
     R"(version = 1
version = 1
)",
     "policy.toml:2:",
     {"TOML syntax error", "version"}},
    {"UnsupportedVersion",
     R"(version = 2
)",
     "policy.toml:1:11: ",
     {"unsupported policy file version 2", "version 1"}},
    {"VersionNotInteger",
     R"(version = "1"
)",
     "policy.toml:1:11: ",
     {"'version' must be an integer, not a string"}},
    {"MissingVersion",
     R"([controller]
name = "Example Ltd"
jurisdiction = "UK"
)",
     "policy.toml:1:1: ",
     {"missing key 'version'"}},
    {"UnknownTopLevelKey",
     R"(version = 1
owner = "Example Ltd"
)",
     "policy.toml:2:1: ",
     {"unknown top-level key 'owner'", "expected version, controller, roles, purposes"}},
    {"MissingController",
     R"(version = 1
[roles]
support-agent = ["support"]
)",
     "policy.toml:1:1: ",
     {"missing key 'controller'"}},
    {"UnknownControllerKey",
     R"(version = 1
[controller]
name = "Example Ltd"
jurisdiction = "UK"
country = "GB"
)",
     "policy.toml:5:1: ",
     {"[controller]", "unknown key 'country'", "name, jurisdiction"}},
    {"ControllerMissingJurisdiction",
     R"(version = 1
[controller]
name = "Example Ltd"
)",
     "policy.toml:2:1: ",
     {"[controller]", "missing key 'jurisdiction'"}},
    {"ControllerNameNotString",
     R"(version = 1
[controller]
name = 42
jurisdiction = "UK"
)",
     "policy.toml:3:8: ",
     {"[controller]", "'name' must be a string, not an integer"}},
    {"ControllerNameEmpty",
     R"(version = 1
[controller]
name = ""
jurisdiction = "UK"
)",
     "policy.toml:3:8: ",
     {"[controller]", "'name' must not be empty"}},
    {"RolesWrongType",
     R"(version = 1
roles = "support-agent"
[controller]
name = "Example Ltd"
jurisdiction = "UK"
[purposes.support]
legal_basis = "contract"
category = "Customer Support"
actions = ["customer.read"]
)",
     "policy.toml:2:9: ",
     {"'roles' must be a table, not a string"}},
    {"EmptyRoles",
     R"(version = 1
[controller]
name = "Example Ltd"
jurisdiction = "UK"
[roles]
[purposes.support]
legal_basis = "contract"
category = "Customer Support"
actions = ["customer.read"]
)",
     "policy.toml:5:1: ",
     {"roles table is empty"}},
    {"EmptyPurposes",
     R"(version = 1
purposes = {}
[controller]
name = "Example Ltd"
jurisdiction = "UK"
[roles]
support-agent = ["support"]
)",
     "policy.toml:2:12: ",
     {"purposes table is empty"}},
    {"InvalidRoleName",
     R"(version = 1
[controller]
name = "Example Ltd"
jurisdiction = "UK"
[roles]
"Support Agent" = ["support"]
[purposes.support]
legal_basis = "contract"
category = "Customer Support"
actions = ["customer.read"]
)",
     "policy.toml:6:1: ",
     {"role name 'Support Agent' is not valid", "a-z, 0-9"}},
    {"RoleNameTooLong",
     R"(version = 1
[controller]
name = "Example Ltd"
jurisdiction = "UK"
[roles]
rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr = ["support"]
[purposes.support]
legal_basis = "contract"
category = "Customer Support"
actions = ["customer.read"]
)",
     "policy.toml:6:1: ",
     {"role name", "is not valid", "1 to 64"}},
    {"InvalidPurposeName",
     R"(version = 1
[controller]
name = "Example Ltd"
jurisdiction = "UK"
[roles]
support-agent = ["Support"]
[purposes.Support]
legal_basis = "contract"
category = "Customer Support"
actions = ["customer.read"]
)",
     "policy.toml:7:11: ",
     {"purpose name 'Support' is not valid"}},
    {"RoleNamesUndefinedPurpose",
     R"(version = 1
[controller]
name = "Example Ltd"
jurisdiction = "UK"
[roles]
support-agent = ["support", "billing"]
[purposes.support]
legal_basis = "contract"
category = "Customer Support"
actions = ["customer.read"]
)",
     "policy.toml:6:29: ",
     {"role 'support-agent'", "purpose 'billing' is not defined under [purposes]"}},
    {"RoleListsPurposeTwice",
     R"(version = 1
[controller]
name = "Example Ltd"
jurisdiction = "UK"
[roles]
support-agent = ["support", "support"]
[purposes.support]
legal_basis = "contract"
category = "Customer Support"
actions = ["customer.read"]
)",
     "policy.toml:6:29: ",
     {"role 'support-agent'", "purpose 'support' is listed twice"}},
    {"RoleListsNoPurpose",
     R"(version = 1
[controller]
name = "Example Ltd"
jurisdiction = "UK"
[roles]
support-agent = []
[purposes.support]
legal_basis = "contract"
category = "Customer Support"
actions = ["customer.read"]
)",
     "policy.toml:6:17: ",
     {"role 'support-agent' lists no purposes"}},
    {"RoleNotArray",
     R"(version = 1
[controller]
name = "Example Ltd"
jurisdiction = "UK"
[roles]
support-agent = "support"
[purposes.support]
legal_basis = "contract"
category = "Customer Support"
actions = ["customer.read"]
)",
     "policy.toml:6:17: ",
     {"role 'support-agent' must be an array of purpose names, not a string"}},
    {"RoleItemNotString",
     R"(version = 1
[controller]
name = "Example Ltd"
jurisdiction = "UK"
[roles]
support-agent = ["support", 7]
[purposes.support]
legal_basis = "contract"
category = "Customer Support"
actions = ["customer.read"]
)",
     "policy.toml:6:29: ",
     {"role 'support-agent'", "purpose 2 is an integer, not a string"}},
    {"PurposeNotTable",
     R"(version = 1
[controller]
name = "Example Ltd"
jurisdiction = "UK"
[roles]
support-agent = ["support"]
[purposes]
support = "contract"
)",
     "policy.toml:8:11: ",
     {"'purposes.support' must be a table, not a string"}},
    {"UnknownPurposeKey",
     R"(version = 1
[controller]
name = "Example Ltd"
jurisdiction = "UK"
[roles]
support-agent = ["support"]
[purposes.support]
legal_basis = "contract"
category = "Customer Support"
actions = ["customer.read"]
field = { identity = "plain" }
)",
     "policy.toml:11:1: ",
     {"purpose 'support'", "unknown key 'field'",
      "expected legal_basis, category, actions, fields"}},
    {"MissingLegalBasis",
     R"(version = 1
[controller]
name = "Example Ltd"
jurisdiction = "UK"
[roles]
support-agent = ["support"]
[purposes.support]
category = "Customer Support"
actions = ["customer.read"]
)",
     "policy.toml:7:1: ",
     {"purpose 'support'", "missing key 'legal_basis'"}},
    {"UnknownLegalBasis",
     R"(version = 1
[controller]
name = "Example Ltd"
jurisdiction = "UK"
[roles]
support-agent = ["support"]
[purposes.support]
legal_basis = "vital_interest"
category = "Customer Support"
actions = ["customer.read"]
)",
     "policy.toml:8:15: ",
     {"purpose 'support'", "unknown legal basis 'vital_interest'",
      "expected consent, contract, legal_obligation, legitimate_interest"}},
    {"LegalBasisNotString",
     R"(version = 1
[controller]
name = "Example Ltd"
jurisdiction = "UK"
[roles]
support-agent = ["support"]
[purposes.support]
legal_basis = ["contract"]
category = "Customer Support"
actions = ["customer.read"]
)",
     "policy.toml:8:15: ",
     {"purpose 'support'", "'legal_basis' must be a string, not an array"}},
    {"MissingCategory",
     R"(version = 1
[controller]
name = "Example Ltd"
jurisdiction = "UK"
[roles]
support-agent = ["support"]
[purposes.support]
legal_basis = "contract"
actions = ["customer.read"]
)",
     "policy.toml:7:1: ",
     {"purpose 'support'", "missing key 'category'"}},
    {"MissingActions",
     R"(version = 1
[controller]
name = "Example Ltd"
jurisdiction = "UK"
[roles]
support-agent = ["support"]
[purposes.support]
legal_basis = "contract"
category = "Customer Support"
)",
     "policy.toml:7:1: ",
     {"purpose 'support'", "missing key 'actions'"}},
    {"ActionsNotArray",
     R"(version = 1
[controller]
name = "Example Ltd"
jurisdiction = "UK"
[roles]
support-agent = ["support"]
[purposes.support]
legal_basis = "contract"
category = "Customer Support"
actions = "customer.read"
)",
     "policy.toml:10:11: ",
     {"purpose 'support'", "'actions' must be an array of strings, not a string"}},
    {"ActionNotString",
     R"(version = 1
[controller]
name = "Example Ltd"
jurisdiction = "UK"
[roles]
support-agent = ["support"]
[purposes.support]
legal_basis = "contract"
category = "Customer Support"
actions = ["customer.read", true]
)",
     "policy.toml:10:29: ",
     {"purpose 'support'", "action 2 is a boolean, not a string"}},
    {"UnknownAction",
     R"(version = 1
[controller]
name = "Example Ltd"
jurisdiction = "UK"
[roles]
support-agent = ["support"]
[purposes.support]
legal_basis = "contract"
category = "Customer Support"
actions = ["customer.read",
           "customer.delete"]
)",
     "policy.toml:11:12: ",
     {"purpose 'support'", "unknown action 'customer.delete'", "customer.read",
      "consent.record", "customer.restrict"}},
    {"DuplicateAction",
     R"(version = 1
[controller]
name = "Example Ltd"
jurisdiction = "UK"
[roles]
support-agent = ["support"]
[purposes.support]
legal_basis = "contract"
category = "Customer Support"
actions = ["customer.read", "customer.find", "customer.read"]
)",
     "policy.toml:10:46: ",
     {"purpose 'support'", "action 'customer.read' is listed twice"}},
    {"FieldsNotTable",
     R"(version = 1
[controller]
name = "Example Ltd"
jurisdiction = "UK"
[roles]
support-agent = ["support"]
[purposes.support]
legal_basis = "contract"
category = "Customer Support"
actions = ["customer.read"]
fields = ["identity"]
)",
     "policy.toml:11:10: ",
     {"purpose 'support'", "'fields' must be a table, not an array"}},
    {"UnknownFieldGroup",
     R"(version = 1
[controller]
name = "Example Ltd"
jurisdiction = "UK"
[roles]
support-agent = ["support"]
[purposes.support]
legal_basis = "contract"
category = "Customer Support"
actions = ["customer.read"]
fields = { identity = "plain", contacts = "plain" }
)",
     "policy.toml:11:32: ",
     {"purpose 'support': unknown field group 'contacts' (expected identity, contact, "
      "marketing_profile, support_evidence, financial)"}},
    {"UnknownRedaction",
     R"(version = 1
[controller]
name = "Example Ltd"
jurisdiction = "UK"
[roles]
support-agent = ["support"]
[purposes.support]
legal_basis = "contract"
category = "Customer Support"
actions = ["customer.read"]

[purposes.support.fields]
identity = "plain"
contact = "hidden"
)",
     "policy.toml:14:11: ",
     {"purpose 'support'", "unknown redaction 'hidden' for field group 'contact'",
      "expected plain, masked, none"}},
    {"RedactionNotString",
     R"(version = 1
[controller]
name = "Example Ltd"
jurisdiction = "UK"
[roles]
support-agent = ["support"]
[purposes.support]
legal_basis = "contract"
category = "Customer Support"
actions = ["customer.read"]
fields = { identity = true }
)",
     "policy.toml:11:23: ",
     {"purpose 'support'", "'fields.identity' must be a string", "not a boolean"}},
};

INSTANTIATE_TEST_SUITE_P(PolicyFile, BadPolicyFileTest, ::testing::ValuesIn(kBadFiles),
                         [](const ::testing::TestParamInfo<BadFile>& info) {
                           return std::string(info.param.test_name);
                         });

// A bad `recipients` or `retention` key, added to the purpose of kMinimal at
// line 12: the error names that line and the problem.
TEST(PolicyFileTest, BadRecipientsOrRetentionFailNamingLineAndProblem) {
  struct BadKey {
    std::string line;
    std::vector<std::string> words;
  };
  const std::vector<BadKey> bad_keys = {
      {R"(recipients = "a helpdesk vendor")",
       {"purpose 'support'", "'recipients' must be an array of strings", "not a string"}},
      {R"(recipients = [""])",
       {"purpose 'support'", "each of 'recipients' must be 1 to 200 bytes"}},
      {"recipients = [\"" + std::string(201, 'x') + "\"]",
       {"each of 'recipients' must be 1 to 200 bytes"}},
      {R"(recipients = ["a helpdesk vendor", "a helpdesk vendor"])",
       {"recipient 'a helpdesk vendor' is listed twice"}},
      {R"(retention = "")", {"purpose 'support'", "'retention' must not be empty"}},
      {"retention = 30", {"'retention' must be a string", "not an integer"}},
      {"retention = \"" + std::string(501, 'y') + "\"",
       {"'retention' must be at most 500 bytes"}},
  };
  for (const BadKey& bad : bad_keys) {
    SCOPED_TRACE(bad.line.substr(0, 40));
    StatusOr<Policy> policy =
        ParsePolicy(std::string(kMinimal) + bad.line + "\n", "policy.toml");
    ASSERT_FALSE(policy.has_value()) << "the file was accepted";
    EXPECT_EQ(policy.error().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(policy.error().message(), StartsWith("policy.toml:12:"));
    for (const std::string& word : bad.words) {
      EXPECT_THAT(policy.error().message(), HasSubstr(word));
    }
  }
}

TEST(PolicyFileTest, MissingFileFailsNamingThePath) {
  testing::TempDir dir;
  std::filesystem::path missing = dir / "absent.toml";
  StatusOr<Policy> policy = LoadPolicyFile(missing);
  ASSERT_FALSE(policy.has_value());
  EXPECT_EQ(policy.error().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(policy.error().message(), HasSubstr(missing.string()));
  EXPECT_THAT(policy.error().message(), HasSubstr("does not exist"));
}

TEST(PolicyFileTest, DirectoryIsNotAPolicyFile) {
  testing::TempDir dir;
  StatusOr<Policy> policy = LoadPolicyFile(dir.path());
  ASSERT_FALSE(policy.has_value());
  EXPECT_EQ(policy.error().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(policy.error().message(), HasSubstr("not a regular file"));
}

TEST(PolicyFileTest, ErrorInLoadedFileNamesTheFileAndLine) {
  testing::TempDir dir;
  std::filesystem::path file = dir / "policy.toml";
  {
    std::ofstream out(file);
    out << "version = 1\n\n# a comment\nversion2 = 3\n";
  }
  StatusOr<Policy> policy = LoadPolicyFile(file);
  ASSERT_FALSE(policy.has_value());
  EXPECT_THAT(policy.error().message(), StartsWith(file.string() + ":4:1: "));
  EXPECT_THAT(policy.error().message(), HasSubstr("unknown top-level key 'version2'"));
}

}  // namespace
}  // namespace cvault::policy
