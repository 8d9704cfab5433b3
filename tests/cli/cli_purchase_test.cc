// `cvault refund purchase|show-purchase`: the order as sold, read by the
// assessment; partial refunds bounded by the charge; completion needing the
// processor's refund id.
#include "cli_refund_fixture.h"

namespace cvault::cli::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;

class CliPurchaseTest : public CliRefundTest {
 protected:
  // A duplicate-purchase case approved by hand and moved to processing.
  std::string ProcessingCase(const std::string& customer) {
    std::string case_id = OpenCase(customer, "duplicate_purchase");
    EXPECT_EQ(Transition(case_id, "under_review").exit_code, 0);
    EXPECT_EQ(Transition(case_id, "approved", {"--note", "charged twice"}).exit_code, 0);
    EXPECT_EQ(Transition(case_id, "processing").exit_code, 0);
    return case_id;
  }

  CliResult AttachRefund(const std::string& case_id, const std::string& amount,
                         std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"refund",           "attach-payment", case_id,
                                     "--processor",      "stripe",         "--payment-intent",
                                     kPaymentIntent,     "--amount",       amount,
                                     "--currency",       "EUR"};
    args.insert(args.end(), extra.begin(), extra.end());
    return Run(kRefunds, args);
  }
};

TEST_F(CliPurchaseTest, APurchaseIsRecordedShownAndReadByTheAssessment) {
  std::string ada = AddAda();
  std::string purchase =
      RecordPurchase(ada, {"--requirements", "WordPress 6.4 or later", "--purchased-at",
                           DaysFromNow(-3), "--withdrawal-right", "--waiver-at",
                           DaysFromNow(-3), "--waiver-method", "checkout_checkbox"});
  EXPECT_THAT(purchase, MatchesRegex("pur_[a-z2-7]{26}"));

  CliResult shown = Run(kRefunds, {"refund", "show-purchase", purchase, "--json"});
  ASSERT_EQ(shown.exit_code, 0) << ::testing::PrintToString(shown);
  nlohmann::json doc = ParseJson(shown.out);
  EXPECT_EQ(doc["customer_id"], ada);
  EXPECT_EQ(doc["order_ref"], "ORD-2026-004211");
  EXPECT_EQ(doc["charge"]["payment_intent_id"], kPaymentIntent);
  EXPECT_EQ(doc["charge"]["amount"], "49.00 EUR");
  EXPECT_EQ(doc["policy_version"], "2026-01");
  EXPECT_EQ(doc["requirements_shown"], true);
  EXPECT_EQ(doc["system_requirements"], "WordPress 6.4 or later");
  EXPECT_EQ(doc["withdrawal_right"], true);
  EXPECT_EQ(doc["withdrawal_waiver"]["method"], "checkout_checkbox");
  CliResult plain = Run(kRefunds, {"refund", "show-purchase", purchase});
  ASSERT_EQ(plain.exit_code, 0) << ::testing::PrintToString(plain);
  EXPECT_THAT(plain.out, HasSubstr("policy version: 2026-01\n"));
  EXPECT_THAT(plain.out, HasSubstr("withdrawal right: yes; waiver given"));

  std::string case_id = OpenCase(ada, "compatibility_not_disclosed");
  CliResult assess = Run(kRefunds, {"refund", "assess", case_id, "--json"});
  ASSERT_EQ(assess.exit_code, 0) << ::testing::PrintToString(assess);
  nlohmann::json decision = ParseJson(assess.out);
  EXPECT_EQ(decision["decision"], "not_yet");
  EXPECT_EQ(decision["reasons"], nlohmann::json({"compatibility_requirements_communicated",
                                                 "contact_support_first"}));
  EXPECT_EQ(decision["evidence"]["purchase_id"], purchase);
  EXPECT_EQ(decision["evidence"]["withdrawal_waiver_given"], true);
  CliResult text = Run(kRefunds, {"refund", "assess", case_id});
  EXPECT_THAT(text.out, HasSubstr("purchase record: " + purchase +
                                  " (policy version 2026-01; requirements shown: yes"));
}

TEST_F(CliPurchaseTest, ASecondRecordForAnOrderAndBadWaiverOptionsAreRefused) {
  std::string ada = AddAda();
  RecordPurchase(ada);
  CliResult again = RunRecordPurchase(ada, {});
  EXPECT_NE(again.exit_code, 0) << ::testing::PrintToString(again);
  EXPECT_THAT(again.err, HasSubstr("already_recorded"));
  CliResult half = RunRecordPurchase(ada, {"--waiver-at", DaysFromNow(-1)}, "ORD-2");
  EXPECT_EQ(half.exit_code, 2) << ::testing::PrintToString(half);
  EXPECT_THAT(half.err, HasSubstr("--waiver-method"));
  CliResult card = RunRecordPurchase(
      ada, {"--requirements", std::string("card ") + kCardDigits}, "ORD-3");
  EXPECT_EQ(card.exit_code, 6) << ::testing::PrintToString(card);
  EXPECT_THAT(card.err, HasSubstr("system requirements"));
  ExpectNoPersonalValues(card);
}

TEST_F(CliPurchaseTest, PartialRefundsStopAtTheChargeAndCompletionNeedsTheRefundId) {
  std::string ada = AddAda();
  std::string first = ProcessingCase(ada);
  RecordPurchase(ada);
  std::string second = ProcessingCase(ada);
  ASSERT_EQ(AttachRefund(first, "3000", {"--refund-id", "re_3QtestStripeRefund0001"}).exit_code,
            0);
  CliResult over = AttachRefund(second, "2000");
  EXPECT_EQ(over.exit_code, 1) << ::testing::PrintToString(over);
  EXPECT_THAT(over.err, HasSubstr("exceeds_charge"));
  EXPECT_THAT(over.err, HasSubstr("amount:"));
  EXPECT_THAT(over.err, Not(HasSubstr("2000")));
  ASSERT_EQ(AttachRefund(second, "1900").exit_code, 0);

  const std::vector<std::string> payer = {"--as", "refund-service:payments-worker",
                                          "--purpose", "refund_processing"};
  CliResult early = Run(payer, {"refund", "transition", second, "--to", "completed"});
  EXPECT_EQ(early.exit_code, 1) << ::testing::PrintToString(early);
  EXPECT_THAT(early.err, HasSubstr("refund_reference_missing"));
  ASSERT_EQ(AttachRefund(second, "1900", {"--refund-id", "re_3QtestStripeRefund0002"}).exit_code,
            0);
  EXPECT_EQ(ShowCase(second)["payments"].size(), 1u);
  EXPECT_EQ(Run(payer, {"refund", "transition", second, "--to", "completed"}).exit_code, 0);
}

}  // namespace
}  // namespace cvault::cli::testing
