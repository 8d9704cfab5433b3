#include "cli/demo_refund.h"

#include <fmt/format.h>

#include <chrono>
#include <functional>
#include <vector>

#include "cli/refund_output.h"

namespace cvault::cli {
namespace {

using std::chrono::days;

constexpr std::string_view kHedyName = "Hedy Lamarr";
constexpr std::string_view kHedyEmail = "hedy@example.org";
constexpr std::string_view kCharlesName = "Charles Babbage";
constexpr std::string_view kCharlesEmail = "charles@example.net";
constexpr std::string_view kSummary = "SEO plugin crashes the checkout page on save";
constexpr std::string_view kOrder = "ORD-2026-004711";
// Fictitious Stripe references, in Stripe's formats.
constexpr std::string_view kPaymentIntent = "pi_3QdemoHedyPlugin4900";
constexpr std::string_view kStripeRefund = "re_3QdemoHedyRefund0001";
constexpr std::string_view kDenialNote =
    "Digital products are not refundable on a change of mind (refund policy).";

std::string Date(Timestamp t) { return FormatTimestamp(t).substr(0, 10); }
std::string Date(const std::optional<Timestamp>& t) { return t ? Date(*t) : "-"; }

}  // namespace

std::span<const std::string_view> DemoRefundChapter::ValuesAtRest() {
  static constexpr std::string_view kValues[] = {kHedyName,     kHedyEmail, kCharlesName,
                                                 kCharlesEmail, kSummary,   kOrder};
  return kValues;
}

CliOr<> DemoRefundChapter::SupportImportsTicket() {
  NewCustomer hedy{std::string(kHedyName),
                   std::string(kHedyEmail),
                   std::nullopt,
                   std::nullopt,
                   "AT",
                   "de-AT",
                   std::nullopt};
  auto id = vault_.customers().Create(callers_.account, hedy);
  if (!id) return narrator_.Failed("adding Hedy", id.error());
  hedy_ = *id;
  // A help-desk import: the ticket was opened 15 days ago, the fixes failed since.
  Timestamp now = SystemClock()->Now();
  NewTicket ticket{hedy_,
                   {ProductKind::kPlugin, "seo-booster"},
                   std::string(kSummary),
                   /*substantial=*/true,
                   now - days(15)};
  auto ticket_id = vault_.support().OpenTicket(callers_.helpdesk_import, ticket);
  if (!ticket_id) return narrator_.Failed("importing Hedy's ticket", ticket_id.error());
  ticket_id_ = *ticket_id;
  for (int days_ago : {12, 5}) {
    Status tried = vault_.support().RecordAttempt(
        callers_.support, ticket_id_, FixOutcome::kNotFixed, "", now - days(days_ago));
    if (!tried.ok()) return narrator_.Failed("recording a fix attempt", tried);
  }
  auto stored = vault_.support().GetTicket(callers_.support, ticket_id_);
  if (!stored) return narrator_.Failed("reading the ticket", stored.error());
  if (stored->attempts.size() != 2 || stored->state != TicketState::kOpen) {
    return narrator_.Broke("the ticket does not hold two attempts and stay open");
  }
  narrator_.Say(fmt::format("account-service added {} <{}>; the operator's help-desk",
                            kHedyName, kHedyEmail));
  narrator_.More("sync imported (a backdated ticket is the operator's duty, audited");
  narrator_.More("with the claimed opening time)");
  narrator_.More(fmt::format("her help-desk ticket {}: {},", ticket_id_,
                             FormatProduct(stored->product)));
  narrator_.More(
      fmt::format("substantial, opened {} (15 days ago). Two fix attempts since",
                  Date(stored->opened_at)));
  narrator_.More("(12 and 5 days ago): not_fixed, not_fixed. The ticket is still open.");
  return {};
}

CliOr<> DemoRefundChapter::DefectIsEligible() {
  // The checkout recorded the order as sold: the refund is paid against
  // its charge.
  NewPurchase purchase;
  purchase.customer = hedy_;
  purchase.order_ref = std::string(kOrder);
  purchase.product = {ProductKind::kPlugin, "seo-booster"};
  purchase.charge = {Processor::kStripe, std::nullopt, std::string(kPaymentIntent),
                     std::nullopt,       std::nullopt, 4900, "EUR"};
  purchase.policy_version = "2026-01";
  purchase.system_requirements = "WordPress 6.4 or later";
  purchase.purchased_at = SystemClock()->Now() - std::chrono::days(20);
  auto purchase_id = vault_.refunds().RecordPurchase(callers_.refunds, purchase);
  if (!purchase_id) {
    return narrator_.Failed("recording Hedy's purchase", purchase_id.error());
  }
  NewRefundCase refund{hedy_,
                       std::string(kOrder),
                       {ProductKind::kPlugin, "seo-booster"},
                       RefundReason::kFunctionalDefect,
                       {ticket_id_}};
  auto case_id = vault_.refunds().Open(callers_.refunds, refund);
  if (!case_id) return narrator_.Failed("opening Hedy's refund case", case_id.error());
  case_id_ = *case_id;
  auto decision = vault_.refunds().Assess(callers_.refunds, case_id_);
  if (!decision) return narrator_.Failed("assessing Hedy's case", decision.error());
  const EligibilityEvidence& e = decision->evidence;
  if (decision->decision != Eligibility::kEligible ||
      decision->reasons != std::vector<std::string>{"unresolved_after_timeframe"} ||
      e.days_counted != 15 || e.fix_attempts != 2) {
    return narrator_.Broke("Hedy's unfixed defect was not eligible after the timeframe");
  }
  narrator_.Say("refund-service (purpose refund_processing) recorded her order as sold");
  narrator_.More(fmt::format("({}: 49.00 EUR, refund policy 2026-01 and the system",
                             *purchase_id));
  narrator_.More(fmt::format("requirements shown), then opened case {}", case_id_));
  narrator_.More("for her functional_defect,");
  narrator_.More(fmt::format("linked the ticket, and assessed it: {} ({}):",
                             EligibilityName(decision->decision), decision->reasons[0]));
  narrator_.More(fmt::format(
      "{} days on the clock of the open ticket (timeframe {} days), {} "
      "failed fix attempts.",
      e.days_counted, e.reasonable_timeframe_days, e.fix_attempts));
  return {};
}

CliOr<> DemoRefundChapter::RefundIsApproved() {
  for (RefundStatus to : {RefundStatus::kUnderReview, RefundStatus::kApproved}) {
    Status moved = vault_.refunds().Transition(callers_.refunds, case_id_, to,
                                               "support could not fix it in 14 days");
    if (!moved.ok()) return narrator_.Failed("approving Hedy's refund", moved);
  }
  auto refund = vault_.refunds().Get(callers_.refunds, case_id_);
  if (!refund) return narrator_.Failed("reading Hedy's case", refund.error());
  if (refund->status != RefundStatus::kApproved || !refund->processing_due_at ||
      !refund->next_update_due_at) {
    return narrator_.Broke("the approved case has no processing promise");
  }
  narrator_.Say("refund-service moved it requested -> under_review -> approved.");
  narrator_.More(fmt::format("Processing is promised by {} (10 business days);",
                             Date(refund->processing_due_at)));
  narrator_.More(
      fmt::format("Hedy's next update is due by {}.", Date(refund->next_update_due_at)));
  return {};
}

CliOr<> DemoRefundChapter::RefundIsPaidWithUpdates() {
  PaymentReference stripe{Processor::kStripe,
                          std::nullopt,
                          std::string(kPaymentIntent),
                          std::string(kStripeRefund),
                          std::nullopt,
                          4900,
                          "EUR"};
  Refunds& refunds = vault_.refunds();
  const AccessContext& svc = callers_.refunds;
  const std::function<Status()> steps[] = {
      [&] { return refunds.Notify(svc, case_id_, "email", "refund-approved"); },
      [&] { return refunds.Transition(svc, case_id_, RefundStatus::kProcessing); },
      [&] { return refunds.AttachPayment(svc, case_id_, stripe); },
      [&] { return refunds.Notify(svc, case_id_, "email", "refund-processing"); },
      [&] {
        return refunds.Transition(callers_.payments, case_id_, RefundStatus::kCompleted);
      },
      [&] { return refunds.Notify(svc, case_id_, "email", "refund-completed"); }};
  for (const auto& step : steps) {
    Status done = step();
    if (!done.ok()) return narrator_.Failed("paying Hedy's refund", done);
  }
  auto refund = refunds.Get(svc, case_id_);
  if (!refund) return narrator_.Failed("reading Hedy's case", refund.error());
  if (refund->status != RefundStatus::kCompleted || refund->payments.size() != 1 ||
      refund->notices.size() != 3 || refund->history.size() != 4 ||
      refund->processing_due_at || refund->decision_notice_owed) {
    return narrator_.Broke("Hedy's refund did not complete with a payment and 3 updates");
  }
  const PaymentReference& paid = refund->payments[0];
  narrator_.Say("Hedy was emailed (refund-approved); the refund went through Stripe:");
  narrator_.More(fmt::format("{}: payment intent {},",
                             FormatMoney(paid.amount_minor, paid.currency),
                             paid.payment_intent_id.value_or("-")));
  narrator_.More(fmt::format("refund {}; Hedy was emailed again (refund-processing).",
                             paid.refund_id.value_or("-")));
  narrator_.More(
      fmt::format("History: requested -> under_review -> approved -> "
                  "processing -> {}.",
                  RefundStatusName(refund->status)));
  narrator_.More(fmt::format("payments-worker (not the approver) marked it {};",
                             RefundStatusName(refund->status)));
  narrator_.More(fmt::format("{} updates sent; no due dates left on the closed case.",
                             refund->notices.size()));
  return {};
}

std::string_view DemoRefundChapter::CharlesEmail() { return kCharlesEmail; }

CliOr<> DemoRefundChapter::ChangeOfMindIsDenied() {
  NewCustomer charles{std::string(kCharlesName),
                      std::string(kCharlesEmail),
                      std::nullopt,
                      std::nullopt,
                      "GB",
                      "en-GB",
                      std::nullopt};
  auto id = vault_.customers().Create(callers_.account, charles);
  if (!id) return narrator_.Failed("adding Charles", id.error());
  const AccessContext& svc = callers_.refunds;
  auto case_id = vault_.refunds().Open(svc, {*id,
                                             "ORD-2026-004712",
                                             {ProductKind::kTheme, "aurora-theme"},
                                             RefundReason::kChangeOfMind,
                                             {}});
  if (!case_id) return narrator_.Failed("opening Charles's case", case_id.error());
  auto decision = vault_.refunds().Assess(svc, *case_id);
  if (!decision) return narrator_.Failed("assessing Charles's case", decision.error());
  if (decision->decision != Eligibility::kNotEligible ||
      decision->reasons != std::vector<std::string>{"change_of_mind_not_grounds"}) {
    return narrator_.Broke("a change of mind was not refused under the policy");
  }
  Status reviewed =
      vault_.refunds().Transition(svc, *case_id, RefundStatus::kUnderReview);
  if (!reviewed.ok()) return narrator_.Failed("reviewing Charles's case", reviewed);
  Status approved = vault_.refunds().Transition(svc, *case_id, RefundStatus::kApproved);
  if (approved.code() != StatusCode::kFailedPrecondition) {
    return narrator_.Broke("a not-eligible case could be approved");
  }
  Status denied =
      vault_.refunds().Transition(svc, *case_id, RefundStatus::kDenied, kDenialNote);
  if (!denied.ok()) return narrator_.Failed("denying Charles's case", denied);
  Status told = vault_.refunds().Notify(svc, *case_id, "email", "refund-denied");
  if (!told.ok()) return narrator_.Failed("telling Charles the decision", told);
  charles_ = *id;
  charles_case_ = *case_id;
  narrator_.Say(fmt::format("account-service added {} <{}>, who asks for a", kCharlesName,
                            kCharlesEmail));
  narrator_.More("refund of a theme on a change of mind. refund-service assessed it:");
  narrator_.More(fmt::format("{} ({}). Approving it anyway: REFUSED.",
                             EligibilityName(decision->decision), decision->reasons[0]));
  narrator_.More("It was denied with the note:");
  narrator_.More(fmt::format("\"{}\"", kDenialNote));
  narrator_.More("and Charles was emailed the decision (refund-denied).");
  return {};
}

CliOr<> DemoRefundChapter::NothingIsOverdue() {
  auto overdue = vault_.refunds().Overdue(callers_.refunds);
  if (!overdue) return narrator_.Failed("listing overdue refunds", overdue.error());
  if (!overdue->empty()) return narrator_.Broke("a closed refund case is overdue");
  narrator_.Say(
      "refund-service listed overdue cases (late processing or updates "
      "owed): none.");
  return {};
}

}  // namespace cvault::cli
