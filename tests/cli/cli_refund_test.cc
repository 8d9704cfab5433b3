// `cvault refund ...`: cases opened, assessed under the refund policy, moved
// along their lifecycle, paid, with updates to the customer and the overdue
// list; refused input never echoed.
#include "cli_refund_fixture.h"

namespace cvault::cli::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;

constexpr char kStripeRefund[] = "re_3QtestStripeRefund0001";

TEST_F(CliRefundTest, OpenPrintsTheCaseIdPlainAndAsJson) {
  std::string ada = AddAda();
  EXPECT_THAT(OpenCase(ada, "change_of_mind"), MatchesRegex("rfd_[a-z2-7]{26}"));
  CliResult json =
      Run(kRefunds, {"refund", "open", ada, "--order", "ORD-7", "--product-kind", "theme",
                     "--sku", "aurora-theme", "--reason", "preference", "--json"});
  ASSERT_EQ(json.exit_code, 0) << ::testing::PrintToString(json);
  nlohmann::json doc = ParseJson(json.out);
  ASSERT_EQ(doc.size(), 1u) << json.out;
  EXPECT_THAT(doc["case_id"].get<std::string>(), MatchesRegex("rfd_[a-z2-7]{26}"));
}

TEST_F(CliRefundTest, CallersFreeTextReasonGoesBeforeTheSubcommand) {
  std::vector<std::string> who = kRefunds;
  who.insert(who.end(), {"--reason", "customer phoned"});
  CliResult r =
      Run(who, {"refund", "open", AddAda(), "--order", "ORD-7", "--product-kind", "theme",
                "--sku", "aurora-theme", "--reason", "change_of_mind"});
  ASSERT_EQ(r.exit_code, 0) << ::testing::PrintToString(r);
  EXPECT_EQ(ShowCase(Trimmed(r.out))["reason"], "change_of_mind");
}

TEST_F(CliRefundTest, UnfixedSubstantialTicketIsEligibleAfterTheTimeframe) {
  std::string ada = AddAda();
  std::string opened_at;
  std::string ticket = ImportUnfixedTicket(ada, &opened_at);
  std::string case_id = OpenCase(ada, "functional_defect", {"--ticket", ticket});

  CliResult r = Run(kRefunds, {"refund", "assess", case_id, "--json"});
  ASSERT_EQ(r.exit_code, 0) << ::testing::PrintToString(r);
  nlohmann::json doc = ParseJson(r.out);
  EXPECT_EQ(doc["decision"], "eligible");
  EXPECT_EQ(doc["reasons"], nlohmann::json({"unresolved_after_timeframe"}));
  EXPECT_EQ(doc["evidence"], nlohmann::json({{"ticket_ids", {ticket}},
                                             {"substantial_ticket_ids", {ticket}},
                                             {"fix_attempts", 2},
                                             {"support_declared_unfixable", false},
                                             {"clock_ticket_id", ticket},
                                             {"clock_started_at", opened_at},
                                             {"days_waiting_on_customer", 0},
                                             {"days_counted", 15},
                                             {"reasonable_timeframe_days", 14},
                                             {"purchase_id", nullptr},
                                             {"policy_version_shown", ""},
                                             {"requirements_shown", false},
                                             {"withdrawal_right", false},
                                             {"withdrawal_waiver_given", false}}));
  EXPECT_THAT(doc["assessed_at"].get<std::string>(), MatchesRegex("20.*Z"));

  CliResult plain = Run(kRefunds, {"refund", "assess", case_id});
  ASSERT_EQ(plain.exit_code, 0) << ::testing::PrintToString(plain);
  EXPECT_THAT(plain.out, HasSubstr("decision:    eligible\n"));
  EXPECT_THAT(plain.out, HasSubstr("reasons:     unresolved_after_timeframe\n"));
  EXPECT_THAT(plain.out,
              HasSubstr("days counted: 15 (waiting on the customer: 0; reasonable "
                        "timeframe: 14 days)"));
}

TEST_F(CliRefundTest, LinkingTheTicketLaterTurnsNotYetIntoEligible) {
  std::string ada = AddAda();
  std::string opened_at;
  std::string ticket = ImportUnfixedTicket(ada, &opened_at);
  std::string case_id = OpenCase(ada, "functional_defect");
  nlohmann::json before =
      ParseJson(Run(kRefunds, {"refund", "assess", case_id, "--json"}).out);
  EXPECT_EQ(before["decision"], "not_yet");
  EXPECT_EQ(before["reasons"], nlohmann::json({"contact_support_first"}));

  CliResult link = Run(kRefunds, {"refund", "link-ticket", case_id, ticket, "--json"});
  ASSERT_EQ(link.exit_code, 0) << ::testing::PrintToString(link);
  EXPECT_EQ(ParseJson(link.out),
            nlohmann::json({{"case_id", case_id}, {"ticket_id", ticket}}));
  CliResult twice = Run(kRefunds, {"refund", "link-ticket", case_id, ticket});
  EXPECT_EQ(twice.exit_code, 6) << ::testing::PrintToString(twice);

  nlohmann::json after =
      ParseJson(Run(kRefunds, {"refund", "assess", case_id, "--json"}).out);
  EXPECT_EQ(after["decision"], "eligible") << after;
}

TEST_F(CliRefundTest, ChangeOfMindIsNotEligibleAndCannotBeApproved) {
  std::string case_id = OpenCase(AddAda(), "change_of_mind");
  nlohmann::json decision =
      ParseJson(Run(kRefunds, {"refund", "assess", case_id, "--json"}).out);
  EXPECT_EQ(decision["decision"], "not_eligible");
  EXPECT_EQ(decision["reasons"], nlohmann::json({"change_of_mind_not_grounds"}));

  ASSERT_EQ(Transition(case_id, "under_review").exit_code, 0);
  CliResult approve = Transition(case_id, "approved");
  EXPECT_EQ(approve.exit_code, 1) << ::testing::PrintToString(approve);
  EXPECT_THAT(approve.err, HasSubstr("not_assessed_eligible"));
  EXPECT_EQ(ShowCase(case_id)["status"], "under_review");

  CliResult deny = Transition(case_id, "denied", {"--note", "change of mind", "--json"});
  ASSERT_EQ(deny.exit_code, 0) << ::testing::PrintToString(deny);
  EXPECT_EQ(ParseJson(deny.out),
            nlohmann::json({{"case_id", case_id}, {"status", "denied"}}));
  nlohmann::json denied = ShowCase(case_id);
  EXPECT_EQ(denied["history"].back()["note"], "change of mind");
  // The customer is owed the decision until a notice is logged.
  EXPECT_EQ(denied["decision_notice_owed"], true);
  CliResult overdue = Run(kRefunds, {"refund", "overdue", "--json"});
  ASSERT_EQ(overdue.exit_code, 0) << ::testing::PrintToString(overdue);
  nlohmann::json listed = ParseJson(overdue.out);
  ASSERT_EQ(listed["cases"].size(), 1u) << overdue.out;
  EXPECT_EQ(listed["cases"][0]["case_id"], case_id);
  EXPECT_EQ(listed["cases"][0]["decision_notice_owed"], true);
  ASSERT_EQ(Run(kRefunds, {"refund", "notify", case_id, "--channel", "email",
                           "--template", "refund-denied"})
                .exit_code,
            0);
  denied = ShowCase(case_id);
  EXPECT_EQ(denied["decision_notice_owed"], false);
  EXPECT_TRUE(denied["next_update_due_at"].is_null());
}

TEST_F(CliRefundTest, InvalidTransitionExitsOneAndChangesNothing) {
  std::string case_id = OpenCase(AddAda(), "functional_defect");
  nlohmann::json before = ShowCase(case_id);
  CliResult r = Transition(case_id, "completed");
  EXPECT_EQ(r.exit_code, 1) << ::testing::PrintToString(r);
  EXPECT_THAT(r.err, HasSubstr("invalid_transition"));
  EXPECT_THAT(r.err, HasSubstr("cannot move from requested to completed"));
  EXPECT_EQ(ShowCase(case_id), before);
}

TEST_F(CliRefundTest, EligibleCaseIsApprovedPaidAndCompletedWithUpdates) {
  std::string ada = AddAda();
  std::string opened_at;
  std::string ticket = ImportUnfixedTicket(ada, &opened_at);
  std::string case_id = OpenCase(ada, "functional_defect", {"--ticket", ticket});
  ASSERT_EQ(Transition(case_id, "under_review").exit_code, 0);
  CliResult approve =
      Transition(case_id, "approved", {"--note", "support could not fix"});
  ASSERT_EQ(approve.exit_code, 0) << ::testing::PrintToString(approve);
  EXPECT_EQ(approve.out, case_id + ": approved\n");
  nlohmann::json approved = ShowCase(case_id);
  EXPECT_THAT(approved["processing_due_at"].get<std::string>(),
              MatchesRegex("20.*T00:00:00.000000Z"));
  EXPECT_TRUE(approved["next_update_due_at"].is_string()) << approved;

  CliResult notify = Run(kRefunds, {"refund", "notify", case_id, "--channel", "email",
                                    "--template", "refund-approved", "--json"});
  ASSERT_EQ(notify.exit_code, 0) << ::testing::PrintToString(notify);
  EXPECT_EQ(ParseJson(notify.out), nlohmann::json({{"case_id", case_id},
                                                   {"channel", "email"},
                                                   {"template_id", "refund-approved"}}));
  ASSERT_EQ(Transition(case_id, "processing").exit_code, 0);
  RecordPurchase(ada);
  CliResult pay =
      Run(kRefunds, {"refund", "attach-payment", case_id, "--processor", "stripe",
                     "--payment-intent", kPaymentIntent, "--refund-id", kStripeRefund,
                     "--amount", "4900", "--currency", "EUR", "--json"});
  ASSERT_EQ(pay.exit_code, 0) << ::testing::PrintToString(pay);
  nlohmann::json payment = {{"processor", "stripe"},
                            {"charge_id", nullptr},
                            {"payment_intent_id", kPaymentIntent},
                            {"refund_id", kStripeRefund},
                            {"capture_id", nullptr},
                            {"amount_minor", 4900},
                            {"currency", "EUR"},
                            {"amount", "49.00 EUR"}};
  EXPECT_EQ(ParseJson(pay.out),
            nlohmann::json({{"case_id", case_id}, {"payment", payment}}));
  ASSERT_EQ(Run(kRefunds, {"refund", "notify", case_id, "--channel", "email",
                           "--template", "refund-processing"})
                .exit_code,
            0);
  // Who approved it may not mark it paid.
  CliResult self = Transition(case_id, "completed");
  EXPECT_EQ(self.exit_code, 1) << ::testing::PrintToString(self);
  EXPECT_THAT(self.err, HasSubstr("separation_of_duties"));
  ASSERT_EQ(Run({"--as", "refund-service:payments-worker", "--purpose", "refund_processing"},
                {"refund", "transition", case_id, "--to", "completed"})
                .exit_code,
            0);
  ASSERT_EQ(Run(kRefunds, {"refund", "notify", case_id, "--channel", "email",
                           "--template", "refund-completed"})
                .exit_code,
            0);

  nlohmann::json doc = ShowCase(case_id);
  EXPECT_EQ(doc["case_id"], case_id);
  EXPECT_EQ(doc["customer_id"], ada);
  EXPECT_EQ(doc["order_ref"], "ORD-2026-004211");
  EXPECT_EQ(doc["product"], nlohmann::json({{"kind", "plugin"}, {"sku", "seo-booster"}}));
  EXPECT_EQ(doc["reason"], "functional_defect");
  EXPECT_EQ(doc["ticket_ids"], nlohmann::json({ticket}));
  EXPECT_EQ(doc["status"], "completed");
  EXPECT_TRUE(doc["opened_at"].is_string());
  ASSERT_EQ(doc["history"].size(), 4u) << doc;
  EXPECT_EQ(doc["history"][1]["from"], "under_review");
  EXPECT_EQ(doc["history"][1]["to"], "approved");
  EXPECT_EQ(doc["history"][1]["actor"], "refund-svc");
  EXPECT_EQ(doc["history"][1]["note"], "support could not fix");
  EXPECT_EQ(doc["payments"], nlohmann::json({payment}));
  ASSERT_EQ(doc["notices"].size(), 3u) << doc;
  EXPECT_EQ(doc["notices"][1]["channel"], "email");
  EXPECT_EQ(doc["notices"][1]["template_id"], "refund-processing");
  EXPECT_EQ(doc["last_assessment"]["decision"], "eligible");
  EXPECT_EQ(doc["last_assessment"]["evidence"]["fix_attempts"], 2);
  EXPECT_TRUE(doc["processing_due_at"].is_null());
  EXPECT_TRUE(doc["next_update_due_at"].is_null());

  CliResult plain = Run(kRefunds, {"refund", "show", case_id});
  ASSERT_EQ(plain.exit_code, 0) << ::testing::PrintToString(plain);
  EXPECT_THAT(plain.out, HasSubstr("refund case " + case_id + ": completed\n"));
  EXPECT_THAT(plain.out,
              HasSubstr("under_review -> approved by refund-svc: support could "
                        "not fix\n"));
  EXPECT_THAT(plain.out,
              HasSubstr("stripe 49.00 EUR: payment intent " +
                        std::string(kPaymentIntent) + ", refund " + kStripeRefund));
  EXPECT_THAT(plain.out, HasSubstr("email refund-processing\n"));
  EXPECT_THAT(plain.out, HasSubstr("decision:    eligible\n"));
  EXPECT_THAT(plain.out, HasSubstr("processing due:  -\n"));
}

TEST_F(CliRefundTest, CardNumbersAreRefusedWithoutRepeatingTheDigits) {
  std::string ada = AddAda();
  CliResult order = Run(
      kRefunds, {"refund", "open", ada, "--order", std::string("ORD-") + kCardDigits,
                 "--product-kind", "plugin", "--sku", "x", "--reason", "change_of_mind"});
  EXPECT_EQ(order.exit_code, 6) << ::testing::PrintToString(order);
  ExpectNoPersonalValues(order);

  std::string case_id = OpenCase(ada, "functional_defect");
  for (const char* option : {"--payment-intent", "--charge"}) {
    std::string id =
        std::string(option == std::string("--charge") ? "ch_" : "pi_") + kCardDigits;
    CliResult r =
        Run(kRefunds, {"refund", "attach-payment", case_id, "--processor", "stripe",
                       option, id, "--amount", "100", "--currency", "EUR", "--json"});
    EXPECT_EQ(r.exit_code, 6) << option << ::testing::PrintToString(r);
    EXPECT_THAT(r.err, Not(HasSubstr("1111111"))) << option;
    ExpectNoPersonalValues(r);
  }
  EXPECT_EQ(ShowCase(case_id)["payments"], nlohmann::json::array());
}

TEST_F(CliRefundTest, BadProcessorIdFormatExitsSix) {
  std::string case_id = OpenCase(AddAda(), "functional_defect");
  CliResult stripe = Run(
      kRefunds, {"refund", "attach-payment", case_id, "--processor", "stripe",
                 "--payment-intent", "pi_short", "--amount", "100", "--currency", "EUR"});
  EXPECT_EQ(stripe.exit_code, 6) << ::testing::PrintToString(stripe);
  EXPECT_THAT(stripe.err, HasSubstr("payment intent"));
  CliResult paypal = Run(kRefunds, {"refund", "attach-payment", case_id, "--processor",
                                    "paypal", "--capture-id", "lower-case-id", "--amount",
                                    "100", "--currency", "EUR"});
  EXPECT_EQ(paypal.exit_code, 6) << ::testing::PrintToString(paypal);
  CliResult amount = Run(kRefunds, {"refund", "attach-payment", case_id, "--processor",
                                    "stripe", "--payment-intent", kPaymentIntent,
                                    "--amount", "many", "--currency", "EUR"});
  EXPECT_EQ(amount.exit_code, 2) << ::testing::PrintToString(amount);
  EXPECT_THAT(amount.err, HasSubstr("--amount"));
}

TEST_F(CliRefundTest, UnknownEnumValuesExitTwoListingTheAllowedOnes) {
  std::string ada = AddAda();
  CliResult reason =
      Run(kRefunds, {"refund", "open", ada, "--order", "ORD-7", "--product-kind",
                     "plugin", "--sku", "x", "--reason", "Lovelace"});
  EXPECT_EQ(reason.exit_code, 2) << ::testing::PrintToString(reason);
  EXPECT_THAT(reason.err, HasSubstr("--reason: expected change_of_mind, preference, "
                                    "compatibility_not_disclosed, functional_defect, "
                                    "post_update_incompatibility, duplicate_purchase or "
                                    "other"));
  ExpectNoPersonalValues(reason);

  std::string case_id = OpenCase(ada, "functional_defect");
  CliResult status = Transition(case_id, "Lovelace");
  EXPECT_EQ(status.exit_code, 2) << ::testing::PrintToString(status);
  EXPECT_THAT(status.err,
              HasSubstr("--to: expected requested, under_review, approved, "
                        "processing, completed, failed, denied or withdrawn"));
  ExpectNoPersonalValues(status);

  CliResult processor =
      Run(kRefunds, {"refund", "attach-payment", case_id, "--processor", "Lovelace",
                     "--amount", "1", "--currency", "EUR", "--json"});
  EXPECT_EQ(processor.exit_code, 2) << ::testing::PrintToString(processor);
  nlohmann::json error = ParseJson(LastLine(processor.err))["error"];
  EXPECT_EQ(error["code"], "usage");
  EXPECT_EQ(error["message"], "--processor: expected stripe, paypal or other");
}

TEST_F(CliRefundTest, SupportAgentCannotReadRefundCases) {
  std::string case_id = OpenCase(AddAda(), "change_of_mind");
  CliResult r = Run(kSupport, {"refund", "show", case_id});
  EXPECT_EQ(r.exit_code, 3) << ::testing::PrintToString(r);
  EXPECT_THAT(r.err, HasSubstr("access denied (action_not_permitted)"));
  EXPECT_EQ(r.out, "");
}

TEST_F(CliRefundTest, OverdueAsOfSixDaysLaterListsTheCaseOwingAnUpdate) {
  std::string case_id = OpenCase(AddAda(), "functional_defect");
  CliResult now = Run(kRefunds, {"refund", "overdue", "--json"});
  ASSERT_EQ(now.exit_code, 0) << ::testing::PrintToString(now);
  EXPECT_EQ(ParseJson(now.out)["cases"], nlohmann::json::array());

  std::string later = DaysFromNow(6);
  CliResult r = Run(kRefunds, {"refund", "overdue", "--at", later, "--json"});
  ASSERT_EQ(r.exit_code, 0) << ::testing::PrintToString(r);
  nlohmann::json doc = ParseJson(r.out);
  EXPECT_EQ(doc["as_of"], later);
  ASSERT_EQ(doc["cases"].size(), 1u) << r.out;
  nlohmann::json overdue = doc["cases"][0];
  EXPECT_EQ(overdue["case_id"], case_id);
  EXPECT_EQ(overdue["status"], "requested");
  EXPECT_EQ(overdue["processing_overdue"], false);
  EXPECT_EQ(overdue["update_owed"], true);
  EXPECT_TRUE(overdue["processing_due_at"].is_null());
  EXPECT_EQ(overdue["next_update_due_at"], ShowCase(case_id)["next_update_due_at"]);

  CliResult plain = Run(kRefunds, {"refund", "overdue", "--at", later});
  ASSERT_EQ(plain.exit_code, 0) << ::testing::PrintToString(plain);
  EXPECT_THAT(plain.out, MatchesRegex(case_id + " requested +update_owed [^\n]*\n"));
}

TEST_F(CliRefundTest, AssessmentTimeMustNotBeInTheFuture) {
  std::string case_id = OpenCase(AddAda(), "functional_defect");
  CliResult future = Run(kRefunds, {"refund", "assess", case_id, "--at", DaysFromNow(2)});
  EXPECT_EQ(future.exit_code, 6) << ::testing::PrintToString(future);
  CliResult malformed = Run(kRefunds, {"refund", "assess", case_id, "--at", "soon"});
  EXPECT_EQ(malformed.exit_code, 2) << ::testing::PrintToString(malformed);
  EXPECT_THAT(malformed.err, HasSubstr("--at"));
}

TEST_F(CliRefundTest, UnknownCaseExitsFour) {
  CliResult r = Run(kRefunds, {"refund", "show", "rfd_aaaaaaaaaaaaaaaaaaaaaaaaaa"});
  EXPECT_EQ(r.exit_code, 4) << ::testing::PrintToString(r);
}

}  // namespace
}  // namespace cvault::cli::testing
