// `cvault init` and `cvault customer ...`: what a user sees, plain and JSON.
#include <sys/stat.h>

#include <algorithm>

#include "cli_fixture.h"

namespace cvault::cli::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;

TEST_F(CliTest, InitCreatesVaultKeyringAndOwnerOnlyKeyFile) {
  EXPECT_TRUE(std::filesystem::exists(sandbox_.dir() / "vault" / "vault.db"));
  EXPECT_TRUE(std::filesystem::exists(sandbox_.dir() / "keys" / "keyring.cvk"));
  struct stat st {};
  ASSERT_EQ(::stat((sandbox_.dir() / kKeyFile).c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
}

TEST_F(CliTest, InitPrintsPathsButNeverKeyMaterial) {
  CliSandbox other;
  CliResult r = other.Run({"init", "--generate-key-file", "--key-file", "k/root.key",
                           "--vault", "v", "--keys", "k"});
  ASSERT_EQ(r.exit_code, 0) << ::testing::PrintToString(r);
  EXPECT_THAT(r.out, HasSubstr("k/keyring.cvk"));
  EXPECT_THAT(r.out, HasSubstr("k/root.key"));
  std::string key = Trimmed(ReadWholeFile(other.dir() / "k" / "root.key"));
  ASSERT_EQ(key.size(), 64u);
  EXPECT_THAT(r.out + r.err, Not(HasSubstr(key)));
}

TEST_F(CliTest, InitTwiceFailsWithAlreadyExists) {
  CliResult r = sandbox_.Run({"init", "--key-file", kKeyFile});
  EXPECT_EQ(r.exit_code, 6) << ::testing::PrintToString(r);
  EXPECT_THAT(r.err, HasSubstr("cvault: error: "));
}

TEST_F(CliTest, AddGetFindUpdateListRoundTrip) {
  std::string id = AddAda();
  EXPECT_THAT(id, MatchesRegex("cus_[a-z2-7]{26}"));

  CliResult get = Run(kAccount, {"customer", "get", id});
  ASSERT_EQ(get.exit_code, 0) << ::testing::PrintToString(get);
  EXPECT_THAT(get.out, HasSubstr("full_name: Ada Lovelace\n"));
  EXPECT_THAT(get.out, HasSubstr("email: ada@example.com\n"));
  EXPECT_THAT(get.out, HasSubstr("phone: +442071838750\n"));
  EXPECT_THAT(get.out, HasSubstr("country: GB\n"));

  CliResult by_email = Run(kSupport, {"customer", "find", "--email", " ADA@Example.com"});
  ASSERT_EQ(by_email.exit_code, 0) << ::testing::PrintToString(by_email);
  EXPECT_EQ(Trimmed(by_email.out), id);

  CliResult update = Run(kAccount, {"customer", "update", id, "--phone", "+442079460321",
                                    "--country", "FR"});
  ASSERT_EQ(update.exit_code, 0) << ::testing::PrintToString(update);
  EXPECT_THAT(update.out, HasSubstr("phone"));
  EXPECT_THAT(update.out, Not(HasSubstr("+442079460321")));

  CliResult after = Run(kAccount, {"customer", "get", id, "--fields", "phone,country"});
  ASSERT_EQ(after.exit_code, 0) << ::testing::PrintToString(after);
  EXPECT_EQ(after.out, "phone: +442079460321\ncountry: FR\n");

  CliResult grace = Run(kAccount, {"customer", "add", "--email", "grace@example.org",
                                   "--name", "Grace Hopper"});
  ASSERT_EQ(grace.exit_code, 0) << ::testing::PrintToString(grace);
  // Listed in id order (ids are random, so either may come first).
  const std::string grace_id = Trimmed(grace.out);
  const std::string& first = std::min(id, grace_id);
  const std::string& second = std::max(id, grace_id);
  CliResult list = Run(kAccount, {"customer", "list"});
  ASSERT_EQ(list.exit_code, 0) << ::testing::PrintToString(list);
  EXPECT_EQ(list.out, first + "\n" + second + "\n");
  CliResult page = Run(kAccount, {"customer", "list", "--after", first, "--limit", "5"});
  EXPECT_EQ(page.out, second + "\n");
}

TEST_F(CliTest, SupportSeesContactFieldsMasked) {
  std::string id = AddAda();
  CliResult r = Run(kSupport, {"customer", "get", id});
  ASSERT_EQ(r.exit_code, 0) << ::testing::PrintToString(r);
  EXPECT_THAT(r.out, HasSubstr("full_name: Ada Lovelace"));
  EXPECT_THAT(r.out, Not(HasSubstr(kAdaEmail)));
  EXPECT_THAT(r.out, Not(HasSubstr(kAdaPhone)));
  EXPECT_THAT(r.out, HasSubstr("masked: email, phone"));
}

TEST_F(CliTest, GetWithUnknownFieldNameIsUsageError) {
  std::string id = AddAda();
  CliResult r = Run(kAccount, {"customer", "get", id, "--fields", "email,shoe_size"});
  EXPECT_EQ(r.exit_code, 2) << ::testing::PrintToString(r);
  EXPECT_THAT(r.err, HasSubstr("--fields"));
}

TEST_F(CliTest, UpdateWithoutFieldsIsUsageError) {
  std::string id = AddAda();
  CliResult r = Run(kAccount, {"customer", "update", id});
  EXPECT_EQ(r.exit_code, 2) << ::testing::PrintToString(r);
}

TEST_F(CliTest, FindByPhoneListsEveryMatch) {
  std::string ada = AddAda();
  CliResult other = Run(kAccount, {"customer", "add", "--email", "ada.l@example.net",
                                   "--name", "A. Lovelace", "--phone", kAdaPhone});
  ASSERT_EQ(other.exit_code, 0) << ::testing::PrintToString(other);
  CliResult r = Run(kAccount, {"customer", "find", "--phone", kAdaPhone});
  ASSERT_EQ(r.exit_code, 0) << ::testing::PrintToString(r);
  EXPECT_THAT(r.out, HasSubstr(ada + "\n"));
  EXPECT_THAT(r.out, HasSubstr(other.out));

  CliResult json = Run(kAccount, {"customer", "find", "--phone", kAdaPhone, "--json"});
  ASSERT_EQ(json.exit_code, 0) << ::testing::PrintToString(json);
  nlohmann::json doc = ParseJson(json.out);
  ASSERT_TRUE(doc["customer_ids"].is_array()) << json.out;
  EXPECT_EQ(doc["customer_ids"].size(), 2u);
}

TEST_F(CliTest, FindNeedsExactlyOneOfEmailAndPhone) {
  EXPECT_EQ(Run(kAccount, {"customer", "find"}).exit_code, 2);
  EXPECT_EQ(
      Run(kAccount, {"customer", "find", "--email", kAdaEmail, "--phone", kAdaPhone})
          .exit_code,
      2);
}

TEST_F(CliTest, JsonOutputShapes) {
  CliResult add = Run(kAccount, {"--json", "customer", "add", "--email", kAdaEmail,
                                 "--name", kAdaName, "--phone", kAdaPhone});
  ASSERT_EQ(add.exit_code, 0) << ::testing::PrintToString(add);
  nlohmann::json added = ParseJson(add.out);
  ASSERT_TRUE(added.is_object()) << add.out;
  ASSERT_TRUE(added["customer_id"].is_string());
  std::string id = added["customer_id"];

  CliResult get = Run(kSupport, {"customer", "get", id, "--json"});
  ASSERT_EQ(get.exit_code, 0) << ::testing::PrintToString(get);
  nlohmann::json record = ParseJson(get.out);
  EXPECT_EQ(record["customer_id"], id);
  EXPECT_EQ(record["fields"]["full_name"], kAdaName);
  EXPECT_EQ(record["fields"]["email"], "a***@example.com");
  EXPECT_THAT(record["masked"].get<std::vector<std::string>>(),
              ElementsAre("email", "phone"));
  EXPECT_TRUE(record["withheld"].is_array());
  EXPECT_EQ(record["restricted"], false);

  CliResult find = Run(kSupport, {"customer", "find", "--email", kAdaEmail, "--json"});
  EXPECT_EQ(ParseJson(find.out), nlohmann::json({{"customer_id", id}}));

  CliResult list = Run(kAccount, {"customer", "list", "--json"});
  EXPECT_EQ(ParseJson(list.out), nlohmann::json({{"customer_ids", {id}}}));

  CliResult update =
      Run(kAccount, {"customer", "update", id, "--language", "en-GB", "--json"});
  ASSERT_EQ(update.exit_code, 0) << ::testing::PrintToString(update);
  nlohmann::json updated = ParseJson(update.out);
  EXPECT_EQ(updated["customer_id"], id);
  EXPECT_THAT(updated["updated"].get<std::vector<std::string>>(),
              ElementsAre("language"));
}

TEST_F(CliTest, MultiLineAddressIsIndentedInPlainOutput) {
  CliResult add =
      Run(kAccount, {"customer", "add", "--email", kAdaEmail, "--name", kAdaName,
                     "--address", "12 St James's Square\nLondon SW1Y 4LB"});
  ASSERT_EQ(add.exit_code, 0) << ::testing::PrintToString(add);
  CliResult get =
      Run(kAccount, {"customer", "get", Trimmed(add.out), "--fields", "postal_address"});
  EXPECT_EQ(get.out, "postal_address: 12 St James's Square\n  London SW1Y 4LB\n");
}

}  // namespace
}  // namespace cvault::cli::testing
