// `cvault notice add` and `cvault consent ...`: recording consent, what it
// lets a consent-based purpose see, and what auditors read back.
#include <chrono>
#include <fstream>
#include <thread>

#include "cli_fixture.h"
#include "cvault/clock.h"

namespace cvault::cli::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;

constexpr char kNoticeText[] =
    "We would like to email you offers. You can withdraw at any time.\n";
// sha256sum of kNoticeText.
constexpr char kNoticeSha256[] =
    "1ac85f27e47b1bd4baca2a76a2d17912257434a6223da9705de0d3120cbf3da2";
constexpr char kNotice[] = "marketing-emails@2026-11";

class CliConsentTest : public CliTest {
 protected:
  void WriteFile(const std::string& name, const std::string& text) {
    std::ofstream(sandbox_.dir() / name, std::ios::binary) << text;
  }

  // Registers kNotice (as the DPO, purpose legal_compliance).
  CliResult AddNotice(const std::vector<std::string>& extra = {}) {
    WriteFile("notice.txt", kNoticeText);
    std::vector<std::string> args = {"notice",    "add",     "--id",   "marketing-emails",
                                     "--version", "2026-11", "--file", "notice.txt"};
    args.insert(args.end(), extra.begin(), extra.end());
    return Run(kDpoLegal, args);
  }

  // Records consent for `purpose` citing kNotice, as account-service.
  CliResult Grant(const std::string& id, const std::string& purpose = "marketing",
                  const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"consent",  "grant",     id,      "--for",
                                     purpose,    "--notice",  kNotice, "--method",
                                     "checkbox", "--channel", "web"};
    args.insert(args.end(), extra.begin(), extra.end());
    return Run(kAccount, args);
  }

  // Withdraws marketing consent as Ada did: through the link in an email.
  CliResult Withdraw(const std::string& id) {
    return Run(kAccount, {"consent", "withdraw", id, "--for", "marketing", "--method",
                          "email_link", "--channel", "email"});
  }

  std::string AddCustomer(const std::string& email) {
    CliResult r =
        Run(kAccount, {"customer", "add", "--email", email, "--name", "Someone"});
    EXPECT_EQ(r.exit_code, 0) << ::testing::PrintToString(r);
    return Trimmed(r.out);
  }
};

TEST_F(CliConsentTest, NoticeAddPrintsIdVersionAndHash) {
  CliResult plain = AddNotice();
  ASSERT_EQ(plain.exit_code, 0) << ::testing::PrintToString(plain);
  EXPECT_THAT(plain.out, HasSubstr(kNotice));
  EXPECT_THAT(plain.out, HasSubstr(kNoticeSha256));

  WriteFile("v2.txt", "A newer text.\n");
  CliResult json = Run(kDpoLegal, {"notice", "add", "--id", "marketing-emails",
                                   "--version", "2026-12", "--file", "v2.txt", "--json"});
  ASSERT_EQ(json.exit_code, 0) << ::testing::PrintToString(json);
  nlohmann::json notice = ParseJson(json.out);
  EXPECT_EQ(notice["notice_id"], "marketing-emails");
  EXPECT_EQ(notice["version"], "2026-12");
  EXPECT_THAT(notice["text_sha256"].get<std::string>(), MatchesRegex("[0-9a-f]{64}"));
  EXPECT_NE(notice["text_sha256"], kNoticeSha256);
  EXPECT_THAT(notice["registered_at"].get<std::string>(), HasSubstr("Z"));
}

TEST_F(CliConsentTest, NoticeAddTwiceExitsSix) {
  ASSERT_EQ(AddNotice().exit_code, 0);
  CliResult again = AddNotice();
  EXPECT_EQ(again.exit_code, 6) << ::testing::PrintToString(again);
}

TEST_F(CliConsentTest, NoticeAddWithUnusableFileNamesTheOption) {
  CliResult missing = Run(kDpoLegal, {"notice", "add", "--id", "n", "--version", "1",
                                      "--file", "no-such-file.txt"});
  EXPECT_EQ(missing.exit_code, 4) << ::testing::PrintToString(missing);
  EXPECT_THAT(missing.err, HasSubstr("--file"));

  CliResult folder =
      Run(kDpoLegal, {"notice", "add", "--id", "n", "--version", "1", "--file", "vault"});
  EXPECT_EQ(folder.exit_code, 6) << ::testing::PrintToString(folder);
  EXPECT_THAT(folder.err, HasSubstr("--file"));

  WriteFile("empty.txt", "");
  CliResult empty = Run(
      kDpoLegal, {"notice", "add", "--id", "n", "--version", "1", "--file", "empty.txt"});
  EXPECT_EQ(empty.exit_code, 6) << ::testing::PrintToString(empty);
}

TEST_F(CliConsentTest, MarketingReadsWhileConsentIsActiveAndNotAfterWithdrawal) {
  std::string id = AddAda();
  ASSERT_EQ(AddNotice().exit_code, 0);
  CliResult grant = Grant(id, "marketing", {"--expires", "2099-01-01"});
  ASSERT_EQ(grant.exit_code, 0) << ::testing::PrintToString(grant);
  EXPECT_THAT(grant.out, HasSubstr("consent given: " + id + " for marketing"));
  EXPECT_THAT(grant.out, HasSubstr(kNoticeSha256));

  CliResult status = Run(kAuditor, {"consent", "status", id});
  ASSERT_EQ(status.exit_code, 0) << ::testing::PrintToString(status);
  EXPECT_THAT(status.out, MatchesRegex("(.|\n)*marketing +active +since 20[^\n]* "
                                       "expires 2099-01-01T00:00:00.000000Z\n(.|\n)*"));

  CliResult allowed = Run(kMarketing, {"customer", "get", id});
  ASSERT_EQ(allowed.exit_code, 0) << ::testing::PrintToString(allowed);
  EXPECT_THAT(allowed.out, HasSubstr("email: ada@example.com\n"));
  EXPECT_THAT(allowed.out, HasSubstr("phone: +442071838750\n"));
  EXPECT_THAT(allowed.out, Not(HasSubstr(kAdaName)));
  EXPECT_THAT(allowed.out, HasSubstr("withheld: full_name"));

  CliResult withdraw = Withdraw(id);
  ASSERT_EQ(withdraw.exit_code, 0) << ::testing::PrintToString(withdraw);
  EXPECT_THAT(withdraw.out, HasSubstr("consent withdrawn: " + id));

  CliResult denied = Run(kMarketing, {"customer", "get", id});
  EXPECT_EQ(denied.exit_code, 3) << ::testing::PrintToString(denied);
  EXPECT_THAT(denied.err, HasSubstr("access denied (consent_withdrawn)"));
  EXPECT_EQ(denied.out, "");
  ExpectNoPersonalValues(denied);
}

TEST_F(CliConsentTest, ConsentPurposeMayBeGivenAsPurposeAfterTheSubcommand) {
  std::string id = AddAda();
  ASSERT_EQ(AddNotice().exit_code, 0);
  CliResult r = Run(kAccount, {"consent", "grant", id, "--purpose", "marketing", "--notice",
                               kNotice, "--method", "checkbox", "--channel", "web"});
  EXPECT_EQ(r.exit_code, 0) << ::testing::PrintToString(r);
  CliResult status = Run(kAuditor, {"consent", "status", id, "--json"});
  EXPECT_NE(status.out.find("\"active\""), std::string::npos) << status.out;
}

TEST_F(CliConsentTest, GrantJsonIsTheWholeReceipt) {
  std::string id = AddAda();
  ASSERT_EQ(AddNotice().exit_code, 0);
  CliResult r = Grant(id, "marketing",
                      {"--type", "explicit", "--language", "en-GB", "--pii-category",
                       "contact", "--third-party", "Mailer Ltd", "--actor", "agent-9",
                       "--expires", "2099-06-30T12:00:00Z", "--json"});
  ASSERT_EQ(r.exit_code, 0) << ::testing::PrintToString(r);
  nlohmann::json event = ParseJson(r.out);
  EXPECT_THAT(event["event_id"].get<std::string>(), MatchesRegex("cev_[a-z2-7]{26}"));
  EXPECT_THAT(event["consent_id"].get<std::string>(), MatchesRegex("con_[a-z2-7]{26}"));
  EXPECT_EQ(event["customer_id"], id);
  EXPECT_EQ(event["type"], "given");
  EXPECT_EQ(event["expires_at"], "2099-06-30T12:00:00.000000Z");
  EXPECT_TRUE(event["previous_event_id"].is_null());
  EXPECT_EQ(event["controller"], "XPereozz");
  EXPECT_EQ(event["purpose"], "marketing");
  EXPECT_EQ(event["purpose_category"], "Marketing");
  EXPECT_EQ(event["legal_basis"], "consent");
  EXPECT_EQ(event["consent_type"], "explicit");
  EXPECT_EQ(event["pii_categories"], nlohmann::json({"contact"}));
  EXPECT_EQ(event["third_parties"], nlohmann::json({"Mailer Ltd"}));
  EXPECT_EQ(event["notice_id"], "marketing-emails");
  EXPECT_EQ(event["notice_version"], "2026-11");
  EXPECT_EQ(event["notice_sha256"], kNoticeSha256);
  EXPECT_EQ(event["language"], "en-GB");
  EXPECT_EQ(event["collection_method"], "checkbox");
  EXPECT_EQ(event["channel"], "web");
  EXPECT_EQ(event["actor"], "agent-9");
}

TEST_F(CliConsentTest, HistoryJsonHoldsEveryEventWithTheNoticeHash) {
  std::string id = AddAda();
  ASSERT_EQ(AddNotice().exit_code, 0);
  ASSERT_EQ(Grant(id).exit_code, 0);
  ASSERT_EQ(Withdraw(id).exit_code, 0);

  CliResult r = Run(kAuditor, {"consent", "history", id, "--json"});
  ASSERT_EQ(r.exit_code, 0) << ::testing::PrintToString(r);
  nlohmann::json history = ParseJson(r.out);
  EXPECT_EQ(history["customer_id"], id);
  ASSERT_EQ(history["events"].size(), 2u) << r.out;
  EXPECT_EQ(history["events"][0]["type"], "given");
  EXPECT_EQ(history["events"][1]["type"], "withdrawn");
  EXPECT_EQ(history["events"][1]["consent_id"], history["events"][0]["consent_id"]);
  EXPECT_EQ(history["events"][1]["previous_event_id"], history["events"][0]["event_id"]);
  for (const auto& event : history["events"]) {
    EXPECT_EQ(event["notice_sha256"], kNoticeSha256);
  }

  CliResult plain = Run(kDpoDsr, {"consent", "history", id});
  ASSERT_EQ(plain.exit_code, 0) << ::testing::PrintToString(plain);
  EXPECT_THAT(plain.out, MatchesRegex("20[^\n]*Z given +marketing con_[a-z2-7]+ " +
                                      std::string(kNotice) + " checkbox web customer\n" +
                                      "20[^\n]*Z withdrawn marketing con_[a-z2-7]+ " +
                                      std::string(kNotice) +
                                      " email_link email customer\n"));
  EXPECT_EQ(history["events"][1]["collection_method"], "email_link");
  EXPECT_EQ(history["events"][1]["channel"], "email");
}

TEST_F(CliConsentTest, ReportCountsCustomersByStatus) {
  std::string ada = AddAda();
  std::string bob = AddCustomer("bob@example.com");
  AddCustomer("grace@example.org");
  ASSERT_EQ(AddNotice().exit_code, 0);
  ASSERT_EQ(Grant(ada).exit_code, 0);
  ASSERT_EQ(Grant(bob).exit_code, 0);
  ASSERT_EQ(Withdraw(bob).exit_code, 0);

  CliResult r = Run(kAuditor, {"consent", "report", "--for", "marketing", "--json"});
  ASSERT_EQ(r.exit_code, 0) << ::testing::PrintToString(r);
  nlohmann::json report = ParseJson(r.out);
  EXPECT_EQ(report["purpose"], "marketing");
  EXPECT_TRUE(report["as_of"].is_string());
  EXPECT_EQ(report["active"], 1);
  EXPECT_EQ(report["withdrawn"], 1);
  EXPECT_EQ(report["expired"], 0);
  EXPECT_EQ(report["never_given"], 1);

  CliResult plain = Run(kDpoDsr, {"consent", "report", "--for", "analytics"});
  ASSERT_EQ(plain.exit_code, 0) << ::testing::PrintToString(plain);
  EXPECT_THAT(plain.out, HasSubstr("active: 0\n"));
  EXPECT_THAT(plain.out, HasSubstr("never_given: 3\n"));

  CliResult past = Run(kAuditor, {"consent", "report", "--for", "marketing", "--as-of",
                                  "2020-01-01", "--json"});
  ASSERT_EQ(past.exit_code, 0) << ::testing::PrintToString(past);
  EXPECT_EQ(ParseJson(past.out)["as_of"], "2020-01-01T00:00:00.000000Z");
  EXPECT_EQ(ParseJson(past.out)["active"], 0);
}

TEST_F(CliConsentTest, StatusAsOfBeforeTheGrantIsNeverGiven) {
  std::string id = AddAda();
  ASSERT_EQ(AddNotice().exit_code, 0);
  ASSERT_EQ(Grant(id).exit_code, 0);

  CliResult now = Run(kAuditor, {"consent", "status", id, "--json"});
  ASSERT_EQ(now.exit_code, 0) << ::testing::PrintToString(now);
  CliResult past =
      Run(kAuditor, {"consent", "status", id, "--as-of", "2020-01-01", "--json"});
  ASSERT_EQ(past.exit_code, 0) << ::testing::PrintToString(past);
  nlohmann::json then = ParseJson(past.out);
  EXPECT_EQ(then["customer_id"], id);
  EXPECT_EQ(then["as_of"], "2020-01-01T00:00:00.000000Z");
  for (const auto& [doc, expected] :
       {std::pair{ParseJson(now.out), "active"}, std::pair{then, "never_given"}}) {
    bool seen = false;
    for (const auto& state : doc["purposes"]) {
      if (state["purpose"] != "marketing") continue;
      seen = true;
      EXPECT_EQ(state["status"], expected) << doc;
    }
    EXPECT_TRUE(seen) << doc;
  }
}

TEST_F(CliConsentTest, ExpiredConsentDeniesThenIsRecordedAndRenewed) {
  std::string id = AddAda();
  ASSERT_EQ(AddNotice().exit_code, 0);
  // Long enough for the grant and the early attempt under a loaded ASan run.
  Timestamp expiry = SystemClock()->Now() + std::chrono::seconds(5);
  ASSERT_EQ(Grant(id, "marketing", {"--expires", FormatTimestamp(expiry)}).exit_code, 0);
  CliResult early = Run(kAccount, {"consent", "expire", id, "--for", "marketing"});
  EXPECT_EQ(early.exit_code, 1) << ::testing::PrintToString(early);

  std::this_thread::sleep_until(std::chrono::system_clock::time_point(expiry) +
                                std::chrono::milliseconds(200));
  CliResult denied = Run(kMarketing, {"customer", "get", id});
  EXPECT_EQ(denied.exit_code, 3) << ::testing::PrintToString(denied);
  EXPECT_THAT(denied.err, HasSubstr("consent_expired"));
  ExpectNoPersonalValues(denied);

  CliResult expired = Run(kAccount, {"consent", "expire", id, "--for", "marketing"});
  ASSERT_EQ(expired.exit_code, 0) << ::testing::PrintToString(expired);
  EXPECT_THAT(expired.out, HasSubstr("consent expired: " + id));

  CliResult renewed = Run(kDpoDsr, {"consent", "renew", id, "--for", "marketing",
                                    "--expires", "2099-01-01", "--actor", "dpo-1"});
  ASSERT_EQ(renewed.exit_code, 0) << ::testing::PrintToString(renewed);
  EXPECT_THAT(renewed.out, HasSubstr("consent renewed: " + id));
  EXPECT_EQ(Run(kMarketing, {"customer", "get", id}).exit_code, 0);
}

TEST_F(CliConsentTest, GrantForAContractPurposeExitsSixNamingThePurpose) {
  std::string id = AddAda();
  ASSERT_EQ(AddNotice().exit_code, 0);
  CliResult r = Grant(id, "support");
  EXPECT_EQ(r.exit_code, 6) << ::testing::PrintToString(r);
  EXPECT_THAT(r.err, HasSubstr("purpose"));
  EXPECT_THAT(r.err, HasSubstr("support"));
  ExpectNoPersonalValues(r);
}

TEST_F(CliConsentTest, GrantCitingAnUnregisteredNoticeExitsSix) {
  std::string id = AddAda();
  CliResult r = Grant(id);
  EXPECT_EQ(r.exit_code, 6) << ::testing::PrintToString(r);
  EXPECT_THAT(r.err, HasSubstr("notice"));
  ExpectNoPersonalValues(r);
}

TEST_F(CliConsentTest, InvalidCollectionMethodExitsSix) {
  std::string id = AddAda();
  ASSERT_EQ(AddNotice().exit_code, 0);
  CliResult r = Run(kAccount, {"consent", "grant", id, "--for", "marketing", "--notice",
                               kNotice, "--method", "telepathy", "--channel", "web"});
  EXPECT_EQ(r.exit_code, 6) << ::testing::PrintToString(r);
  EXPECT_THAT(r.err, HasSubstr("collection method"));
}

TEST_F(CliConsentTest, ImplicitConsentIsRefusedNamingTheType) {
  std::string id = AddAda();
  ASSERT_EQ(AddNotice().exit_code, 0);
  CliResult r = Grant(id, "marketing", {"--type", "implicit"});
  EXPECT_EQ(r.exit_code, 6) << ::testing::PrintToString(r);
  EXPECT_THAT(r.err, HasSubstr("type: "));
  ExpectNoPersonalValues(r);
  CliResult status = Run(kAuditor, {"consent", "history", id, "--json"});
  ASSERT_EQ(status.exit_code, 0) << ::testing::PrintToString(status);
  EXPECT_EQ(ParseJson(status.out)["events"].size(), 0u) << status.out;
}

TEST_F(CliConsentTest, WithdrawNeedsItsOwnMethodAndChannel) {
  std::string id = AddAda();
  ASSERT_EQ(AddNotice().exit_code, 0);
  ASSERT_EQ(Grant(id).exit_code, 0);
  CliResult missing = Run(kAccount, {"consent", "withdraw", id, "--for", "marketing"});
  EXPECT_EQ(missing.exit_code, 2) << ::testing::PrintToString(missing);
  EXPECT_THAT(missing.err, HasSubstr("--method"));
  CliResult bad = Run(kAccount, {"consent", "withdraw", id, "--for", "marketing",
                                 "--method", "verbal", "--channel", "carrier-pigeon"});
  EXPECT_EQ(bad.exit_code, 6) << ::testing::PrintToString(bad);
  EXPECT_THAT(bad.err, HasSubstr("channel"));
  CliResult ok = Run(kAccount, {"consent", "withdraw", id, "--for", "marketing",
                                "--method", "verbal", "--channel", "phone", "--actor",
                                "agent-9", "--json"});
  ASSERT_EQ(ok.exit_code, 0) << ::testing::PrintToString(ok);
  nlohmann::json event = ParseJson(ok.out);
  EXPECT_EQ(event["type"], "withdrawn");
  EXPECT_EQ(event["collection_method"], "verbal");
  EXPECT_EQ(event["channel"], "phone");
  EXPECT_EQ(event["actor"], "agent-9");
}

TEST_F(CliConsentTest, WithdrawWithoutConsentExitsOne) {
  std::string id = AddAda();
  CliResult r = Withdraw(id);
  EXPECT_EQ(r.exit_code, 1) << ::testing::PrintToString(r);
  EXPECT_THAT(r.err, HasSubstr("never_given"));
  ExpectNoPersonalValues(r);
}

TEST_F(CliConsentTest, MalformedNoticeExitsTwoNamingTheOption) {
  std::string id = AddAda();
  for (const char* notice : {"marketing-emails", "@2026-11", "marketing-emails@"}) {
    CliResult r = Run(kAccount, {"consent", "grant", id, "--for", "marketing", "--notice",
                                 notice, "--method", "checkbox", "--channel", "web"});
    EXPECT_EQ(r.exit_code, 2) << notice << ::testing::PrintToString(r);
    EXPECT_THAT(r.err, HasSubstr("--notice")) << notice;
  }
}

TEST_F(CliConsentTest, MalformedTimeExitsTwoNamingTheOption) {
  std::string id = AddAda();
  ASSERT_EQ(AddNotice().exit_code, 0);
  CliResult expires = Grant(id, "marketing", {"--expires", "next tuesday"});
  EXPECT_EQ(expires.exit_code, 2) << ::testing::PrintToString(expires);
  EXPECT_THAT(expires.err, HasSubstr("--expires"));
  EXPECT_THAT(expires.err, Not(HasSubstr("tuesday")));

  CliResult as_of = Run(kAuditor, {"consent", "status", id, "--as-of", "2026-02-30"});
  EXPECT_EQ(as_of.exit_code, 2) << ::testing::PrintToString(as_of);
  EXPECT_THAT(as_of.err, HasSubstr("--as-of"));

  CliResult report = Run(kAuditor, {"consent", "report", "--for", "marketing", "--json",
                                    "--as-of", "26/11/2026"});
  EXPECT_EQ(report.exit_code, 2) << ::testing::PrintToString(report);
  EXPECT_EQ(ParseJson(LastLine(report.err))["error"]["code"], "usage");
}

TEST_F(CliConsentTest, GrantNeedsTheConsentPurposeAndAPermittedCaller) {
  std::string id = AddAda();
  ASSERT_EQ(AddNotice().exit_code, 0);
  CliResult no_for = Run(kAccount, {"consent", "grant", id, "--notice", kNotice,
                                    "--method", "checkbox", "--channel", "web"});
  EXPECT_EQ(no_for.exit_code, 2) << ::testing::PrintToString(no_for);
  EXPECT_THAT(no_for.err, HasSubstr("--purpose"));

  CliResult marketing =
      Run(kMarketing, {"consent", "grant", id, "--for", "marketing", "--notice", kNotice,
                       "--method", "checkbox", "--channel", "web"});
  EXPECT_EQ(marketing.exit_code, 3) << ::testing::PrintToString(marketing);
  EXPECT_THAT(marketing.err, HasSubstr("action_not_permitted"));

  CliResult support_reads = Run(kSupport, {"consent", "history", id, "--json"});
  EXPECT_EQ(support_reads.exit_code, 3) << ::testing::PrintToString(support_reads);
  EXPECT_EQ(ParseJson(LastLine(support_reads.err))["error"]["code"], "permission_denied");
}

}  // namespace
}  // namespace cvault::cli::testing
