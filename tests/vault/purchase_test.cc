// Purchase records through the public API: what the customer was shown at
// purchase decides a compatibility claim and the withdrawal right, and the
// order's charge bounds the refunds paid against it (partial refunds).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

#include "tests/testing/vault_fixture.h"

namespace cvault {
namespace {

using namespace std::chrono_literals;
using testing::As;
using testing::Auditor;
using testing::PurchaseOf;
using testing::StripeCharge;
using testing::StripeRefund;

AccessContext RefundSvc() {
  return As("refund-service", "refund_processing", "refund-svc");
}
AccessContext Payer() { return As("refund-service", "refund_processing", "refund-payer"); }
AccessContext Legal() { return As("dpo", "legal_compliance", "dpo-1"); }

const Product kTheme{ProductKind::kTheme, "aurora-theme"};

class PurchaseTest : public testing::VaultTest {
 protected:
  void SetUp() override {
    VaultTest::SetUp();
    ada_ = AddAda();
  }

  std::string OpenCase(const std::string& order_ref, RefundReason reason) {
    NewRefundCase r;
    r.customer = ada_;
    r.order_ref = order_ref;
    r.product = kTheme;
    r.reason = reason;
    auto id = vault_->refunds().Open(RefundSvc(), r);
    EXPECT_TRUE(id.has_value()) << id.error().ToString();
    return id.value_or("");
  }

  // A case on `order_ref` moved to processing by a duplicate-purchase
  // approval (a manual decision), ready to be paid.
  std::string ProcessingCase(const std::string& order_ref) {
    std::string case_id = OpenCase(order_ref, RefundReason::kDuplicatePurchase);
    EXPECT_TRUE(vault_->refunds()
                    .Transition(RefundSvc(), case_id, RefundStatus::kUnderReview)
                    .ok());
    EXPECT_TRUE(vault_->refunds()
                    .Transition(RefundSvc(), case_id, RefundStatus::kApproved,
                                "charged twice for one order")
                    .ok());
    EXPECT_TRUE(vault_->refunds()
                    .Transition(RefundSvc(), case_id, RefundStatus::kProcessing)
                    .ok());
    return case_id;
  }

  EligibilityDecision Assess(const std::string& case_id,
                             std::optional<Timestamp> at = std::nullopt) {
    auto d = vault_->refunds().Assess(RefundSvc(), case_id, at);
    EXPECT_TRUE(d.has_value()) << d.error().ToString();
    return d.value_or(EligibilityDecision{});
  }

  std::string LastReason() {
    auto tail = vault_->audit().Tail(Auditor(), 1);
    return tail && !tail->empty() ? tail->back().reason_code : "";
  }

  CustomerId ada_;
};

TEST_F(PurchaseTest, ARecordedPurchaseReadsBackAndAnOrderHasOnlyOne) {
  NewPurchase p = PurchaseOf(ada_, "ORD-2026-004211", kTheme, clock_->Now() - 2h);
  p.withdrawal_right = true;
  p.withdrawal_waiver = WithdrawalWaiver{clock_->Now() - 2h, "checkout_checkbox"};
  auto id = vault_->refunds().RecordPurchase(RefundSvc(), p);
  ASSERT_TRUE(id.has_value()) << id.error().ToString();
  EXPECT_TRUE(id->starts_with("pur_"));
  auto entry = Tail(1).back();
  EXPECT_EQ(entry.action, "refund.record_purchase");
  EXPECT_EQ(entry.reason_code, "requirements_shown");
  for (const std::string& f : entry.fields_requested) {
    EXPECT_EQ(f.find("WordPress"), std::string::npos);
  }

  auto record = vault_->refunds().GetPurchase(RefundSvc(), *id);
  ASSERT_TRUE(record.has_value()) << record.error().ToString();
  EXPECT_EQ(record->customer, ada_);
  EXPECT_EQ(record->order_ref, "ORD-2026-004211");
  EXPECT_EQ(record->charge.charge_id, StripeCharge().charge_id);
  EXPECT_EQ(record->charge.amount_minor, 4900);
  EXPECT_EQ(record->policy_version, "2026-01");
  EXPECT_TRUE(record->requirements_shown);
  EXPECT_EQ(record->system_requirements, p.system_requirements);
  EXPECT_EQ(record->purchased_at, p.purchased_at);
  ASSERT_TRUE(record->withdrawal_waiver.has_value());
  EXPECT_EQ(record->withdrawal_waiver->method, "checkout_checkbox");
  EXPECT_EQ(record->recorded_by, "refund-svc");

  auto again = vault_->refunds().RecordPurchase(RefundSvc(), p);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(LastReason(), "already_recorded");
}

TEST_F(PurchaseTest, BadPurchaseInputIsRefusedNamingTheFieldNotTheValue) {
  auto refused = [&](NewPurchase p, std::string_view field) {
    auto id = vault_->refunds().RecordPurchase(RefundSvc(), p);
    ASSERT_FALSE(id.has_value()) << field;
    EXPECT_EQ(id.error().code(), StatusCode::kInvalidArgument) << field;
    EXPECT_TRUE(id.error().message().starts_with(field)) << id.error().message();
    EXPECT_EQ(id.error().message().find("4111"), std::string::npos);
    EXPECT_EQ(LastReason(), "invalid_input");
  };
  const NewPurchase good = PurchaseOf(ada_, "ORD-2026-004211", kTheme, clock_->Now());
  NewPurchase p = good;
  p.system_requirements = "Needs the card 4111 1111 1111 1111 on file";
  refused(p, "system requirements");
  p = good;
  p.policy_version = "v 2";
  refused(p, "policy version");
  p = good;
  p.charge.refund_id = "re_3N8f2kLkdIwHu7ix0Zq1aB2d";
  refused(p, "refund id");
  p = good;
  p.purchased_at = clock_->Now() + 1h;
  refused(p, "purchased at");
  p = good;
  p.withdrawal_waiver = WithdrawalWaiver{clock_->Now(), "4111111111111111"};
  refused(p, "waiver method");
  p = good;
  p.charge.currency = "EURO";
  refused(p, "currency");
}

TEST_F(PurchaseTest, RecordingAPurchaseIsItsOwnPolicyAction) {
  auto id = vault_->refunds().RecordPurchase(
      As("support-agent", "support", "agent-7"),
      PurchaseOf(ada_, "ORD-2026-004211", kTheme, clock_->Now()));
  ASSERT_FALSE(id.has_value());
  EXPECT_EQ(id.error().code(), StatusCode::kPermissionDenied);
  const AuditEntry denied = Tail(1).back();
  EXPECT_EQ(denied.action, "refund.record_purchase");
  EXPECT_EQ(denied.decision, "deny");
}

TEST_F(PurchaseTest, ACompatibilityClaimIsDecidedByWhatThePurchaseRecordShows) {
  // No purchase record: the vault cannot tell what was communicated.
  std::string unknown = OpenCase("ORD-2026-000001", RefundReason::kCompatibilityNotDisclosed);
  EligibilityDecision d = Assess(unknown);
  EXPECT_EQ(d.decision, Eligibility::kNotYet);
  EXPECT_EQ(d.reasons, std::vector<std::string>{"purchase_record_missing"});
  EXPECT_TRUE(d.evidence.purchase_id.empty());

  // Requirements communicated at purchase: the claim counts, and goes
  // through support like a functional issue.
  std::string shown_id = RecordPurchase(ada_, "ORD-2026-000001", kTheme);
  d = Assess(unknown);
  EXPECT_EQ(d.decision, Eligibility::kNotYet);
  EXPECT_EQ(d.reasons, (std::vector<std::string>{"compatibility_requirements_communicated",
                                                 "contact_support_first"}));
  EXPECT_EQ(d.evidence.purchase_id, shown_id);
  EXPECT_EQ(d.evidence.policy_version_shown, "2026-01");
  EXPECT_TRUE(d.evidence.requirements_shown);
  EXPECT_FALSE(d.evidence.withdrawal_waiver_given);
  NewTicket t;
  t.customer = ada_;
  t.product = kTheme;
  t.summary = "Theme breaks the editor on a supported WordPress version";
  t.substantial = true;
  auto ticket = vault_->support().OpenTicket(testing::SupportAgent(), t);
  ASSERT_TRUE(ticket.has_value()) << ticket.error().ToString();
  ASSERT_TRUE(vault_->support()
                  .Resolve(testing::SupportAgent(), *ticket, TicketState::kUnfixable)
                  .ok());
  ASSERT_TRUE(vault_->refunds().LinkTicket(RefundSvc(), unknown, *ticket).ok());
  d = Assess(unknown);
  EXPECT_EQ(d.decision, Eligibility::kEligible);
  EXPECT_EQ(d.reasons, (std::vector<std::string>{"compatibility_requirements_communicated",
                                                 "support_declared_unfixable"}));

  // None communicated: section 2 says the issue is no ground, and the case
  // cannot be approved on the automatic rule.
  NewPurchase silent = PurchaseOf(ada_, "ORD-2026-000002", kTheme, clock_->Now());
  silent.system_requirements.clear();
  ASSERT_TRUE(vault_->refunds().RecordPurchase(RefundSvc(), silent).has_value());
  std::string not_shown = OpenCase("ORD-2026-000002", RefundReason::kCompatibilityNotDisclosed);
  d = Assess(not_shown);
  EXPECT_EQ(d.decision, Eligibility::kNotEligible);
  EXPECT_EQ(d.reasons,
            std::vector<std::string>{"compatibility_requirements_not_communicated"});
  EXPECT_FALSE(d.evidence.requirements_shown);
  ASSERT_TRUE(vault_->refunds()
                  .Transition(RefundSvc(), not_shown, RefundStatus::kUnderReview)
                  .ok());
  EXPECT_FALSE(vault_->refunds()
                   .Transition(RefundSvc(), not_shown, RefundStatus::kApproved)
                   .ok());
}

TEST_F(PurchaseTest, AnAssessmentAsOfBeforeTheRecordWasMadeDoesNotSeeIt) {
  std::string case_id = OpenCase("ORD-2026-000001", RefundReason::kCompatibilityNotDisclosed);
  const Timestamp before = clock_->Now();
  clock_->Advance(1h);
  RecordPurchase(ada_, "ORD-2026-000001", kTheme);
  EligibilityDecision then = Assess(case_id, before);
  EXPECT_EQ(then.reasons, std::vector<std::string>{"purchase_record_missing"});
  EXPECT_EQ(Assess(case_id).reasons.front(), "compatibility_requirements_communicated");
}

TEST_F(PurchaseTest, AnUnwaivedWithdrawalRightLetsTheCustomerWithdrawWithinThePeriod) {
  NewPurchase eu = PurchaseOf(ada_, "ORD-2026-000001", kTheme, clock_->Now());
  eu.withdrawal_right = true;
  ASSERT_TRUE(vault_->refunds().RecordPurchase(RefundSvc(), eu).has_value());
  std::string case_id = OpenCase("ORD-2026-000001", RefundReason::kChangeOfMind);
  EligibilityDecision d = Assess(case_id);
  EXPECT_EQ(d.decision, Eligibility::kEligible);
  EXPECT_EQ(d.reasons, std::vector<std::string>{"withdrawal_right_not_waived"});
  EXPECT_TRUE(d.evidence.withdrawal_right);
  EXPECT_FALSE(d.evidence.withdrawal_waiver_given);
  clock_->Advance(14 * 24h);  // the period is over: the policy applies again
  d = Assess(case_id);
  EXPECT_EQ(d.decision, Eligibility::kNotEligible);
  EXPECT_EQ(d.reasons, std::vector<std::string>{"change_of_mind_not_grounds"});

  // Waived at checkout: the policy applies from the start.
  NewPurchase waived = PurchaseOf(ada_, "ORD-2026-000002", kTheme, clock_->Now());
  waived.withdrawal_right = true;
  waived.withdrawal_waiver = WithdrawalWaiver{clock_->Now(), "checkout_checkbox"};
  ASSERT_TRUE(vault_->refunds().RecordPurchase(RefundSvc(), waived).has_value());
  d = Assess(OpenCase("ORD-2026-000002", RefundReason::kChangeOfMind));
  EXPECT_EQ(d.decision, Eligibility::kNotEligible);
  EXPECT_TRUE(d.evidence.withdrawal_waiver_given);
}

TEST_F(PurchaseTest, SeveralPartialRefundsNeverExceedWhatWasCharged) {
  RecordPurchase(ada_, "ORD-2026-000001", kTheme);
  std::string first = ProcessingCase("ORD-2026-000001");
  std::string second = ProcessingCase("ORD-2026-000001");
  ASSERT_TRUE(
      vault_->refunds().AttachPayment(Payer(), first, StripeRefund(2000, "re_3N8f2kLkdIwHu7ix0Zq1aB01")).ok());
  ASSERT_TRUE(
      vault_->refunds().AttachPayment(Payer(), second, StripeRefund(1900, "re_3N8f2kLkdIwHu7ix0Zq1aB02")).ok());
  // 1000 of the 4900 are left, across both cases.
  Status over =
      vault_->refunds().AttachPayment(Payer(), first, StripeRefund(1001, "re_3N8f2kLkdIwHu7ix0Zq1aB03"));
  EXPECT_EQ(over.code(), StatusCode::kFailedPrecondition);
  EXPECT_TRUE(over.message().starts_with("amount:")) << over.message();
  EXPECT_EQ(over.message().find("1001"), std::string::npos);
  EXPECT_EQ(LastReason(), "exceeds_charge");
  ASSERT_TRUE(
      vault_->refunds().AttachPayment(Payer(), second, StripeRefund(1000, "re_3N8f2kLkdIwHu7ix0Zq1aB03")).ok());
  // The same processor refund cannot be counted twice.
  Status twice =
      vault_->refunds().AttachPayment(Payer(), first, StripeRefund(1, "re_3N8f2kLkdIwHu7ix0Zq1aB03"));
  EXPECT_EQ(twice.code(), StatusCode::kAlreadyExists);
  auto paid = vault_->refunds().Get(RefundSvc(), second);
  ASSERT_TRUE(paid.has_value());
  ASSERT_EQ(paid->payments.size(), 2u);
  EXPECT_EQ(paid->payments[1].amount_minor, 1000);
}

TEST_F(PurchaseTest, AnApprovedRefundOnAnOrderWithoutARecordStaysPayable) {
  // An order sold before the shop reported purchases: its charge is unknown,
  // so the refund is paid without a bound and the entry says so; what the
  // order's refunds show is still checked.
  std::string case_id = ProcessingCase("ORD-2025-000001");
  ASSERT_TRUE(vault_->refunds()
                  .AttachPayment(Payer(), case_id,
                                 StripeRefund(4900, "re_3N8f2kLkdIwHu7ix0Zq1aB01"))
                  .ok());
  auto tail = vault_->audit().Tail(Auditor(), 1);
  ASSERT_TRUE(tail.has_value() && tail->size() == 1u);
  EXPECT_EQ(tail->back().action, "refund.attach_payment");
  EXPECT_EQ(tail->back().decision, "allow");
  EXPECT_THAT(tail->back().fields_requested, ::testing::Contains("charge_unknown"));
  EXPECT_EQ(vault_->refunds()
                .AttachPayment(Payer(), case_id,
                               StripeRefund(1, "re_3N8f2kLkdIwHu7ix0Zq1aB01"))
                .code(),
            StatusCode::kAlreadyExists);
  PaymentReference dollars = StripeRefund(100, std::nullopt);
  dollars.currency = "USD";
  Status s = vault_->refunds().AttachPayment(Payer(), case_id, dollars);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(s.message().starts_with("currency:")) << s.message();
  EXPECT_TRUE(
      vault_->refunds().Transition(Payer(), case_id, RefundStatus::kCompleted).ok());
}

TEST_F(PurchaseTest, ARefundIsAgainstTheOrdersChargeInItsCurrency) {
  std::string case_id = ProcessingCase("ORD-2026-000001");
  RecordPurchase(ada_, "ORD-2026-000001", kTheme);
  PaymentReference other_charge = StripeRefund(100, std::nullopt);
  other_charge.charge_id = "ch_3MtwBwLkdIwHu7ix28a3tqPa";
  Status s = vault_->refunds().AttachPayment(Payer(), case_id, other_charge);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(s.message().starts_with("charge:")) << s.message();
  EXPECT_EQ(s.message().find("ch_3Mtw"), std::string::npos);
  PaymentReference dollars = StripeRefund(100, std::nullopt);
  dollars.currency = "USD";
  s = vault_->refunds().AttachPayment(Payer(), case_id, dollars);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(s.message().starts_with("currency:")) << s.message();
  EXPECT_EQ(LastReason(), "invalid_input");
}

TEST_F(PurchaseTest, ACaseIsCompletedOnlyWithTheProcessorsRefundReference) {
  RecordPurchase(ada_, "ORD-2026-000001", kTheme);
  std::string case_id = ProcessingCase("ORD-2026-000001");
  // Asked of the processor, not refunded yet.
  ASSERT_TRUE(
      vault_->refunds().AttachPayment(Payer(), case_id, StripeRefund(4900, std::nullopt)).ok());
  Status early = vault_->refunds().Transition(Payer(), case_id, RefundStatus::kCompleted);
  EXPECT_EQ(early.code(), StatusCode::kFailedPrecondition);
  EXPECT_TRUE(early.message().starts_with("refund id:")) << early.message();
  EXPECT_EQ(LastReason(), "refund_reference_missing");
  // The processor's refund id completes the pending refund: not a second one.
  ASSERT_TRUE(vault_->refunds()
                  .AttachPayment(Payer(), case_id,
                                 StripeRefund(4900, "re_3N8f2kLkdIwHu7ix0Zq1aB2d"))
                  .ok());
  auto refund = vault_->refunds().Get(RefundSvc(), case_id);
  ASSERT_TRUE(refund.has_value());
  ASSERT_EQ(refund->payments.size(), 1u);
  EXPECT_EQ(refund->payments[0].refund_id, "re_3N8f2kLkdIwHu7ix0Zq1aB2d");
  EXPECT_TRUE(vault_->refunds().Transition(Payer(), case_id, RefundStatus::kCompleted).ok());
}

TEST_F(PurchaseTest, TwoVaultsRefundingOneChargeAtOnceCannotTogetherExceedIt) {
  RecordPurchase(ada_, "ORD-2026-000001", kTheme);
  std::string first = ProcessingCase("ORD-2026-000001");
  std::string second = ProcessingCase("ORD-2026-000001");
  auto other = Vault::Open(MakeOptions());  // another service on the same vault
  ASSERT_TRUE(other.has_value()) << other.error().ToString();
  Status a, b;
  std::thread one([&] {
    a = vault_->refunds().AttachPayment(Payer(), first,
                                        StripeRefund(3000, "re_3N8f2kLkdIwHu7ix0Zq1aB01"));
  });
  std::thread two([&] {
    b = (*other)->refunds().AttachPayment(Payer(), second,
                                          StripeRefund(3000, "re_3N8f2kLkdIwHu7ix0Zq1aB02"));
  });
  one.join();
  two.join();
  EXPECT_NE(a.ok(), b.ok()) << a.ToString() << " / " << b.ToString();
  const Status& refused = a.ok() ? b : a;
  EXPECT_EQ(refused.code(), StatusCode::kFailedPrecondition) << refused.ToString();
  std::int64_t refunded = 0;
  for (const std::string& case_id : {first, second}) {
    auto refund = vault_->refunds().Get(RefundSvc(), case_id);
    ASSERT_TRUE(refund.has_value());
    for (const PaymentReference& p : refund->payments) refunded += p.amount_minor;
  }
  EXPECT_EQ(refunded, 3000);
}

TEST_F(PurchaseTest, APurchaseRecordIsKeptMinimisedUnderTheHoldAfterErasure) {
  std::string purchase = RecordPurchase(ada_, "ORD-2026-000001", kTheme);
  std::string case_id = ProcessingCase("ORD-2026-000001");
  auto erased = vault_->rights().Erase(testing::Dpo(), ada_);
  ASSERT_TRUE(erased.has_value()) << erased.error().ToString();
  for (int swept = 0; swept < 2; ++swept) {
    auto kept = vault_->refunds().GetPurchase(Legal(), purchase);
    ASSERT_TRUE(kept.has_value()) << kept.error().ToString();
    EXPECT_TRUE(kept->customer.str().empty());
    EXPECT_TRUE(kept->retention_hold.starts_with("hld_"));
    EXPECT_EQ(kept->order_ref, "ORD-2026-000001");
    EXPECT_EQ(kept->charge.amount_minor, 4900);
    EXPECT_TRUE(kept->requirements_shown);
    EXPECT_TRUE(kept->system_requirements.empty());
    EXPECT_EQ(vault_->refunds().GetPurchase(RefundSvc(), purchase).error().reason_code(),
              "retention_hold");
    // The refund owed is still paid against the held charge.
    if (swept == 1) {
      ASSERT_TRUE(vault_->refunds()
                      .AttachPayment(Payer(), case_id,
                                     StripeRefund(4900, "re_3N8f2kLkdIwHu7ix0Zq1aB2d"))
                      .ok());
      EXPECT_EQ(vault_->refunds()
                    .AttachPayment(Payer(), case_id,
                                   StripeRefund(1, "re_3N8f2kLkdIwHu7ix0Zq1aB03"))
                    .code(),
                StatusCode::kFailedPrecondition);
    }
    ASSERT_TRUE(vault_->rights().Purge(testing::Dpo()).has_value());
  }
  // Purged with the hold when it ends.
  clock_->Advance(std::chrono::years(11));
  ASSERT_TRUE(vault_->rights().Purge(testing::Dpo()).has_value());
  EXPECT_EQ(vault_->refunds().GetPurchase(Legal(), purchase).error().code(),
            StatusCode::kNotFound);
}

}  // namespace
}  // namespace cvault
