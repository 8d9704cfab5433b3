// The refund module: opens a refund case linked to the support ticket,
// asks whether it is eligible under the policy, moves it through approval to
// completion with the processor's references, logs the updates sent to the
// customer and checks for overdue cases. A change-of-mind request is
// assessed too, and refused by the policy.
// Usage: refund_module SCRATCH_DIR
#include <cstdio>

#include "example_vault.h"

namespace {

void PrintDecision(const char* label, const cvault::EligibilityDecision& d) {
  std::printf("refund: %s -> %s (", label,
              std::string(cvault::EligibilityName(d.decision)).c_str());
  for (std::size_t i = 0; i < d.reasons.size(); ++i) {
    std::printf("%s%s", i ? ", " : "", d.reasons[i].c_str());
  }
  std::printf(")\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: refund_module SCRATCH_DIR\n");
    return 2;
  }
  using example::Must;
  auto vault = example::ScratchVault(argv[1]);
  cvault::AccessContext signup{"signup-svc", "account-service", "account_management",
                               "", ""};
  cvault::AccessContext agent{"agent-7", "support-agent", "support", "", ""};
  cvault::AccessContext refunds{"refund-svc", "refund-service", "refund_processing",
                                "refund request", ""};
  // Marks refunds paid. Separation of duties: whoever assessed or approved
  // a refund may not also mark it paid.
  cvault::AccessContext payouts{"payout-worker", "refund-service", "refund_processing",
                                "refund payout", ""};

  cvault::NewCustomer customer;
  customer.full_name = "Margaret Example";
  customer.email = "margaret@example.org";
  auto id = Must(vault->customers().Create(signup, customer), "create customer");
  cvault::NewTicket ticket;
  ticket.customer = id;
  ticket.product = {cvault::ProductKind::kTheme, "aurora-theme"};
  ticket.summary = "Theme update broke the checkout button";
  ticket.substantial = true;
  std::string ticket_id = Must(vault->support().OpenTicket(agent, ticket), "ticket");
  Must(vault->support().Resolve(agent, ticket_id, cvault::TicketState::kUnfixable),
       "resolve");

  // The checkout records each order as sold: its charge, and what the
  // customer was shown (refunds are paid against the charge).
  cvault::NewPurchase sale;
  sale.customer = id;
  sale.order_ref = "ORD-2026-004211";
  sale.product = ticket.product;
  sale.charge.processor = cvault::Processor::kStripe;
  sale.charge.payment_intent_id = "pi_3OaExample0Intent12";
  sale.charge.amount_minor = 5900;
  sale.charge.currency = "EUR";
  sale.policy_version = "2026-01";
  sale.system_requirements = "WordPress 6.4 or later";
  sale.purchased_at = cvault::SystemClock()->Now();
  Must(vault->refunds().RecordPurchase(refunds, sale), "record purchase");

  cvault::NewRefundCase request;
  request.customer = id;
  request.order_ref = "ORD-2026-004211";
  request.product = ticket.product;
  request.reason = cvault::RefundReason::kPostUpdateIncompatibility;
  request.ticket_ids = {ticket_id};
  std::string case_id = Must(vault->refunds().Open(refunds, request), "open case");
  auto decision = Must(vault->refunds().Assess(refunds, case_id), "assess");
  PrintDecision(case_id.c_str(), decision);
  if (decision.decision != cvault::Eligibility::kEligible) return 1;

  using S = cvault::RefundStatus;
  Must(vault->refunds().Transition(refunds, case_id, S::kUnderReview), "review");
  Must(vault->refunds().Notify(refunds, case_id, "email", "refund-received"), "notify");
  Must(vault->refunds().Transition(refunds, case_id, S::kApproved, "unfixable"), "approve");
  // Every decision owes the customer a notice.
  Must(vault->refunds().Notify(refunds, case_id, "email", "refund-approved"), "notify");
  cvault::PaymentReference payment;
  payment.processor = cvault::Processor::kStripe;
  payment.payment_intent_id = "pi_3OaExample0Intent12";
  payment.refund_id = "re_3OaExample0Refund12";
  payment.amount_minor = 5900;
  payment.currency = "EUR";
  Must(vault->refunds().AttachPayment(refunds, case_id, payment), "payment");
  Must(vault->refunds().Transition(refunds, case_id, S::kProcessing), "processing");
  Must(vault->refunds().Notify(refunds, case_id, "email", "refund-processing"), "notify");
  Must(vault->refunds().Transition(payouts, case_id, S::kCompleted), "complete");
  Must(vault->refunds().Notify(refunds, case_id, "email", "refund-completed"), "notify");
  auto done = Must(vault->refunds().Get(refunds, case_id), "show");
  std::printf("refund: %s %s after %zu status changes, %zu customer updates\n",
              case_id.c_str(), std::string(cvault::RefundStatusName(done.status)).c_str(),
              done.history.size(), done.notices.size());

  // A card number never gets in, wherever it is typed.
  cvault::PaymentReference card = payment;
  card.refund_id = "4242 4242 4242 4242";
  cvault::Status refused = vault->refunds().AttachPayment(refunds, case_id, card);
  std::printf("refund: a card number as refund id is refused: %s\n",
              refused.ok() ? "NO" : refused.message().c_str());
  if (refused.ok()) return 1;

  cvault::NewRefundCase whim = request;
  whim.reason = cvault::RefundReason::kChangeOfMind;
  whim.ticket_ids.clear();
  std::string whim_id = Must(vault->refunds().Open(refunds, whim), "open case 2");
  auto no = Must(vault->refunds().Assess(refunds, whim_id), "assess 2");
  PrintDecision(whim_id.c_str(), no);
  if (no.decision != cvault::Eligibility::kNotEligible) return 1;

  auto overdue = Must(vault->refunds().Overdue(refunds), "overdue");
  std::printf("refund: %zu cases overdue right now\n", overdue.size());
  return 0;
}
