// Support tickets and refund cases through the public API: the policy's
// eligibility rules end to end, the lifecycle, payment references, service
// levels and access.
#include <gtest/gtest.h>

#include "tests/testing/vault_fixture.h"

namespace cvault {
namespace {

using namespace std::chrono_literals;
using testing::As;
using testing::Auditor;
using testing::Dpo;

AccessContext Agent() { return As("support-agent", "support", "agent-7"); }
AccessContext RefundSvc() {
  return As("refund-service", "refund_processing", "refund-svc");
}

class RefundTest : public testing::VaultTest {
 protected:
  void SetUp() override {
    VaultTest::SetUp();
    ada_ = AddAda();
  }

  std::string OpenTicket(bool substantial) {
    NewTicket t;
    t.customer = ada_;
    t.product = {ProductKind::kPlugin, "seo-booster-2"};
    t.summary = "Plugin crashes the checkout page after activation";
    t.substantial = substantial;
    auto id = vault_->support().OpenTicket(Agent(), t);
    EXPECT_TRUE(id.has_value()) << id.error().ToString();
    return id.value_or("");
  }

  std::string OpenCase(RefundReason reason, std::vector<std::string> tickets = {}) {
    NewRefundCase r;
    r.customer = ada_;
    r.order_ref = "ORD-2026-000123";
    r.product = {ProductKind::kPlugin, "seo-booster-2"};
    r.reason = reason;
    r.ticket_ids = std::move(tickets);
    auto id = vault_->refunds().Open(RefundSvc(), r);
    EXPECT_TRUE(id.has_value()) << id.error().ToString();
    return id.value_or("");
  }

  Eligibility Assess(const std::string& case_id) {
    auto d = vault_->refunds().Assess(RefundSvc(), case_id);
    EXPECT_TRUE(d.has_value()) << d.error().ToString();
    return d ? d->decision : Eligibility::kNotYet;
  }

  std::string LastReason() {
    auto tail = vault_->audit().Tail(Auditor(), 1);
    return tail && !tail->empty() ? tail->back().reason_code : "";
  }

  CustomerId ada_;
};

TEST_F(RefundTest, UnfixedPluginDefectBecomesEligibleAfterTheTimeframe) {
  std::string ticket = OpenTicket(/*substantial=*/true);
  ASSERT_TRUE(vault_->support()
                  .RecordAttempt(Agent(), ticket, FixOutcome::kNotFixed, "cleared caches")
                  .ok());
  std::string case_id = OpenCase(RefundReason::kFunctionalDefect, {ticket});
  EXPECT_EQ(Assess(case_id), Eligibility::kNotYet);
  clock_->Advance(14 * 24h);
  auto decision = vault_->refunds().Assess(RefundSvc(), case_id);
  ASSERT_TRUE(decision.has_value());
  EXPECT_EQ(decision->decision, Eligibility::kEligible);
  EXPECT_EQ(decision->reasons, std::vector<std::string>{"unresolved_after_timeframe"});
  EXPECT_EQ(decision->evidence.ticket_ids, std::vector<std::string>{ticket});
  EXPECT_EQ(decision->evidence.fix_attempts, 1);
  EXPECT_EQ(decision->evidence.days_since_first_ticket, 14);

  for (RefundStatus to : {RefundStatus::kUnderReview, RefundStatus::kApproved,
                          RefundStatus::kProcessing, RefundStatus::kCompleted}) {
    ASSERT_TRUE(vault_->refunds().Transition(RefundSvc(), case_id, to, "ok").ok())
        << RefundStatusName(to);
  }
  auto refund = vault_->refunds().Get(RefundSvc(), case_id);
  ASSERT_TRUE(refund.has_value());
  EXPECT_EQ(refund->status, RefundStatus::kCompleted);
  ASSERT_EQ(refund->history.size(), 4u);
  EXPECT_EQ(refund->history[1].from, RefundStatus::kUnderReview);
  EXPECT_EQ(refund->history[1].to, RefundStatus::kApproved);
  EXPECT_EQ(refund->history[1].actor, "refund-svc");
  ASSERT_TRUE(refund->last_assessment.has_value());
  EXPECT_FALSE(refund->next_update_due_at.has_value()) << "closed cases owe no updates";
}

TEST_F(RefundTest, SupportDeclaringItUnfixableMakesItEligibleAtOnce) {
  std::string ticket = OpenTicket(true);
  ASSERT_TRUE(vault_->support().Resolve(Agent(), ticket, TicketState::kUnfixable).ok());
  std::string case_id = OpenCase(RefundReason::kPostUpdateIncompatibility, {ticket});
  EXPECT_EQ(Assess(case_id), Eligibility::kEligible);
}

TEST_F(RefundTest, ChangeOfMindIsNeverEligibleAndCannotBeApproved) {
  std::string case_id = OpenCase(RefundReason::kChangeOfMind);
  auto d = vault_->refunds().Assess(RefundSvc(), case_id);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->decision, Eligibility::kNotEligible);
  EXPECT_EQ(d->reasons, std::vector<std::string>{"change_of_mind_not_grounds"});
  ASSERT_TRUE(vault_->refunds()
                  .Transition(RefundSvc(), case_id, RefundStatus::kUnderReview)
                  .ok());
  Status approve =
      vault_->refunds().Transition(RefundSvc(), case_id, RefundStatus::kApproved);
  EXPECT_EQ(approve.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(LastReason(), "not_assessed_eligible");
  ASSERT_TRUE(vault_->refunds()
                  .Transition(RefundSvc(), case_id, RefundStatus::kDenied,
                              "change of mind is not covered")
                  .ok());
}

TEST_F(RefundTest, DefectWithoutTicketMeansContactSupportFirst) {
  std::string case_id = OpenCase(RefundReason::kFunctionalDefect);
  auto d = vault_->refunds().Assess(RefundSvc(), case_id);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->decision, Eligibility::kNotYet);
  EXPECT_EQ(d->reasons.front(), "contact_support_first");
}

TEST_F(RefundTest, InvalidTransitionIsRefusedAndChangesNothing) {
  std::string case_id = OpenCase(RefundReason::kFunctionalDefect);
  Status s = vault_->refunds().Transition(RefundSvc(), case_id, RefundStatus::kCompleted);
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(LastReason(), "invalid_transition");
  auto refund = vault_->refunds().Get(RefundSvc(), case_id);
  ASSERT_TRUE(refund.has_value());
  EXPECT_EQ(refund->status, RefundStatus::kRequested);
  EXPECT_TRUE(refund->history.empty());
}

TEST_F(RefundTest, CardNumbersAreRefusedEverywhereAndAuditedWithoutTheValue) {
  NewRefundCase r;
  r.customer = ada_;
  r.order_ref = "4111 1111 1111 1111";
  r.product = {ProductKind::kTheme, "dark-mode"};
  r.reason = RefundReason::kOther;
  auto id = vault_->refunds().Open(RefundSvc(), r);
  ASSERT_FALSE(id.has_value());
  EXPECT_EQ(id.error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(id.error().message().find("4111"), std::string::npos);
  EXPECT_EQ(LastReason(), "invalid_input");

  std::string case_id = OpenCase(RefundReason::kOther);
  PaymentReference pay;
  pay.processor = Processor::kOther;
  pay.charge_id = "5555555555554444";
  pay.amount_minor = 4900;
  pay.currency = "EUR";
  Status s = vault_->refunds().AttachPayment(RefundSvc(), case_id, pay);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message().find("5555"), std::string::npos);

  NewTicket t;
  t.customer = ada_;
  t.product = {ProductKind::kSoftware, "invoicer"};
  t.summary = "Customer pasted card 4111-1111-1111-1111 into the form";
  auto ticket = vault_->support().OpenTicket(Agent(), t);
  ASSERT_FALSE(ticket.has_value());
  EXPECT_EQ(ticket.error().code(), StatusCode::kInvalidArgument);
  auto tail = vault_->audit().Tail(Auditor(), 50);
  ASSERT_TRUE(tail.has_value());
  for (const AuditEntry& e : *tail) {
    for (const std::string& f : e.fields_requested)
      EXPECT_EQ(f.find("4111"), std::string::npos);
  }
}

TEST_F(RefundTest, PaymentReferencesAreCheckedPerProcessorAndKept) {
  std::string case_id = OpenCase(RefundReason::kOther);
  PaymentReference stripe;
  stripe.processor = Processor::kStripe;
  stripe.charge_id = "ch_3N8f2kLkdIwHu7ix0Zq1aB2c";
  stripe.refund_id = "re_3N8f2kLkdIwHu7ix0Zq1aB2d";
  stripe.amount_minor = 4900;
  stripe.currency = "EUR";
  ASSERT_TRUE(vault_->refunds().AttachPayment(RefundSvc(), case_id, stripe).ok());
  PaymentReference paypal_bad;
  paypal_bad.processor = Processor::kPaypal;
  paypal_bad.charge_id = "ch_3N8f2kLkdIwHu7ix0Zq1aB2c";
  paypal_bad.amount_minor = 100;
  paypal_bad.currency = "USD";
  EXPECT_EQ(vault_->refunds().AttachPayment(RefundSvc(), case_id, paypal_bad).code(),
            StatusCode::kInvalidArgument);
  PaymentReference yen;
  yen.processor = Processor::kPaypal;
  yen.capture_id = "8MC585209K746392H";
  yen.amount_minor = 5000;
  yen.currency = "JPX";
  EXPECT_EQ(vault_->refunds().AttachPayment(RefundSvc(), case_id, yen).code(),
            StatusCode::kInvalidArgument);
  auto refund = vault_->refunds().Get(RefundSvc(), case_id);
  ASSERT_TRUE(refund.has_value());
  ASSERT_EQ(refund->payments.size(), 1u);
  EXPECT_EQ(refund->payments[0].charge_id, stripe.charge_id);
  EXPECT_EQ(refund->payments[0].amount_minor, 4900);
}

TEST_F(RefundTest, OverdueListsCasesOwingUpdatesAndPastTheProcessingPromise) {
  std::string ticket = OpenTicket(true);
  ASSERT_TRUE(vault_->support().Resolve(Agent(), ticket, TicketState::kUnfixable).ok());
  std::string case_id = OpenCase(RefundReason::kFunctionalDefect, {ticket});
  auto overdue = vault_->refunds().Overdue(RefundSvc());
  ASSERT_TRUE(overdue.has_value());
  EXPECT_TRUE(overdue->empty());

  // The fixture's clock starts on Thursday 2026-01-15: three business days
  // later (Mon, Tue, Wed) the customer is owed an update.
  clock_->Advance(6 * 24h);
  overdue = vault_->refunds().Overdue(RefundSvc());
  ASSERT_TRUE(overdue.has_value());
  ASSERT_EQ(overdue->size(), 1u);
  EXPECT_TRUE(overdue->front().update_owed);
  EXPECT_FALSE(overdue->front().processing_overdue);

  ASSERT_TRUE(
      vault_->refunds().Notify(RefundSvc(), case_id, "email", "refund-status-1").ok());
  overdue = vault_->refunds().Overdue(RefundSvc());
  ASSERT_TRUE(overdue.has_value());
  EXPECT_TRUE(overdue->empty());

  ASSERT_EQ(Assess(case_id), Eligibility::kEligible);
  ASSERT_TRUE(vault_->refunds()
                  .Transition(RefundSvc(), case_id, RefundStatus::kUnderReview)
                  .ok());
  ASSERT_TRUE(
      vault_->refunds().Transition(RefundSvc(), case_id, RefundStatus::kApproved).ok());
  clock_->Advance(15 * 24h);  // past 10 business days
  overdue = vault_->refunds().Overdue(RefundSvc());
  ASSERT_TRUE(overdue.has_value());
  ASSERT_EQ(overdue->size(), 1u);
  EXPECT_TRUE(overdue->front().processing_overdue);
  EXPECT_EQ(overdue->front().status, RefundStatus::kApproved);
}

TEST_F(RefundTest, EachModuleSeesOnlyItsOwnRecords) {
  std::string ticket = OpenTicket(true);
  std::string case_id = OpenCase(RefundReason::kFunctionalDefect, {ticket});
  auto support_reads_refund = vault_->refunds().Get(Agent(), case_id);
  ASSERT_FALSE(support_reads_refund.has_value());
  EXPECT_EQ(support_reads_refund.error().code(), StatusCode::kPermissionDenied);
  auto refund_reads_ticket = vault_->support().GetTicket(RefundSvc(), ticket);
  ASSERT_FALSE(refund_reads_ticket.has_value());
  EXPECT_EQ(refund_reads_ticket.error().code(), StatusCode::kPermissionDenied);
  EXPECT_TRUE(vault_->refunds().Get(Dpo(), case_id).has_value());
  EXPECT_TRUE(
      vault_->support().GetTicket(As("dpo", "legal_compliance"), ticket).has_value());
}

TEST_F(RefundTest, RestrictedCustomersCasesAreFrozen) {
  std::string case_id = OpenCase(RefundReason::kFunctionalDefect);
  ASSERT_TRUE(vault_->rights().Restrict(Dpo(), ada_).ok());
  Status s =
      vault_->refunds().Transition(RefundSvc(), case_id, RefundStatus::kUnderReview);
  EXPECT_EQ(s.code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(s.reason_code(), "restricted");
}

TEST_F(RefundTest, TicketOfAnotherCustomerCannotBeLinked) {
  NewCustomer grace;
  grace.full_name = "Grace Hopper";
  grace.email = "grace@example.org";
  auto grace_id = vault_->customers().Create(testing::AccountService(), grace);
  ASSERT_TRUE(grace_id.has_value());
  NewTicket t;
  t.customer = *grace_id;
  t.product = {ProductKind::kSoftware, "compiler"};
  t.summary = "Bug";
  auto grace_ticket = vault_->support().OpenTicket(Agent(), t);
  ASSERT_TRUE(grace_ticket.has_value());
  std::string case_id = OpenCase(RefundReason::kFunctionalDefect);
  EXPECT_EQ(vault_->refunds().LinkTicket(RefundSvc(), case_id, *grace_ticket).code(),
            StatusCode::kInvalidArgument);
}

TEST_F(RefundTest, TicketSummaryAndAttemptsRoundTripForSupport) {
  std::string ticket = OpenTicket(true);
  ASSERT_TRUE(
      vault_->support()
          .RecordAttempt(Agent(), ticket, FixOutcome::kWorkaround, "disable minifier")
          .ok());
  auto t = vault_->support().GetTicket(Agent(), ticket);
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->summary, "Plugin crashes the checkout page after activation");
  ASSERT_EQ(t->attempts.size(), 1u);
  EXPECT_EQ(t->attempts[0].outcome, FixOutcome::kWorkaround);
  ASSERT_TRUE(vault_->support().Resolve(Agent(), ticket, TicketState::kFixed).ok());
  EXPECT_EQ(vault_->support().RecordAttempt(Agent(), ticket, FixOutcome::kFixed).code(),
            StatusCode::kFailedPrecondition);
}

TEST_F(RefundTest, AssessmentCannotLookIntoTheFuture) {
  std::string ticket = OpenTicket(true);
  std::string case_id = OpenCase(RefundReason::kFunctionalDefect, {ticket});
  auto future = vault_->refunds().Assess(RefundSvc(), case_id, clock_->Now() + 15 * 24h);
  ASSERT_FALSE(future.has_value());
  EXPECT_EQ(future.error().code(), StatusCode::kInvalidArgument);
}

TEST_F(RefundTest, ApprovalReassessesSoAStaleEligibleDoesNotCount) {
  std::string ticket = OpenTicket(true);
  std::string case_id = OpenCase(RefundReason::kFunctionalDefect, {ticket});
  clock_->Advance(15 * 24h);
  ASSERT_EQ(Assess(case_id), Eligibility::kEligible);
  ASSERT_TRUE(vault_->refunds().Transition(RefundSvc(), case_id,
                                           RefundStatus::kUnderReview).ok());
  ASSERT_TRUE(vault_->support().Resolve(Agent(), ticket, TicketState::kFixed).ok());
  Status approve = vault_->refunds().Transition(RefundSvc(), case_id, RefundStatus::kApproved);
  EXPECT_EQ(approve.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(LastReason(), "not_assessed_eligible");
  auto refund = vault_->refunds().Get(RefundSvc(), case_id);
  ASSERT_TRUE(refund.has_value());
  EXPECT_EQ(refund->status, RefundStatus::kUnderReview);
}

TEST_F(RefundTest, DuplicatePurchaseIsApprovedOnlyWithAJustification) {
  std::string case_id = OpenCase(RefundReason::kDuplicatePurchase);
  ASSERT_TRUE(vault_->refunds().Transition(RefundSvc(), case_id,
                                           RefundStatus::kUnderReview).ok());
  EXPECT_EQ(vault_->refunds().Transition(RefundSvc(), case_id, RefundStatus::kApproved).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(LastReason(), "justification_required");
  EXPECT_TRUE(vault_->refunds()
                  .Transition(RefundSvc(), case_id, RefundStatus::kApproved,
                              "charged twice for the same order")
                  .ok());
}

TEST_F(RefundTest, DeniedCaseTakesNoPaymentReferences) {
  std::string case_id = OpenCase(RefundReason::kChangeOfMind);
  ASSERT_TRUE(vault_->refunds().Transition(RefundSvc(), case_id,
                                           RefundStatus::kUnderReview).ok());
  ASSERT_TRUE(vault_->refunds().Transition(RefundSvc(), case_id, RefundStatus::kDenied).ok());
  PaymentReference stripe;
  stripe.processor = Processor::kStripe;
  stripe.charge_id = "ch_3N8f2kLkdIwHu7ix0Zq1aB2c";
  stripe.amount_minor = 4900;
  stripe.currency = "EUR";
  EXPECT_EQ(vault_->refunds().AttachPayment(RefundSvc(), case_id, stripe).code(),
            StatusCode::kFailedPrecondition);
}

TEST_F(RefundTest, NonsensicalRefundSettingsAreRefusedAtOpen) {
  vault_.reset();
  Options o = MakeOptions();
  o.refund_policy.processing_max_business_days = 2;  // below the minimum of 5
  auto vault = Vault::Open(std::move(o));
  ASSERT_FALSE(vault.has_value());
  EXPECT_EQ(vault.error().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace cvault
