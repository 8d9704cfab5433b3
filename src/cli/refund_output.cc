#include "cli/refund_output.h"

#include <fmt/format.h>

#include <optional>
#include <vector>

#include "domain/currency.h"

namespace cvault::cli {
namespace {

Json OptionalText(const std::optional<std::string>& text) {
  if (!text) return nullptr;
  return *text;
}

// Free text on one labelled line: later lines are indented under the first.
std::string Continued(std::string text, std::string_view indent) {
  std::string continuation = fmt::format("\n{}", indent);
  for (std::size_t pos = 0; (pos = text.find('\n', pos)) != std::string::npos;) {
    text.replace(pos, 1, continuation);
    pos += continuation.size();
  }
  return text;
}

std::string YesNo(bool value) { return value ? "yes" : "no"; }

}  // namespace

std::string FormatMoney(std::int64_t amount_minor, std::string_view currency) {
  std::optional<int> exponent = domain::CurrencyExponent(currency);
  if (!exponent) return fmt::format("{} {} (minor units)", amount_minor, currency);
  if (*exponent == 0) return fmt::format("{} {}", amount_minor, currency);
  std::int64_t scale = 1;
  for (int i = 0; i < *exponent; ++i) scale *= 10;
  std::uint64_t magnitude = amount_minor < 0
                                ? 0 - static_cast<std::uint64_t>(amount_minor)
                                : static_cast<std::uint64_t>(amount_minor);
  auto unsigned_scale = static_cast<std::uint64_t>(scale);
  return fmt::format("{}{}.{:0{}} {}", amount_minor < 0 ? "-" : "",
                     magnitude / unsigned_scale, magnitude % unsigned_scale, *exponent,
                     currency);
}

Json ProductToJson(const Product& product) {
  return {{"kind", ProductKindName(product.kind)}, {"sku", product.sku}};
}

std::string FormatProduct(const Product& product) {
  return fmt::format("{} {}", ProductKindName(product.kind), product.sku);
}

Json TicketToJson(const Ticket& ticket) {
  Json attempts = Json::array();
  for (const FixAttempt& attempt : ticket.attempts) {
    attempts.push_back({{"at", FormatTimestamp(attempt.at)},
                        {"outcome", FixOutcomeName(attempt.outcome)},
                        {"note", attempt.note}});
  }
  Json replies = Json::array();
  for (Timestamp reply : ticket.customer_replies) replies.push_back(FormatTimestamp(reply));
  return {{"ticket_id", ticket.ticket_id},
          {"customer_id", ticket.customer.str()},
          {"product", ProductToJson(ticket.product)},
          {"summary", ticket.summary},
          {"substantial", ticket.substantial},
          {"opened_at", FormatTimestamp(ticket.opened_at)},
          {"state", TicketStateName(ticket.state)},
          {"resolved_at", TimeOrNull(ticket.resolved_at)},
          {"attempts", attempts},
          {"customer_replies", replies}};
}

std::string FormatTicket(const Ticket& ticket) {
  std::string out = fmt::format(
      "ticket {}: {}\n"
      "  customer:    {}\n"
      "  product:     {}\n"
      "  substantial: {}\n"
      "  opened:      {}\n"
      "  resolved:    {}\n"
      "  summary:     {}\n"
      "  attempts:    {}\n",
      ticket.ticket_id, TicketStateName(ticket.state), ticket.customer.str(),
      FormatProduct(ticket.product), YesNo(ticket.substantial),
      FormatTimestamp(ticket.opened_at), TimeOrDash(ticket.resolved_at),
      Continued(ticket.summary, "               "), ticket.attempts.size());
  for (const FixAttempt& attempt : ticket.attempts) {
    std::string note =
        attempt.note.empty() ? "" : ": " + Continued(attempt.note, std::string(6, ' '));
    out += fmt::format("    {} {}{}\n", FormatTimestamp(attempt.at),
                       FixOutcomeName(attempt.outcome), note);
  }
  for (Timestamp reply : ticket.customer_replies) {
    out += fmt::format("    {} customer replied\n", FormatTimestamp(reply));
  }
  return out;
}

Json DecisionToJson(const EligibilityDecision& decision) {
  const EligibilityEvidence& e = decision.evidence;
  Json evidence = {{"ticket_ids", e.ticket_ids},
                   {"substantial_ticket_ids", e.substantial_ticket_ids},
                   {"fix_attempts", e.fix_attempts},
                   {"support_declared_unfixable", e.support_declared_unfixable},
                   {"clock_ticket_id", e.clock_ticket_id},
                   {"clock_started_at", TimeOrNull(e.clock_started_at)},
                   {"days_waiting_on_customer", e.days_waiting_on_customer},
                   {"days_counted", e.days_counted},
                   {"reasonable_timeframe_days", e.reasonable_timeframe_days},
                   {"purchase_id", e.purchase_id.empty() ? Json(nullptr) : Json(e.purchase_id)},
                   {"policy_version_shown", e.policy_version_shown},
                   {"requirements_shown", e.requirements_shown},
                   {"withdrawal_right", e.withdrawal_right},
                   {"withdrawal_waiver_given", e.withdrawal_waiver_given}};
  return {{"decision", EligibilityName(decision.decision)},
          {"reasons", decision.reasons},
          {"evidence", evidence},
          {"assessed_at", FormatTimestamp(decision.assessed_at)},
          {"assessed_by", decision.assessed_by}};
}

std::string FormatDecision(const EligibilityDecision& decision, std::string_view indent) {
  const EligibilityEvidence& e = decision.evidence;
  return fmt::format(
      "{0}decision:    {1}\n"
      "{0}reasons:     {2}\n"
      "{0}assessed at: {3}\n"
      "{0}tickets:     {4} (substantial: {5})\n"
      "{0}fix attempts on substantial tickets: {6}\n"
      "{0}support declared unfixable: {7}\n"
      "{0}clock runs on: {8}, opened {9}\n"
      "{0}days counted: {10} (waiting on the customer: {11}; reasonable timeframe: "
      "{12} days)\n"
      "{0}purchase record: {13}\n",
      indent, EligibilityName(decision.decision), JoinOrDash(decision.reasons, ", "),
      FormatTimestamp(decision.assessed_at), JoinOrDash(e.ticket_ids, ", "),
      JoinOrDash(e.substantial_ticket_ids, ", "), e.fix_attempts,
      YesNo(e.support_declared_unfixable),
      e.clock_ticket_id.empty() ? "-" : e.clock_ticket_id, TimeOrDash(e.clock_started_at),
      e.days_counted, e.days_waiting_on_customer, e.reasonable_timeframe_days,
      e.purchase_id.empty()
          ? std::string("none")
          : fmt::format("{} (policy version {}; requirements shown: {}; withdrawal "
                        "right: {}; waiver given: {})",
                        e.purchase_id, e.policy_version_shown, YesNo(e.requirements_shown),
                        YesNo(e.withdrawal_right), YesNo(e.withdrawal_waiver_given)));
}

Json PurchaseToJson(const PurchaseRecord& purchase) {
  Json waiver = nullptr;
  if (purchase.withdrawal_waiver) {
    waiver = {{"at", FormatTimestamp(purchase.withdrawal_waiver->at)},
              {"method", purchase.withdrawal_waiver->method}};
  }
  return {{"purchase_id", purchase.purchase_id},
          {"customer_id", purchase.customer.str()},
          {"retention_hold", purchase.retention_hold},
          {"order_ref", purchase.order_ref},
          {"product", ProductToJson(purchase.product)},
          {"charge", PaymentToJson(purchase.charge)},
          {"policy_version", purchase.policy_version},
          {"requirements_shown", purchase.requirements_shown},
          {"system_requirements", purchase.system_requirements},
          {"purchased_at", FormatTimestamp(purchase.purchased_at)},
          {"withdrawal_right", purchase.withdrawal_right},
          {"withdrawal_waiver", waiver},
          {"recorded_at", FormatTimestamp(purchase.recorded_at)},
          {"recorded_by", purchase.recorded_by}};
}

std::string FormatPurchase(const PurchaseRecord& purchase) {
  std::string waiver = "not given";
  if (purchase.withdrawal_waiver) {
    waiver = fmt::format("given {} ({})", FormatTimestamp(purchase.withdrawal_waiver->at),
                         purchase.withdrawal_waiver->method);
  }
  return fmt::format(
      "{} order {}: {}\n"
      "  purchased at:   {}\n"
      "  charge:         {}\n"
      "  policy version: {}\n"
      "  requirements:   {}\n"
      "  withdrawal right: {}; waiver {}\n"
      "  recorded at:    {} by {}\n",
      purchase.purchase_id, purchase.order_ref, FormatProduct(purchase.product),
      FormatTimestamp(purchase.purchased_at), FormatPayment(purchase.charge),
      purchase.policy_version,
      purchase.requirements_shown
          ? Continued(purchase.system_requirements.empty() ? "shown"
                                                           : purchase.system_requirements,
                      "                  ")
          : std::string("not shown"),
      YesNo(purchase.withdrawal_right), waiver, FormatTimestamp(purchase.recorded_at),
      purchase.recorded_by);
}

Json PaymentToJson(const PaymentReference& payment) {
  return {{"processor", ProcessorName(payment.processor)},
          {"charge_id", OptionalText(payment.charge_id)},
          {"payment_intent_id", OptionalText(payment.payment_intent_id)},
          {"refund_id", OptionalText(payment.refund_id)},
          {"capture_id", OptionalText(payment.capture_id)},
          {"amount_minor", payment.amount_minor},
          {"currency", payment.currency},
          {"amount", FormatMoney(payment.amount_minor, payment.currency)}};
}

std::string FormatPayment(const PaymentReference& payment) {
  std::vector<std::string> ids;
  auto add = [&ids](const char* label, const std::optional<std::string>& id) {
    if (id) ids.push_back(fmt::format("{} {}", label, *id));
  };
  add("charge", payment.charge_id);
  add("payment intent", payment.payment_intent_id);
  add("refund", payment.refund_id);
  add("capture", payment.capture_id);
  return fmt::format("{} {}: {}", ProcessorName(payment.processor),
                     FormatMoney(payment.amount_minor, payment.currency),
                     JoinOrDash(ids, ", "));
}

Json RefundCaseToJson(const RefundCase& refund) {
  Json history = Json::array();
  for (const StatusChange& change : refund.history) {
    history.push_back({{"from", RefundStatusName(change.from)},
                       {"to", RefundStatusName(change.to)},
                       {"at", FormatTimestamp(change.at)},
                       {"actor", change.actor},
                       {"note", change.note}});
  }
  Json payments = Json::array();
  for (const PaymentReference& payment : refund.payments) {
    payments.push_back(PaymentToJson(payment));
  }
  Json notices = Json::array();
  for (const CustomerNotice& notice : refund.notices) {
    notices.push_back({{"channel", notice.channel},
                       {"template_id", notice.template_id},
                       {"at", FormatTimestamp(notice.at)}});
  }
  Json assessment = nullptr;
  if (refund.last_assessment) assessment = DecisionToJson(*refund.last_assessment);
  return {{"case_id", refund.case_id},
          {"customer_id", refund.customer.str()},
          {"order_ref", refund.order_ref},
          {"product", ProductToJson(refund.product)},
          {"reason", RefundReasonName(refund.reason)},
          {"ticket_ids", refund.ticket_ids},
          {"status", RefundStatusName(refund.status)},
          {"opened_at", FormatTimestamp(refund.opened_at)},
          {"history", history},
          {"payments", payments},
          {"notices", notices},
          {"last_assessment", assessment},
          {"processing_due_at", TimeOrNull(refund.processing_due_at)},
          {"next_update_due_at", TimeOrNull(refund.next_update_due_at)},
          {"decision_notice_owed", refund.decision_notice_owed},
          {"deciders", refund.deciders}};
}

std::string FormatRefundCase(const RefundCase& refund) {
  std::string out = fmt::format(
      "refund case {}: {}\n"
      "  customer:        {}\n"
      "  order:           {}\n"
      "  product:         {}\n"
      "  reason:          {}\n"
      "  tickets:         {}\n"
      "  opened:          {}\n"
      "  processing due:  {}\n"
      "  next update due: {}{}\n"
      "  decided by:      {}\n",
      refund.case_id, RefundStatusName(refund.status), refund.customer.str(),
      refund.order_ref, FormatProduct(refund.product), RefundReasonName(refund.reason),
      JoinOrDash(refund.ticket_ids, ", "), FormatTimestamp(refund.opened_at),
      TimeOrDash(refund.processing_due_at), TimeOrDash(refund.next_update_due_at),
      refund.decision_notice_owed ? " (the customer is owed a notice of the decision)" : "",
      JoinOrDash(refund.deciders, ", "));
  if (refund.last_assessment) {
    out += "  last assessment:\n" + FormatDecision(*refund.last_assessment, "    ");
  } else {
    out += "  last assessment: -\n";
  }
  out += fmt::format("  history: {}\n", refund.history.size());
  for (const StatusChange& change : refund.history) {
    out += fmt::format(
        "    {} {} -> {} by {}{}\n", FormatTimestamp(change.at),
        RefundStatusName(change.from), RefundStatusName(change.to), change.actor,
        change.note.empty() ? "" : ": " + Continued(change.note, "      "));
  }
  out += fmt::format("  payments: {}\n", refund.payments.size());
  for (const PaymentReference& payment : refund.payments) {
    out += fmt::format("    {}\n", FormatPayment(payment));
  }
  out += fmt::format("  notices: {}\n", refund.notices.size());
  for (const CustomerNotice& notice : refund.notices) {
    out += fmt::format("    {} {} {}\n", FormatTimestamp(notice.at), notice.channel,
                       notice.template_id);
  }
  return out;
}

Json OverdueCaseToJson(const OverdueCase& overdue) {
  return {{"case_id", overdue.case_id},
          {"status", RefundStatusName(overdue.status)},
          {"processing_overdue", overdue.processing_overdue},
          {"update_owed", overdue.update_owed},
          {"decision_notice_owed", overdue.decision_notice_owed},
          {"processing_due_at", TimeOrNull(overdue.processing_due_at)},
          {"next_update_due_at", TimeOrNull(overdue.next_update_due_at)}};
}

std::string FormatOverdueLine(const OverdueCase& overdue) {
  std::vector<std::string> late;
  if (overdue.processing_overdue) late.emplace_back("processing_overdue");
  if (overdue.update_owed) late.emplace_back("update_owed");
  if (overdue.decision_notice_owed) late.emplace_back("decision_notice_owed");
  return fmt::format("{} {:<12} {:<31} processing due {} update due {}", overdue.case_id,
                     RefundStatusName(overdue.status), JoinOrDash(late, ","),
                     TimeOrDash(overdue.processing_due_at),
                     TimeOrDash(overdue.next_update_due_at));
}

}  // namespace cvault::cli
