// Support tickets and refund cases through the public API: the policy's
// eligibility rules end to end, the lifecycle, payment references, service
// levels and access.
#include <gtest/gtest.h>

#include <algorithm>

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
// The refund module's payment worker: another principal of the same role.
AccessContext Payer() { return As("refund-service", "refund_processing", "refund-payer"); }

class RefundTest : public testing::VaultTest {
 protected:
  void SetUp() override {
    VaultTest::SetUp();
    ada_ = AddAda();
    // The order the cases below are about was sold with StripeCharge()
    // (49.00 EUR): refunds are paid against it.
    RecordPurchase(ada_, "ORD-2026-000123", {ProductKind::kPlugin, "seo-booster-2"});
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
  EXPECT_EQ(decision->evidence.days_counted, 14);

  for (RefundStatus to : {RefundStatus::kUnderReview, RefundStatus::kApproved,
                          RefundStatus::kProcessing}) {
    ASSERT_TRUE(vault_->refunds().Transition(RefundSvc(), case_id, to, "ok").ok())
        << RefundStatusName(to);
  }
  ASSERT_TRUE(vault_->refunds()
                  .AttachPayment(Payer(), case_id,
                                 testing::StripeRefund(4900, "re_3N8f2kLkdIwHu7ix0Zq1aB2d"))
                  .ok());
  // Marked paid by another principal than the one who approved it.
  ASSERT_TRUE(
      vault_->refunds().Transition(Payer(), case_id, RefundStatus::kCompleted, "ok").ok());
  ASSERT_TRUE(
      vault_->refunds().Notify(RefundSvc(), case_id, "email", "refund-completed").ok());
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


// --- The refund promise made exact -----------------------------------------

AccessContext Operator() { return As("operator", "operations", "op-1"); }

class RefundDutiesTest : public RefundTest {
 protected:
  // A case with an open substantial ticket, eligible after the timeframe,
  // moved to approved by refund-svc.
  std::string ApprovedCase() {
    std::string ticket = OpenTicket(true);
    std::string case_id = OpenCase(RefundReason::kFunctionalDefect, {ticket});
    clock_->Advance(15 * 24h);
    EXPECT_EQ(Assess(case_id), Eligibility::kEligible);
    for (RefundStatus to : {RefundStatus::kUnderReview, RefundStatus::kApproved}) {
      Status moved = vault_->refunds().Transition(RefundSvc(), case_id, to, "unfixed");
      EXPECT_TRUE(moved.ok()) << moved.ToString();
    }
    return case_id;
  }

  std::optional<OverdueCase> OverdueEntry(const std::string& case_id) {
    auto overdue = vault_->refunds().Overdue(RefundSvc());
    EXPECT_TRUE(overdue.has_value());
    if (!overdue) return std::nullopt;
    for (const OverdueCase& o : *overdue) {
      if (o.case_id == case_id) return o;
    }
    return std::nullopt;
  }

  std::string OpenTicketFor(Product product) {
    NewTicket t;
    t.customer = ada_;
    t.product = std::move(product);
    t.summary = "The export button does nothing";
    t.substantial = true;
    auto id = vault_->support().OpenTicket(Agent(), t);
    EXPECT_TRUE(id.has_value()) << id.error().ToString();
    return id.value_or("");
  }
};

TEST_F(RefundDutiesTest, ATicketAboutAnotherProductIsNoEvidenceForThisOne) {
  // The case is about the plugin; the ticket about a theme the customer
  // also bought.
  std::string theme_ticket = OpenTicketFor({ProductKind::kTheme, "aurora-theme"});
  NewRefundCase r;
  r.customer = ada_;
  r.order_ref = "ORD-2026-000123";
  r.product = {ProductKind::kPlugin, "seo-booster-2"};
  r.reason = RefundReason::kFunctionalDefect;
  r.ticket_ids = {theme_ticket};
  auto opened = vault_->refunds().Open(RefundSvc(), r);
  ASSERT_FALSE(opened.has_value());
  EXPECT_EQ(opened.error().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(opened.error().message().find("another product"), std::string::npos)
      << opened.error().message();
  EXPECT_EQ(LastReason(), "invalid_input");

  std::string case_id = OpenCase(RefundReason::kFunctionalDefect);
  Status linked = vault_->refunds().LinkTicket(RefundSvc(), case_id, theme_ticket);
  EXPECT_EQ(linked.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(linked.message().find("another product"), std::string::npos);
  // Same kind, other SKU: another product too.
  std::string other_plugin = OpenTicketFor({ProductKind::kPlugin, "cache-turbo"});
  EXPECT_EQ(vault_->refunds().LinkTicket(RefundSvc(), case_id, other_plugin).code(),
            StatusCode::kInvalidArgument);
  clock_->Advance(30 * 24h);
  auto decision = vault_->refunds().Assess(RefundSvc(), case_id);
  ASSERT_TRUE(decision.has_value());
  EXPECT_EQ(decision->decision, Eligibility::kNotYet);
  EXPECT_EQ(decision->reasons, std::vector<std::string>{"contact_support_first"});
}

TEST_F(RefundDutiesTest, TheClockRunsFromTheOpenIssueNotAFixedEarlierOne) {
  std::string first = OpenTicket(true);
  clock_->Advance(2 * 24h);
  ASSERT_TRUE(vault_->support().Resolve(Agent(), first, TicketState::kFixed).ok());
  clock_->Advance(10 * 24h);
  std::string second = OpenTicket(true);  // opened on day 12
  std::string case_id = OpenCase(RefundReason::kFunctionalDefect, {first, second});
  clock_->Advance(5 * 24h);  // day 17: 17 days after the first, 5 after the second
  auto decision = vault_->refunds().Assess(RefundSvc(), case_id);
  ASSERT_TRUE(decision.has_value());
  EXPECT_EQ(decision->decision, Eligibility::kNotYet);
  EXPECT_EQ(decision->evidence.clock_ticket_id, second);
  EXPECT_EQ(decision->evidence.days_counted, 5);
  clock_->Advance(9 * 24h);  // 14 days on the second ticket
  EXPECT_EQ(Assess(case_id), Eligibility::kEligible);
}

TEST_F(RefundDutiesTest, TimeWaitingOnTheCustomersReplyDoesNotCount) {
  std::string ticket = OpenTicket(true);
  const Timestamp opened = clock_->Now();
  std::string case_id = OpenCase(RefundReason::kFunctionalDefect, {ticket});
  clock_->Advance(6 * 24h);
  ASSERT_TRUE(vault_->support()
                  .RecordAttempt(Agent(), ticket, FixOutcome::kNeedsCustomer,
                                 "asked for the server log", opened + 24h)
                  .ok());
  ASSERT_TRUE(vault_->support().RecordCustomerReply(Agent(), ticket).ok());  // day 6
  clock_->Advance(8 * 24h);  // day 14: 5 of them spent waiting on the customer
  auto decision = vault_->refunds().Assess(RefundSvc(), case_id);
  ASSERT_TRUE(decision.has_value());
  EXPECT_EQ(decision->decision, Eligibility::kNotYet);
  EXPECT_EQ(decision->evidence.days_waiting_on_customer, 5);
  EXPECT_EQ(decision->evidence.days_counted, 9);
  clock_->Advance(5 * 24h);
  EXPECT_EQ(Assess(case_id), Eligibility::kEligible);

  auto t = vault_->support().GetTicket(Agent(), ticket);
  ASSERT_TRUE(t.has_value());
  ASSERT_EQ(t->customer_replies.size(), 1u);
  EXPECT_EQ(t->customer_replies[0], opened + 6 * 24h);
  // A reply before the ticket existed, or in the future, is refused.
  EXPECT_EQ(
      vault_->support().RecordCustomerReply(Agent(), ticket, opened - 1h).code(),
      StatusCode::kInvalidArgument);
  EXPECT_EQ(vault_->support()
                .RecordCustomerReply(Agent(), ticket, clock_->Now() + 1h)
                .code(),
            StatusCode::kInvalidArgument);
}

TEST_F(RefundDutiesTest, AnAssessmentAsOfAMomentUsesOnlyWhatWasKnownThen) {
  std::string ticket = OpenTicket(true);
  const Timestamp opened = clock_->Now();
  std::string case_id = OpenCase(RefundReason::kFunctionalDefect, {ticket});
  clock_->Advance(20 * 24h);
  ASSERT_TRUE(vault_->support().Resolve(Agent(), ticket, TicketState::kFixed).ok());
  // On day 15 the ticket was still open: eligible then.
  auto then = vault_->refunds().Assess(RefundSvc(), case_id, opened + 15 * 24h);
  ASSERT_TRUE(then.has_value());
  EXPECT_EQ(then->decision, Eligibility::kEligible);
  // Now it is fixed.
  auto now = vault_->refunds().Assess(RefundSvc(), case_id);
  ASSERT_TRUE(now.has_value());
  EXPECT_EQ(now->decision, Eligibility::kNotEligible);
  EXPECT_EQ(now->reasons, std::vector<std::string>{"issue_fixed_by_support"});
}

TEST_F(RefundDutiesTest, ADecidedCaseKeepsTheEvidenceItsDecisionRestedOn) {
  std::string case_id = ApprovedCase();
  auto before = vault_->refunds().Get(RefundSvc(), case_id);
  ASSERT_TRUE(before.has_value());
  ASSERT_TRUE(before->last_assessment.has_value());
  EXPECT_EQ(before->last_assessment->assessed_by, "refund-svc");

  clock_->Advance(24h);
  auto again = vault_->refunds().Assess(RefundSvc(), case_id);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(LastReason(), "case_decided");
  auto after = vault_->refunds().Get(RefundSvc(), case_id);
  ASSERT_TRUE(after.has_value());
  ASSERT_TRUE(after->last_assessment.has_value());
  EXPECT_EQ(after->last_assessment->assessed_at, before->last_assessment->assessed_at);
}

TEST_F(RefundDutiesTest, ABackdatedTicketIsHelpdeskImportForTheOperatorOnly) {
  NewTicket t;
  t.customer = ada_;
  t.product = {ProductKind::kPlugin, "seo-booster-2"};
  t.summary = "Checkout breaks";
  t.substantial = true;

  // A little clock skew is fine for anyone who may open tickets.
  t.opened_at = clock_->Now() - 2min;
  ASSERT_TRUE(vault_->support().OpenTicket(Agent(), t).has_value());

  // Two weeks back would make a refund eligible at once: not for support.
  t.opened_at = clock_->Now() - 14 * 24h;
  auto agent = vault_->support().OpenTicket(Agent(), t);
  ASSERT_FALSE(agent.has_value());
  EXPECT_EQ(agent.error().code(), StatusCode::kPermissionDenied);
  auto tail = vault_->audit().Tail(Auditor(), 1);
  ASSERT_TRUE(tail.has_value());
  EXPECT_EQ(tail->back().action, "support.import_history");
  EXPECT_EQ(tail->back().decision, "deny");
  const std::string claimed = "opened_at=" + FormatTimestamp(*t.opened_at);
  EXPECT_NE(std::ranges::find(tail->back().fields_requested, claimed),
            tail->back().fields_requested.end());

  // The operator imports help-desk history; the claimed time is audited.
  auto imported = vault_->support().OpenTicket(Operator(), t);
  ASSERT_TRUE(imported.has_value()) << imported.error().ToString();
  tail = vault_->audit().Tail(Auditor(), 1);
  ASSERT_TRUE(tail.has_value());
  EXPECT_EQ(tail->back().action, "support.import_history");
  EXPECT_EQ(tail->back().decision, "allow");
  EXPECT_EQ(tail->back().principal_id, "op-1");
  EXPECT_NE(std::ranges::find(tail->back().fields_requested, claimed),
            tail->back().fields_requested.end());
  auto ticket = vault_->support().GetTicket(Agent(), *imported);
  ASSERT_TRUE(ticket.has_value());
  EXPECT_EQ(ticket->opened_at, *t.opened_at);
  // The operator writes history but reads no ticket.
  EXPECT_EQ(vault_->support().GetTicket(Operator(), *imported).error().code(),
            StatusCode::kPermissionDenied);
}

TEST_F(RefundDutiesTest, WhoAssessedOrApprovedARefundDoesNotMarkItPaid) {
  std::string case_id = ApprovedCase();
  ASSERT_TRUE(vault_->refunds()
                  .Transition(RefundSvc(), case_id, RefundStatus::kProcessing)
                  .ok());
  Status self = vault_->refunds().Transition(RefundSvc(), case_id, RefundStatus::kCompleted);
  EXPECT_EQ(self.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(LastReason(), "separation_of_duties");
  auto unchanged = vault_->refunds().Get(RefundSvc(), case_id);
  ASSERT_TRUE(unchanged.has_value());
  EXPECT_EQ(unchanged->status, RefundStatus::kProcessing);

  // One who only assessed is a decider too.
  std::string other = ApprovedCase();
  const AccessContext assessor = As("refund-service", "refund_processing", "assessor-2");
  NewRefundCase r;
  r.customer = ada_;
  r.order_ref = "ORD-2026-000777";
  r.product = {ProductKind::kPlugin, "seo-booster-2"};
  r.reason = RefundReason::kFunctionalDefect;
  auto third = vault_->refunds().Open(RefundSvc(), r);
  ASSERT_TRUE(third.has_value());
  ASSERT_TRUE(vault_->refunds().Assess(assessor, *third).has_value());
  auto third_case = vault_->refunds().Get(RefundSvc(), *third);
  ASSERT_TRUE(third_case.has_value());
  EXPECT_EQ(third_case->deciders, std::vector<std::string>{"assessor-2"});

  ASSERT_TRUE(vault_->refunds()
                  .AttachPayment(Payer(), case_id,
                                 testing::StripeRefund(4900, "re_3N8f2kLkdIwHu7ix0Zq1aB2d"))
                  .ok());
  ASSERT_TRUE(
      vault_->refunds().Transition(Payer(), case_id, RefundStatus::kCompleted).ok());
  ASSERT_TRUE(vault_->refunds().Transition(Payer(), other, RefundStatus::kProcessing).ok());
  ASSERT_TRUE(vault_->refunds().Transition(Payer(), other, RefundStatus::kFailed).ok());
}

TEST_F(RefundDutiesTest, EveryDecisionOwesTheCustomerANotice) {
  // Approved: the approval notice is owed at once.
  std::string approved = ApprovedCase();
  auto entry = OverdueEntry(approved);
  ASSERT_TRUE(entry.has_value());
  EXPECT_TRUE(entry->update_owed);
  auto refund = vault_->refunds().Get(RefundSvc(), approved);
  ASSERT_TRUE(refund.has_value());
  EXPECT_TRUE(refund->decision_notice_owed);
  ASSERT_TRUE(vault_->refunds().Notify(RefundSvc(), approved, "email", "approved").ok());
  EXPECT_EQ(LastReason(), "decision_notice");
  EXPECT_FALSE(OverdueEntry(approved).has_value());

  // Completed: owed until told.
  ASSERT_TRUE(vault_->refunds()
                  .Transition(RefundSvc(), approved, RefundStatus::kProcessing)
                  .ok());
  ASSERT_TRUE(vault_->refunds()
                  .AttachPayment(Payer(), approved,
                                 testing::StripeRefund(4900, "re_3N8f2kLkdIwHu7ix0Zq1aB2d"))
                  .ok());
  ASSERT_TRUE(
      vault_->refunds().Transition(Payer(), approved, RefundStatus::kCompleted).ok());
  entry = OverdueEntry(approved);
  ASSERT_TRUE(entry.has_value());
  EXPECT_TRUE(entry->decision_notice_owed);
  EXPECT_EQ(entry->status, RefundStatus::kCompleted);
  ASSERT_TRUE(vault_->refunds().Notify(RefundSvc(), approved, "email", "paid").ok());
  EXPECT_FALSE(OverdueEntry(approved).has_value());
  refund = vault_->refunds().Get(RefundSvc(), approved);
  ASSERT_TRUE(refund.has_value());
  EXPECT_FALSE(refund->decision_notice_owed);
  EXPECT_FALSE(refund->next_update_due_at.has_value());

  // Denied: owed until told; a withdrawal (the customer's own act) is not.
  std::string denied = OpenCase(RefundReason::kChangeOfMind);
  ASSERT_TRUE(
      vault_->refunds().Transition(RefundSvc(), denied, RefundStatus::kUnderReview).ok());
  ASSERT_TRUE(vault_->refunds()
                  .Transition(RefundSvc(), denied, RefundStatus::kDenied, "not covered")
                  .ok());
  entry = OverdueEntry(denied);
  ASSERT_TRUE(entry.has_value());
  EXPECT_TRUE(entry->decision_notice_owed);
  ASSERT_TRUE(vault_->refunds().Notify(RefundSvc(), denied, "letter", "denied").ok());
  EXPECT_FALSE(OverdueEntry(denied).has_value());
  std::string withdrawn = OpenCase(RefundReason::kChangeOfMind);
  ASSERT_TRUE(
      vault_->refunds().Transition(RefundSvc(), withdrawn, RefundStatus::kWithdrawn).ok());
  EXPECT_FALSE(OverdueEntry(withdrawn).has_value());
}

TEST_F(RefundDutiesTest, ARestrictedCustomerIsStillToldAndAnApprovedRefundStillPaid) {
  std::string case_id = ApprovedCase();
  std::string open_case = OpenCase(RefundReason::kFunctionalDefect);
  ASSERT_TRUE(vault_->rights().Restrict(Dpo(), ada_).ok());
  // Processing the open case stays frozen ...
  EXPECT_EQ(vault_->refunds()
                .Transition(RefundSvc(), open_case, RefundStatus::kUnderReview)
                .reason_code(),
            "restricted");
  EXPECT_EQ(vault_->refunds().Assess(RefundSvc(), open_case).error().reason_code(),
            "restricted");
  // ... but the customer is still told about both cases ...
  ASSERT_TRUE(vault_->refunds().Notify(RefundSvc(), open_case, "email", "on-hold").ok());
  ASSERT_TRUE(vault_->refunds().Notify(RefundSvc(), case_id, "email", "approved").ok());
  // ... and the approved refund is paid.
  ASSERT_TRUE(vault_->refunds()
                  .Transition(RefundSvc(), case_id, RefundStatus::kProcessing)
                  .ok());
  PaymentReference stripe = testing::StripeRefund(4900, "re_3MtwBwLkdIwHu7ix0lXNeHzY");
  ASSERT_TRUE(vault_->refunds().AttachPayment(RefundSvc(), case_id, stripe).ok());
  ASSERT_TRUE(
      vault_->refunds().Transition(Payer(), case_id, RefundStatus::kCompleted).ok());
  ASSERT_TRUE(vault_->refunds().Notify(RefundSvc(), case_id, "email", "paid").ok());
  // Nothing about the restricted customer's cases is left overdue.
  EXPECT_FALSE(OverdueEntry(case_id).has_value());
  EXPECT_FALSE(OverdueEntry(open_case).has_value());
  // Reading the cases stays frozen while restricted.
  EXPECT_EQ(vault_->refunds().Get(RefundSvc(), case_id).error().reason_code(),
            "restricted");
}

TEST_F(RefundDutiesTest, AnApprovedRefundIsStillPaidAfterTheCustomersErasure) {
  std::string case_id = ApprovedCase();
  ASSERT_TRUE(vault_->refunds().Notify(RefundSvc(), case_id, "email", "approved").ok());
  ASSERT_TRUE(vault_->rights().Erase(Dpo(), ada_).has_value());
  // Before the purge job sweeps the erasure ...
  ASSERT_TRUE(vault_->refunds()
                  .Transition(RefundSvc(), case_id, RefundStatus::kProcessing)
                  .ok());
  // ... and after it: the processing promise still stands under the hold.
  ASSERT_TRUE(vault_->rights().Purge(Dpo()).has_value());
  clock_->Advance(15 * 24h);
  auto entry = OverdueEntry(case_id);
  ASSERT_TRUE(entry.has_value());
  EXPECT_TRUE(entry->processing_overdue);
  EXPECT_FALSE(entry->update_owed);  // no one left to send updates to

  PaymentReference stripe = testing::StripeRefund(4900, "re_3MtwBwLkdIwHu7ix0lXNeHzY");
  ASSERT_TRUE(vault_->refunds().AttachPayment(RefundSvc(), case_id, stripe).ok());
  // Separation of duties still holds under the hold.
  EXPECT_EQ(vault_->refunds()
                .Transition(RefundSvc(), case_id, RefundStatus::kCompleted)
                .code(),
            StatusCode::kFailedPrecondition);
  ASSERT_TRUE(
      vault_->refunds().Transition(Payer(), case_id, RefundStatus::kCompleted).ok());
  EXPECT_FALSE(OverdueEntry(case_id).has_value());

  auto kept = vault_->refunds().Get(As("dpo", "legal_compliance", "dpo-1"), case_id);
  ASSERT_TRUE(kept.has_value()) << kept.error().ToString();
  EXPECT_EQ(kept->status, RefundStatus::kCompleted);
  ASSERT_EQ(kept->payments.size(), 1u);
  EXPECT_EQ(kept->payments[0].refund_id, stripe.refund_id);
  EXPECT_FALSE(kept->retention_hold.empty());
  // Anything else on the held case stays refused: it is a legal record now.
  EXPECT_EQ(vault_->refunds().Notify(RefundSvc(), case_id, "email", "x").code(),
            StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace cvault
