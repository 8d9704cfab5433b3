// `cvault support ...`: opening tickets, recording fix attempts, resolving
// and reading them; refused input never echoed.
#include "cli_refund_fixture.h"

namespace cvault::cli::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;

using CliSupportTest = CliRefundTest;

TEST_F(CliSupportTest, OpenPrintsTheTicketIdPlainAndAsJson) {
  std::string ada = AddAda();
  CliResult plain =
      Run(kSupport, {"support", "open", ada, "--product-kind", "theme", "--sku",
                     "aurora-theme", "--summary", "Menu is blank"});
  ASSERT_EQ(plain.exit_code, 0) << ::testing::PrintToString(plain);
  EXPECT_THAT(plain.out, MatchesRegex("tkt_[a-z2-7]{26}\n"));

  CliResult json =
      Run(kSupport, {"support", "open", ada, "--product-kind", "theme", "--sku",
                     "aurora-theme", "--summary", "Menu is blank", "--json"});
  ASSERT_EQ(json.exit_code, 0) << ::testing::PrintToString(json);
  nlohmann::json doc = ParseJson(json.out);
  ASSERT_EQ(doc.size(), 1u) << json.out;
  EXPECT_THAT(doc["ticket_id"].get<std::string>(), MatchesRegex("tkt_[a-z2-7]{26}"));
}

TEST_F(CliSupportTest, ShowJsonIsTheWholeTicketWithIsoTimes) {
  std::string ada = AddAda();
  std::string ticket =
      OpenTicket(ada, {"--substantial", "--opened-at", "2025-01-06T09:30:00Z"});
  CliResult attempt =
      Run(kSupport, {"support", "attempt", ticket, "--outcome", "workaround", "--at",
                     "2025-01-07T10:00:00Z", "--note", "disabled the cache", "--json"});
  ASSERT_EQ(attempt.exit_code, 0) << ::testing::PrintToString(attempt);
  EXPECT_EQ(ParseJson(attempt.out),
            nlohmann::json({{"ticket_id", ticket},
                            {"outcome", "workaround"},
                            {"at", "2025-01-07T10:00:00.000000Z"}}));

  CliResult r = Run(kSupport, {"support", "show", ticket, "--json"});
  ASSERT_EQ(r.exit_code, 0) << ::testing::PrintToString(r);
  nlohmann::json doc = ParseJson(r.out);
  EXPECT_EQ(doc["ticket_id"], ticket);
  EXPECT_EQ(doc["customer_id"], ada);
  EXPECT_EQ(doc["product"], nlohmann::json({{"kind", "plugin"}, {"sku", "seo-booster"}}));
  EXPECT_EQ(doc["summary"], "Plugin crashes the checkout page");
  EXPECT_EQ(doc["substantial"], true);
  EXPECT_EQ(doc["opened_at"], "2025-01-06T09:30:00.000000Z");
  EXPECT_EQ(doc["state"], "open");
  EXPECT_TRUE(doc["resolved_at"].is_null());
  ASSERT_EQ(doc["attempts"].size(), 1u) << r.out;
  EXPECT_EQ(doc["attempts"][0], nlohmann::json({{"at", "2025-01-07T10:00:00.000000Z"},
                                                {"outcome", "workaround"},
                                                {"note", "disabled the cache"}}));

  CliResult plain = Run(kSupport, {"support", "show", ticket});
  ASSERT_EQ(plain.exit_code, 0) << ::testing::PrintToString(plain);
  EXPECT_THAT(plain.out, HasSubstr("ticket " + ticket + ": open\n"));
  EXPECT_THAT(plain.out, HasSubstr("product:     plugin seo-booster\n"));
  EXPECT_THAT(plain.out, HasSubstr("substantial: yes\n"));
  EXPECT_THAT(plain.out, HasSubstr("summary:     Plugin crashes the checkout page\n"));
  EXPECT_THAT(plain.out,
              HasSubstr("2025-01-07T10:00:00.000000Z workaround: disabled the cache\n"));
}

TEST_F(CliSupportTest, ResolveClosesTheTicketOnce) {
  std::string ticket = OpenTicket(AddAda(), {"--substantial"});
  CliResult r = Run(kSupport, {"support", "resolve", ticket, "--unfixable", "--json"});
  ASSERT_EQ(r.exit_code, 0) << ::testing::PrintToString(r);
  EXPECT_EQ(ParseJson(r.out),
            nlohmann::json({{"ticket_id", ticket}, {"state", "unfixable"}}));

  nlohmann::json doc =
      ParseJson(Run(kSupport, {"support", "show", ticket, "--json"}).out);
  EXPECT_EQ(doc["state"], "unfixable");
  EXPECT_TRUE(doc["resolved_at"].is_string()) << doc;

  CliResult again = Run(kSupport, {"support", "resolve", ticket, "--fixed"});
  EXPECT_EQ(again.exit_code, 1) << ::testing::PrintToString(again);
  CliResult attempt =
      Run(kSupport, {"support", "attempt", ticket, "--outcome", "not_fixed"});
  EXPECT_EQ(attempt.exit_code, 1) << ::testing::PrintToString(attempt);
}

TEST_F(CliSupportTest, ResolveNeedsExactlyOneOfFixedAndUnfixable) {
  std::string ticket = OpenTicket(AddAda());
  CliResult both =
      Run(kSupport, {"support", "resolve", ticket, "--fixed", "--unfixable"});
  EXPECT_EQ(both.exit_code, 2) << ::testing::PrintToString(both);
  CliResult neither = Run(kSupport, {"support", "resolve", ticket});
  EXPECT_EQ(neither.exit_code, 2) << ::testing::PrintToString(neither);
  EXPECT_THAT(neither.err, HasSubstr("--fixed"));
  EXPECT_THAT(neither.err, HasSubstr("--unfixable"));
  nlohmann::json doc =
      ParseJson(Run(kSupport, {"support", "show", ticket, "--json"}).out);
  EXPECT_EQ(doc["state"], "open");
}

TEST_F(CliSupportTest, UnknownKindOrOutcomeExitsTwoListingTheValues) {
  std::string ada = AddAda();
  CliResult kind = Run(kSupport, {"support", "open", ada, "--product-kind", "Lovelace",
                                  "--sku", "x", "--summary", "s"});
  EXPECT_EQ(kind.exit_code, 2) << ::testing::PrintToString(kind);
  EXPECT_THAT(
      kind.err,
      HasSubstr("--product-kind: expected software, theme, plugin or email_access"));
  ExpectNoPersonalValues(kind);

  std::string ticket = OpenTicket(ada);
  CliResult outcome =
      Run(kSupport, {"support", "attempt", ticket, "--outcome", "Lovelace"});
  EXPECT_EQ(outcome.exit_code, 2) << ::testing::PrintToString(outcome);
  EXPECT_THAT(outcome.err,
              HasSubstr("--outcome: expected fixed, not_fixed, workaround or "
                        "needs_customer"));
  ExpectNoPersonalValues(outcome);
}

TEST_F(CliSupportTest, CardNumberInSummaryOrNoteExitsSixWithoutTheDigits) {
  std::string ada = AddAda();
  CliResult summary =
      Run(kSupport, {"support", "open", ada, "--product-kind", "plugin", "--sku", "x",
                     "--summary", std::string("paid with ") + kCardDigits, "--json"});
  EXPECT_EQ(summary.exit_code, 6) << ::testing::PrintToString(summary);
  EXPECT_THAT(summary.err, Not(HasSubstr("1111111")));
  EXPECT_EQ(ParseJson(LastLine(summary.err))["error"]["code"], "invalid_argument");
  ExpectNoPersonalValues(summary);

  std::string ticket = OpenTicket(ada);
  CliResult note = Run(kSupport, {"support", "attempt", ticket, "--outcome", "not_fixed",
                                  "--note", "card 4111 1111 1111 1111"});
  EXPECT_EQ(note.exit_code, 6) << ::testing::PrintToString(note);
  EXPECT_THAT(note.err, Not(HasSubstr("1111")));
  ExpectNoPersonalValues(note);
}

TEST_F(CliSupportTest, OpenedAtMustBeAPastTime) {
  std::string ada = AddAda();
  CliResult future =
      Run(kSupport, {"support", "open", ada, "--product-kind", "plugin", "--sku", "x",
                     "--summary", "s", "--opened-at", DaysFromNow(3)});
  EXPECT_EQ(future.exit_code, 6) << ::testing::PrintToString(future);

  CliResult malformed =
      Run(kSupport, {"support", "open", ada, "--product-kind", "plugin", "--sku", "x",
                     "--summary", "s", "--opened-at", "last tuesday"});
  EXPECT_EQ(malformed.exit_code, 2) << ::testing::PrintToString(malformed);
  EXPECT_THAT(malformed.err, HasSubstr("--opened-at"));
  EXPECT_THAT(malformed.err, Not(HasSubstr("tuesday")));
}

TEST_F(CliSupportTest, AttemptBeforeTheTicketWasOpenedExitsSix) {
  std::string ticket = OpenTicket(AddAda(), {"--opened-at", DaysFromNow(-2)});
  CliResult r = Run(kSupport, {"support", "attempt", ticket, "--outcome", "not_fixed",
                               "--at", DaysFromNow(-3)});
  EXPECT_EQ(r.exit_code, 6) << ::testing::PrintToString(r);
}

TEST_F(CliSupportTest, UnknownTicketExitsFourAndOtherRolesAreDenied) {
  std::string ada = AddAda();
  CliResult missing =
      Run(kSupport, {"support", "show", "tkt_aaaaaaaaaaaaaaaaaaaaaaaaaa"});
  EXPECT_EQ(missing.exit_code, 4) << ::testing::PrintToString(missing);

  CliResult refunds = Run(kRefunds, {"support", "open", ada, "--product-kind", "plugin",
                                     "--sku", "x", "--summary", "s"});
  EXPECT_EQ(refunds.exit_code, 3) << ::testing::PrintToString(refunds);
  EXPECT_THAT(refunds.err, HasSubstr("access denied ("));
}

TEST_F(CliSupportTest, ABackdatedTicketIsTheOperatorsImportAndRepliesAreRecorded) {
  std::string ada = AddAda();
  const std::string week_ago = DaysFromNow(-7);
  CliResult agent = Run(kSupport, {"support", "open", ada, "--product-kind", "plugin",
                                   "--sku", "seo-booster", "--summary", "s", "--opened-at",
                                   week_ago});
  EXPECT_EQ(agent.exit_code, 3) << ::testing::PrintToString(agent);
  EXPECT_THAT(agent.err, HasSubstr("support.import_history"));

  std::string ticket = OpenTicket(ada, {"--substantial", "--opened-at", week_ago});
  CliResult ask = Run(kSupport, {"support", "attempt", ticket, "--outcome",
                                 "needs_customer", "--at", DaysFromNow(-6)});
  ASSERT_EQ(ask.exit_code, 0) << ::testing::PrintToString(ask);
  CliResult reply = Run(kSupport, {"support", "reply", ticket, "--at", DaysFromNow(-2),
                                   "--json"});
  ASSERT_EQ(reply.exit_code, 0) << ::testing::PrintToString(reply);
  EXPECT_EQ(ParseJson(reply.out)["ticket_id"], ticket);
  CliResult show = Run(kSupport, {"support", "show", ticket, "--json"});
  ASSERT_EQ(show.exit_code, 0) << ::testing::PrintToString(show);
  EXPECT_EQ(ParseJson(show.out)["customer_replies"].size(), 1u) << show.out;
  CliResult early = Run(kSupport, {"support", "reply", ticket, "--at", DaysFromNow(-8)});
  EXPECT_EQ(early.exit_code, 6) << ::testing::PrintToString(early);
}

}  // namespace
}  // namespace cvault::cli::testing
