#include "domain/value_json.h"

#include <optional>
#include <string>
#include <utility>

namespace cvault::domain {
namespace {

using nlohmann::json;

json Time(Timestamp t) { return FormatTimestamp(t); }
json OptionalTime(const std::optional<Timestamp>& t) {
  return t ? Time(*t) : json(nullptr);
}
json OptionalText(const std::optional<std::string>& s) {
  return s ? json(*s) : json(nullptr);
}

}  // namespace

json ProductJson(const Product& p) {
  return {{"kind", ProductKindName(p.kind)}, {"sku", p.sku}};
}

json ConsentEventJson(const ConsentEvent& e) {
  return {{"event_id", e.event_id},
          {"consent_id", e.consent_id},
          {"type", ConsentEventTypeName(e.type)},
          {"time", Time(e.time)},
          {"expires_at", OptionalTime(e.expires_at)},
          {"previous_event_id",
           e.previous_event_id.empty() ? json(nullptr) : json(e.previous_event_id)},
          {"controller", e.controller},
          {"jurisdiction", e.jurisdiction},
          {"purpose", e.purpose},
          {"purpose_category", e.purpose_category},
          {"legal_basis", e.legal_basis},
          {"consent_type", ConsentTypeName(e.consent_type)},
          {"pii_categories", e.pii_categories},
          {"third_parties", e.third_parties},
          {"notice_id", e.notice_id},
          {"notice_version", e.notice_version},
          {"notice_sha256", e.notice_sha256},
          {"language", e.language},
          {"collection_method", e.collection_method},
          {"channel", e.channel},
          {"actor", e.actor}};
}

json TicketJson(const Ticket& t) {
  json attempts = json::array();
  for (const FixAttempt& a : t.attempts) {
    attempts.push_back(
        {{"at", Time(a.at)}, {"outcome", FixOutcomeName(a.outcome)}, {"note", a.note}});
  }
  json replies = json::array();
  for (Timestamp reply : t.customer_replies) replies.push_back(Time(reply));
  return {{"ticket_id", t.ticket_id},
          {"product", ProductJson(t.product)},
          {"summary", t.summary},
          {"substantial", t.substantial},
          {"opened_at", Time(t.opened_at)},
          {"state", TicketStateName(t.state)},
          {"resolved_at", OptionalTime(t.resolved_at)},
          {"attempts", std::move(attempts)},
          {"customer_replies", std::move(replies)}};
}

json AssessmentJson(const EligibilityDecision& d) {
  const EligibilityEvidence& e = d.evidence;
  return {{"decision", EligibilityName(d.decision)},
          {"reasons", d.reasons},
          {"assessed_at", Time(d.assessed_at)},
          {"evidence",
           {{"ticket_ids", e.ticket_ids},
            {"substantial_ticket_ids", e.substantial_ticket_ids},
            {"fix_attempts", e.fix_attempts},
            {"support_declared_unfixable", e.support_declared_unfixable},
            {"clock_ticket_id", e.clock_ticket_id},
            {"clock_started_at", OptionalTime(e.clock_started_at)},
            {"days_waiting_on_customer", e.days_waiting_on_customer},
            {"days_counted", e.days_counted},
            {"reasonable_timeframe_days", e.reasonable_timeframe_days},
            {"purchase_id", e.purchase_id},
            {"policy_version_shown", e.policy_version_shown},
            {"requirements_shown", e.requirements_shown},
            {"withdrawal_right", e.withdrawal_right},
            {"withdrawal_waiver_given", e.withdrawal_waiver_given}}}};
}

json PaymentJson(const PaymentReference& p) {
  return {{"processor", ProcessorName(p.processor)},
          {"charge_id", OptionalText(p.charge_id)},
          {"payment_intent_id", OptionalText(p.payment_intent_id)},
          {"refund_id", OptionalText(p.refund_id)},
          {"capture_id", OptionalText(p.capture_id)},
          {"amount_minor", p.amount_minor},
          {"currency", p.currency}};
}

json PurchaseJson(const PurchaseRecord& p) {
  json waiver = p.withdrawal_waiver ? json{{"at", Time(p.withdrawal_waiver->at)},
                                           {"method", p.withdrawal_waiver->method}}
                                    : json(nullptr);
  return {{"purchase_id", p.purchase_id},
          {"order_ref", p.order_ref},
          {"product", ProductJson(p.product)},
          {"charge", PaymentJson(p.charge)},
          {"policy_version", p.policy_version},
          {"requirements_shown", p.requirements_shown},
          {"system_requirements", p.system_requirements},
          {"purchased_at", Time(p.purchased_at)},
          {"withdrawal_right", p.withdrawal_right},
          {"withdrawal_waiver", std::move(waiver)},
          {"recorded_at", Time(p.recorded_at)}};
}

json RefundCaseJson(const RefundCase& c) {
  json history = json::array();
  for (const StatusChange& h : c.history) {
    history.push_back({{"from", RefundStatusName(h.from)},
                       {"to", RefundStatusName(h.to)},
                       {"at", Time(h.at)},
                       {"actor", h.actor},
                       {"note", h.note}});
  }
  json payments = json::array();
  for (const PaymentReference& p : c.payments) payments.push_back(PaymentJson(p));
  json notices = json::array();
  for (const CustomerNotice& n : c.notices) {
    notices.push_back(
        {{"channel", n.channel}, {"template_id", n.template_id}, {"at", Time(n.at)}});
  }
  return {{"case_id", c.case_id},
          {"order_ref", c.order_ref},
          {"product", ProductJson(c.product)},
          {"reason", RefundReasonName(c.reason)},
          {"ticket_ids", c.ticket_ids},
          {"status", RefundStatusName(c.status)},
          {"opened_at", Time(c.opened_at)},
          {"history", std::move(history)},
          {"payments", std::move(payments)},
          {"notices", std::move(notices)},
          {"assessment",
           c.last_assessment ? AssessmentJson(*c.last_assessment) : json(nullptr)},
          {"processing_due_at", OptionalTime(c.processing_due_at)},
          {"next_update_due_at", OptionalTime(c.next_update_due_at)}};
}

}  // namespace cvault::domain
