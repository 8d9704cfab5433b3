// Exit codes, error output (plain and JSON), where global options may go, and
// the environment variables. Errors never repeat a personal value.
#include <sys/stat.h>

#include <fstream>

#include "cli_fixture.h"

namespace cvault::cli::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

TEST_F(CliTest, HelpExitsZero) {
  CliResult r = sandbox_.Run({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.out, HasSubstr("customer"));
  EXPECT_THAT(r.out, HasSubstr("audit"));
}

TEST_F(CliTest, UnknownOptionExitsTwoWithoutEchoingValues) {
  CliResult r = Run(kAccount, {"customer", "add", "--email", kAdaEmail, "--name",
                               kAdaName, "--nickname", "Lovelace", kAdaPhone});
  EXPECT_EQ(r.exit_code, 2) << ::testing::PrintToString(r);
  EXPECT_THAT(r.err, StartsWith("cvault: error: "));
  EXPECT_THAT(r.err, HasSubstr("--nickname"));
  ExpectNoPersonalValues(r);
}

TEST_F(CliTest, MissingSubcommandExitsTwo) {
  EXPECT_EQ(sandbox_.Run({}).exit_code, 2);
  EXPECT_EQ(sandbox_.Run({"customer"}).exit_code, 2);
}

TEST_F(CliTest, MissingAsOrPurposeExitsTwo) {
  CliResult no_as = sandbox_.Run(
      {"customer", "list", "--purpose", "account_management", "--key-file", kKeyFile});
  EXPECT_EQ(no_as.exit_code, 2) << ::testing::PrintToString(no_as);
  EXPECT_THAT(no_as.err, HasSubstr("--as"));
  CliResult no_purpose = sandbox_.Run(
      {"customer", "list", "--as", "account-service:svc", "--key-file", kKeyFile});
  EXPECT_EQ(no_purpose.exit_code, 2) << ::testing::PrintToString(no_purpose);
  EXPECT_THAT(no_purpose.err, HasSubstr("--purpose"));
}

TEST_F(CliTest, MalformedAsExitsTwoNamingTheOption) {
  for (const char* as : {"account-service", ":svc", "account-service:"}) {
    CliResult r =
        Run({"--as", as, "--purpose", "account_management"}, {"customer", "list"});
    EXPECT_EQ(r.exit_code, 2) << as << ::testing::PrintToString(r);
    EXPECT_THAT(r.err, HasSubstr("--as")) << as;
  }
}

TEST_F(CliTest, MissingRootKeyExitsTwo) {
  CliResult r = sandbox_.Run({"customer", "list", "--as", "account-service:svc",
                              "--purpose", "account_management"});
  EXPECT_EQ(r.exit_code, 2) << ::testing::PrintToString(r);
  EXPECT_THAT(r.err, HasSubstr("--key-file"));
}

TEST_F(CliTest, DeniedRoleExitsThreeWithReasonCode) {
  std::string id = AddAda();
  CliResult r = Run({"--as", "support-agent:agent-118", "--purpose", "marketing"},
                    {"customer", "get", id});
  EXPECT_EQ(r.exit_code, 3) << ::testing::PrintToString(r);
  EXPECT_THAT(r.err, StartsWith("cvault: access denied (role_not_permitted): "));
  EXPECT_EQ(r.out, "");
  ExpectNoPersonalValues(r);
}

TEST_F(CliTest, ConsentPurposeWithoutConsentExitsThree) {
  std::string id = AddAda();
  CliResult r = Run(kMarketing, {"customer", "get", id});
  EXPECT_EQ(r.exit_code, 3) << ::testing::PrintToString(r);
  EXPECT_THAT(r.err, HasSubstr("access denied (no_consent)"));
  ExpectNoPersonalValues(r);
}

TEST_F(CliTest, JsonErrorsAreAnObjectOnStderr) {
  std::string id = AddAda();
  CliResult denied = Run(kMarketing, {"--json", "customer", "get", id});
  EXPECT_EQ(denied.exit_code, 3);
  EXPECT_EQ(denied.out, "");
  nlohmann::json error = ParseJson(LastLine(denied.err));
  ASSERT_TRUE(error.is_object()) << denied.err;
  EXPECT_EQ(error["error"]["code"], "permission_denied");
  EXPECT_EQ(error["error"]["reason"], "no_consent");
  EXPECT_TRUE(error["error"]["message"].is_string());

  CliResult usage = sandbox_.Run({"customer", "list", "--json", "--bogus"});
  EXPECT_EQ(usage.exit_code, 2);
  nlohmann::json usage_error = ParseJson(LastLine(usage.err));
  EXPECT_EQ(usage_error["error"]["code"], "usage") << usage.err;
  EXPECT_EQ(usage_error["error"]["reason"], "");

  CliResult missing =
      Run(kAccount, {"customer", "get", "cus_aaaaaaaaaaaaaaaaaaaaaaaaaa", "--json"});
  EXPECT_EQ(missing.exit_code, 4);
  EXPECT_EQ(ParseJson(LastLine(missing.err))["error"]["code"], "not_found");
}

TEST_F(CliTest, UnknownCustomerExitsFour) {
  AddAda();
  CliResult get = Run(kAccount, {"customer", "get", "cus_aaaaaaaaaaaaaaaaaaaaaaaaaa"});
  EXPECT_EQ(get.exit_code, 4) << ::testing::PrintToString(get);
  EXPECT_THAT(get.err, StartsWith("cvault: error: "));
  CliResult find = Run(kAccount, {"customer", "find", "--email", "nobody@example.com"});
  EXPECT_EQ(find.exit_code, 4) << ::testing::PrintToString(find);
  EXPECT_THAT(find.err, Not(HasSubstr("nobody@example.com")));
}

TEST_F(CliTest, MissingVaultExitsFour) {
  CliResult r = Run(kAccount, {"customer", "list", "--keys", "elsewhere"});
  EXPECT_EQ(r.exit_code, 4) << ::testing::PrintToString(r);
  EXPECT_THAT(r.err, HasSubstr("cvault init"));
}

TEST_F(CliTest, WrongKeyFileExitsFive) {
  AddAda();
  {
    std::ofstream other(sandbox_.dir() / "other.key");
    other << std::string(64, 'a') << '\n';
  }
  ASSERT_EQ(::chmod((sandbox_.dir() / "other.key").c_str(), 0600), 0);
  CliResult r = sandbox_.Run({"customer", "list", "--key-file", "other.key", "--as",
                              "account-service:svc", "--purpose", "account_management"});
  EXPECT_EQ(r.exit_code, 5) << ::testing::PrintToString(r);
  EXPECT_THAT(r.err, StartsWith("cvault: error: "));
  EXPECT_THAT(r.err, Not(HasSubstr(std::string(64, 'a'))));
}

TEST_F(CliTest, KeyringReadableByOthersExitsFive) {
  ASSERT_EQ(::chmod((sandbox_.dir() / "keys" / "keyring.cvk").c_str(), 0644), 0);
  CliResult r = Run(kAccount, {"customer", "list"});
  EXPECT_EQ(r.exit_code, 5) << ::testing::PrintToString(r);
  EXPECT_THAT(r.err, HasSubstr("chmod 600"));
}

TEST_F(CliTest, KeyFileReadableByOthersExitsFive) {
  ASSERT_EQ(::chmod((sandbox_.dir() / kKeyFile).c_str(), 0644), 0);
  CliResult r = Run(kAccount, {"customer", "list"});
  EXPECT_EQ(r.exit_code, 5) << ::testing::PrintToString(r);
}

TEST_F(CliTest, RejectedInputExitsSixWithoutEchoingTheValue) {
  CliResult bad_email = Run(kAccount, {"customer", "add", "--email",
                                       "ada.lovelace-at-example", "--name", kAdaName});
  EXPECT_EQ(bad_email.exit_code, 6) << ::testing::PrintToString(bad_email);
  EXPECT_THAT(bad_email.err, StartsWith("cvault: error: email"));
  EXPECT_THAT(bad_email.err, Not(HasSubstr("ada.lovelace-at-example")));
  ExpectNoPersonalValues(bad_email);

  CliResult card = Run(kAccount, {"customer", "add", "--email", kAdaEmail, "--name",
                                  "Ada Lovelace 4111 1111 1111 1111"});
  EXPECT_EQ(card.exit_code, 6) << ::testing::PrintToString(card);
  EXPECT_THAT(card.err, HasSubstr("full_name"));
  ExpectNoPersonalValues(card);

  CliResult phone = Run(kAccount, {"customer", "add", "--email", kAdaEmail, "--name",
                                   kAdaName, "--phone", "+44 call me"});
  EXPECT_EQ(phone.exit_code, 6) << ::testing::PrintToString(phone);
  EXPECT_THAT(phone.err, Not(HasSubstr("call me")));
  ExpectNoPersonalValues(phone);

  CliResult country = Run(kAccount, {"customer", "add", "--email", kAdaEmail, "--name",
                                     kAdaName, "--country", "UK"});
  EXPECT_EQ(country.exit_code, 6) << ::testing::PrintToString(country);

  // Nothing was stored by the refused writes.
  CliResult list = Run(kAccount, {"customer", "list"});
  EXPECT_EQ(list.out, "");
}

TEST_F(CliTest, DuplicateEmailExitsSix) {
  AddAda();
  CliResult r = Run(
      kAccount, {"customer", "add", "--email", "ADA@example.com", "--name", "Someone"});
  EXPECT_EQ(r.exit_code, 6) << ::testing::PrintToString(r);
  EXPECT_THAT(r.err, Not(HasSubstr("ADA@example.com")));
  ExpectNoPersonalValues(r);
}

TEST_F(CliTest, MalformedIdExitsSix) {
  CliResult r = Run(kAccount, {"customer", "get", kAdaEmail});
  EXPECT_EQ(r.exit_code, 6) << ::testing::PrintToString(r);
  ExpectNoPersonalValues(r);
}

TEST_F(CliTest, GlobalOptionsWorkBeforeAndAfterTheSubcommand) {
  std::string id = AddAda();
  CliResult before = sandbox_.Run({"--vault", "vault", "--keys", "keys", "--key-file",
                                   kKeyFile, "--as", "account-service:svc", "--purpose",
                                   "account_management", "--json", "customer", "list"});
  CliResult after = sandbox_.Run(
      {"customer", "list", "--vault", "vault", "--keys", "keys", "--key-file", kKeyFile,
       "--as", "account-service:svc", "--purpose", "account_management", "--json"});
  CliResult between =
      sandbox_.Run({"--key-file", kKeyFile, "customer", "--as", "account-service:svc",
                    "list", "--purpose", "account_management", "--json"});
  for (const CliResult* r : {&before, &after, &between}) {
    ASSERT_EQ(r->exit_code, 0) << ::testing::PrintToString(*r);
    EXPECT_EQ(ParseJson(r->out), nlohmann::json({{"customer_ids", {id}}}));
  }
}

TEST_F(CliTest, VaultAndKeysFoldersAreHonoured) {
  CliSandbox other;
  ASSERT_EQ(other
                .Run({"init", "--generate-key-file", "--key-file", "s/k/root.key",
                      "--vault", "s/v", "--keys", "s/k"})
                .exit_code,
            0);
  CliResult r = other.Run({"customer", "list", "--vault", "s/v", "--keys", "s/k",
                           "--key-file", "s/k/root.key", "--as", "account-service:svc",
                           "--purpose", "account_management"});
  EXPECT_EQ(r.exit_code, 0) << ::testing::PrintToString(r);
  EXPECT_FALSE(std::filesystem::exists(other.dir() / "vault"));
}

TEST_F(CliTest, EnvironmentSuppliesKeyFileRoleAndPurpose) {
  std::string id = AddAda();
  std::map<std::string, std::string> env = {{"CVAULT_KEY_FILE", kKeyFile},
                                            {"CVAULT_AS", "support-agent:agent-118"},
                                            {"CVAULT_PURPOSE", "support"}};
  CliResult r = sandbox_.Run({"customer", "find", "--email", kAdaEmail}, env);
  ASSERT_EQ(r.exit_code, 0) << ::testing::PrintToString(r);
  EXPECT_EQ(Trimmed(r.out), id);

  // The command line wins over the environment.
  CliResult overridden = sandbox_.Run({"customer", "list", "--as", "account-service:svc",
                                       "--purpose", "account_management"},
                                      env);
  ASSERT_EQ(overridden.exit_code, 0) << ::testing::PrintToString(overridden);
  EXPECT_EQ(Trimmed(overridden.out), id);
}

// The one test with a passphrase: Argon2id MODERATE takes about a second.
TEST(CliPassphraseTest, PassphraseFromEnvironmentSealsAndOpens) {
  CliSandbox sandbox;
  std::map<std::string, std::string> env = {
      {"CVAULT_PASSPHRASE", "correct horse battery"},
      {"CVAULT_AS", "account-service:svc"},
      {"CVAULT_PURPOSE", "account_management"}};
  CliResult init = sandbox.Run({"init"}, env);
  ASSERT_EQ(init.exit_code, 0) << ::testing::PrintToString(init);
  EXPECT_THAT(init.out + init.err, Not(HasSubstr("correct horse")));
  EXPECT_THAT(init.out, HasSubstr("CVAULT_PASSPHRASE"));

  CliResult list = sandbox.Run({"customer", "list"}, env);
  EXPECT_EQ(list.exit_code, 0) << ::testing::PrintToString(list);

  env["CVAULT_PASSPHRASE"] = "wrong horse battery";
  CliResult wrong = sandbox.Run({"customer", "list"}, env);
  EXPECT_EQ(wrong.exit_code, 5) << ::testing::PrintToString(wrong);
  EXPECT_THAT(wrong.err, Not(HasSubstr("horse")));
}

}  // namespace
}  // namespace cvault::cli::testing
