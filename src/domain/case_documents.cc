#include "domain/case_documents.h"

#include <sodium.h>

#include <nlohmann/json.hpp>

#include "domain/card_screen.h"
#include "domain/random_id.h"

namespace cvault::domain {
namespace {

using nlohmann::json;

constexpr std::string_view kTable = "cases";
constexpr std::string_view kColumn = "document";

std::int64_t Us(Timestamp t) { return t.time_since_epoch().count(); }
Timestamp At(std::int64_t us) { return Timestamp(std::chrono::microseconds(us)); }

json OptionalTime(const std::optional<Timestamp>& t) {
  return t ? json(Us(*t)) : json(nullptr);
}
std::optional<Timestamp> ReadOptionalTime(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number_integer()) return std::nullopt;
  return At(it->get<std::int64_t>());
}
json OptionalText(const std::optional<std::string>& s) {
  return s ? json(*s) : json(nullptr);
}
std::optional<std::string> ReadOptionalText(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

json ProductJson(const Product& p) {
  return {{"kind", ProductKindName(p.kind)}, {"sku", p.sku}};
}
Product ReadProduct(const json& j) {
  Product p;
  p.kind = ParseProductKind(j.value("kind", "")).value_or(ProductKind::kSoftware);
  p.sku = j.value("sku", "");
  return p;
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
PaymentReference ReadPayment(const json& p) {
  PaymentReference ref;
  ref.processor = ParseProcessor(p.value("processor", "")).value_or(Processor::kOther);
  ref.charge_id = ReadOptionalText(p, "charge_id");
  ref.payment_intent_id = ReadOptionalText(p, "payment_intent_id");
  ref.refund_id = ReadOptionalText(p, "refund_id");
  ref.capture_id = ReadOptionalText(p, "capture_id");
  ref.amount_minor = p.value("amount_minor", std::int64_t{0});
  ref.currency = p.value("currency", "");
  return ref;
}

// The customer, or the retention hold that owns the record after the
// customer's erasure.
Status ReadOwner(const store::CaseRow& row, CustomerId& customer, std::string& hold) {
  if (IsHoldId(row.customer_id)) {
    hold = row.customer_id;
    return Status::Ok();
  }
  CVAULT_ASSIGN_OR_RETURN(customer, CustomerId::Parse(row.customer_id));
  return Status::Ok();
}

crypto::FieldBinding Binding(const store::CaseRow& row) {
  return {kTable, kColumn, row.case_id, row.customer_id};
}

StatusOr<store::Bytes> Seal(const crypto::FieldCipher& cipher, const store::CaseRow& row,
                            const json& doc) {
  std::string plain = doc.dump();
  auto sealed = cipher.Encrypt(crypto::AsBytes(plain), Binding(row));
  sodium_memzero(plain.data(), plain.size());
  return sealed;
}

StatusOr<json> Open(const crypto::FieldCipher& cipher, const store::CaseRow& row) {
  auto plain = cipher.Decrypt(row.document, Binding(row));
  if (!plain) return Error(plain.error().WithContext("case document"));
  json doc = json::parse(plain->RevealAsText(), nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return Error(Status::Integrity("case document: decrypted but not well-formed"));
  }
  return doc;
}

json DecisionJson(const EligibilityDecision& d) {
  const EligibilityEvidence& e = d.evidence;
  return {{"decision", EligibilityName(d.decision)},
          {"reasons", d.reasons},
          {"assessed_at_us", Us(d.assessed_at)},
          {"assessed_by", d.assessed_by},
          {"evidence",
           {{"ticket_ids", e.ticket_ids},
            {"substantial_ticket_ids", e.substantial_ticket_ids},
            {"fix_attempts", e.fix_attempts},
            {"support_declared_unfixable", e.support_declared_unfixable},
            {"clock_ticket_id", e.clock_ticket_id},
            {"clock_started_at_us", OptionalTime(e.clock_started_at)},
            {"days_waiting_on_customer", e.days_waiting_on_customer},
            {"days_counted", e.days_counted},
            {"reasonable_timeframe_days", e.reasonable_timeframe_days},
            {"purchase_id", e.purchase_id},
            {"policy_version_shown", e.policy_version_shown},
            {"requirements_shown", e.requirements_shown},
            {"withdrawal_right", e.withdrawal_right},
            {"withdrawal_waiver_given", e.withdrawal_waiver_given}}}};
}

EligibilityDecision ReadDecision(const json& j) {
  EligibilityDecision d;
  std::string name = j.value("decision", "");
  d.decision = name == "eligible"       ? Eligibility::kEligible
               : name == "not_eligible" ? Eligibility::kNotEligible
                                        : Eligibility::kNotYet;
  d.reasons = j.value("reasons", std::vector<std::string>{});
  d.assessed_at = At(j.value("assessed_at_us", std::int64_t{0}));
  d.assessed_by = j.value("assessed_by", "");
  const json& e = j.contains("evidence") ? j.at("evidence") : json::object();
  d.evidence.ticket_ids = e.value("ticket_ids", std::vector<std::string>{});
  d.evidence.substantial_ticket_ids =
      e.value("substantial_ticket_ids", std::vector<std::string>{});
  d.evidence.fix_attempts = e.value("fix_attempts", 0);
  d.evidence.support_declared_unfixable = e.value("support_declared_unfixable", false);
  d.evidence.clock_ticket_id = e.value("clock_ticket_id", "");
  d.evidence.clock_started_at = ReadOptionalTime(e, "clock_started_at_us");
  d.evidence.days_waiting_on_customer =
      e.value("days_waiting_on_customer", std::int64_t{0});
  d.evidence.days_counted = e.value("days_counted", std::int64_t{0});
  d.evidence.reasonable_timeframe_days = e.value("reasonable_timeframe_days", 0);
  d.evidence.purchase_id = e.value("purchase_id", "");
  d.evidence.policy_version_shown = e.value("policy_version_shown", "");
  d.evidence.requirements_shown = e.value("requirements_shown", false);
  d.evidence.withdrawal_right = e.value("withdrawal_right", false);
  d.evidence.withdrawal_waiver_given = e.value("withdrawal_waiver_given", false);
  return d;
}

}  // namespace

Status ValidateSku(std::string_view sku) {
  // First, so that a card number is refused as such.
  CVAULT_RETURN_IF_ERROR(ScreenForCardNumber("sku", sku));
  bool ok = !sku.empty() && sku.size() <= 64;
  for (char c : sku) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-' || c == '/');
  }
  if (!ok)
    return Status::InvalidArgument("sku: 1-64 letters, digits and . _ - / required");
  return Status::Ok();
}

std::string NewTicketId() { return NewRandomId("tkt_"); }
std::string NewRefundCaseId() { return NewRandomId("rfd_"); }
std::string NewPurchaseId() { return NewRandomId("pur_"); }
std::string NewHoldId() { return NewRandomId(kHoldIdPrefix); }

bool IsHoldId(std::string_view owner) { return owner.starts_with(kHoldIdPrefix); }

StatusOr<store::Bytes> SealTicket(const crypto::FieldCipher& cipher,
                                  const store::CaseRow& row, const Ticket& t) {
  json attempts = json::array();
  for (const FixAttempt& a : t.attempts) {
    attempts.push_back(
        {{"at_us", Us(a.at)}, {"outcome", FixOutcomeName(a.outcome)}, {"note", a.note}});
  }
  json replies = json::array();
  for (Timestamp reply : t.customer_replies) replies.push_back(Us(reply));
  json doc = {{"product", ProductJson(t.product)},
              {"summary", t.summary},
              {"substantial", t.substantial},
              {"resolved_at_us", OptionalTime(t.resolved_at)},
              {"attempts", attempts},
              {"customer_replies_us", replies}};
  return Seal(cipher, row, doc);
}

StatusOr<Ticket> OpenTicket(const crypto::FieldCipher& cipher,
                            const store::CaseRow& row) {
  CVAULT_ASSIGN_OR_RETURN(json doc, Open(cipher, row));
  Ticket t;
  t.ticket_id = row.case_id;
  CVAULT_ASSIGN_OR_RETURN(t.customer, CustomerId::Parse(row.customer_id));
  t.product = ReadProduct(doc.value("product", json::object()));
  t.summary = doc.value("summary", "");
  t.substantial = doc.value("substantial", false);
  t.opened_at = At(row.opened_at_us);
  t.state = row.status == "fixed"       ? TicketState::kFixed
            : row.status == "unfixable" ? TicketState::kUnfixable
                                        : TicketState::kOpen;
  t.resolved_at = ReadOptionalTime(doc, "resolved_at_us");
  for (const json& a : doc.value("attempts", json::array())) {
    FixAttempt attempt;
    attempt.at = At(a.value("at_us", std::int64_t{0}));
    attempt.outcome =
        ParseFixOutcome(a.value("outcome", "")).value_or(FixOutcome::kNotFixed);
    attempt.note = a.value("note", "");
    t.attempts.push_back(std::move(attempt));
  }
  for (const json& reply : doc.value("customer_replies_us", json::array())) {
    if (reply.is_number_integer()) t.customer_replies.push_back(At(reply.get<std::int64_t>()));
  }
  return t;
}

StatusOr<store::Bytes> SealRefundCase(const crypto::FieldCipher& cipher,
                                      const store::CaseRow& row, const RefundCase& c) {
  json history = json::array();
  for (const StatusChange& h : c.history) {
    history.push_back({{"from", RefundStatusName(h.from)},
                       {"to", RefundStatusName(h.to)},
                       {"at_us", Us(h.at)},
                       {"actor", h.actor},
                       {"note", h.note}});
  }
  json payments = json::array();
  for (const PaymentReference& p : c.payments) payments.push_back(PaymentJson(p));
  json notices = json::array();
  for (const CustomerNotice& n : c.notices) {
    notices.push_back(
        {{"channel", n.channel}, {"template_id", n.template_id}, {"at_us", Us(n.at)}});
  }
  json doc = {{"order_ref", c.order_ref},
              {"product", ProductJson(c.product)},
              {"reason", RefundReasonName(c.reason)},
              {"ticket_ids", c.ticket_ids},
              {"history", history},
              {"payments", payments},
              {"notices", notices},
              {"deciders", c.deciders},
              {"decision_notice_owed", c.decision_notice_owed},
              {"assessment",
               c.last_assessment ? DecisionJson(*c.last_assessment) : json(nullptr)}};
  return Seal(cipher, row, doc);
}

StatusOr<RefundCase> OpenRefundCase(const crypto::FieldCipher& cipher,
                                    const store::CaseRow& row) {
  CVAULT_ASSIGN_OR_RETURN(json doc, Open(cipher, row));
  RefundCase c;
  c.case_id = row.case_id;
  CVAULT_RETURN_IF_ERROR(ReadOwner(row, c.customer, c.retention_hold));
  c.order_ref = doc.value("order_ref", "");
  c.product = ReadProduct(doc.value("product", json::object()));
  c.reason = ParseRefundReason(doc.value("reason", "")).value_or(RefundReason::kOther);
  c.ticket_ids = doc.value("ticket_ids", std::vector<std::string>{});
  c.status = ParseRefundStatus(row.status).value_or(RefundStatus::kRequested);
  c.opened_at = At(row.opened_at_us);
  for (const json& h : doc.value("history", json::array())) {
    StatusChange change;
    change.from =
        ParseRefundStatus(h.value("from", "")).value_or(RefundStatus::kRequested);
    change.to = ParseRefundStatus(h.value("to", "")).value_or(RefundStatus::kRequested);
    change.at = At(h.value("at_us", std::int64_t{0}));
    change.actor = h.value("actor", "");
    change.note = h.value("note", "");
    c.history.push_back(std::move(change));
  }
  for (const json& p : doc.value("payments", json::array())) {
    c.payments.push_back(ReadPayment(p));
  }
  for (const json& n : doc.value("notices", json::array())) {
    c.notices.push_back({n.value("channel", ""), n.value("template_id", ""),
                         At(n.value("at_us", std::int64_t{0}))});
  }
  c.deciders = doc.value("deciders", std::vector<std::string>{});
  c.decision_notice_owed = doc.value("decision_notice_owed", false);
  auto assessment = doc.find("assessment");
  if (assessment != doc.end() && assessment->is_object()) {
    c.last_assessment = ReadDecision(*assessment);
  }
  if (row.processing_due_at_us) c.processing_due_at = At(*row.processing_due_at_us);
  if (row.update_due_at_us) c.next_update_due_at = At(*row.update_due_at_us);
  return c;
}

StatusOr<store::Bytes> SealPurchase(const crypto::FieldCipher& cipher,
                                    const store::CaseRow& row, const PurchaseRecord& p) {
  json waiver = p.withdrawal_waiver ? json{{"at_us", Us(p.withdrawal_waiver->at)},
                                           {"method", p.withdrawal_waiver->method}}
                                    : json(nullptr);
  json doc = {{"order_ref", p.order_ref},
              {"product", ProductJson(p.product)},
              {"charge", PaymentJson(p.charge)},
              {"policy_version", p.policy_version},
              {"requirements_shown", p.requirements_shown},
              {"system_requirements", p.system_requirements},
              {"withdrawal_right", p.withdrawal_right},
              {"withdrawal_waiver", waiver},
              {"recorded_at_us", Us(p.recorded_at)},
              {"recorded_by", p.recorded_by}};
  return Seal(cipher, row, doc);
}

StatusOr<PurchaseRecord> OpenPurchase(const crypto::FieldCipher& cipher,
                                      const store::CaseRow& row) {
  CVAULT_ASSIGN_OR_RETURN(json doc, Open(cipher, row));
  PurchaseRecord p;
  p.purchase_id = row.case_id;
  CVAULT_RETURN_IF_ERROR(ReadOwner(row, p.customer, p.retention_hold));
  p.order_ref = doc.value("order_ref", "");
  p.product = ReadProduct(doc.value("product", json::object()));
  p.charge = ReadPayment(doc.value("charge", json::object()));
  p.policy_version = doc.value("policy_version", "");
  p.requirements_shown = doc.value("requirements_shown", false);
  p.system_requirements = doc.value("system_requirements", "");
  p.withdrawal_right = doc.value("withdrawal_right", false);
  auto waiver = doc.find("withdrawal_waiver");
  if (waiver != doc.end() && waiver->is_object()) {
    p.withdrawal_waiver = WithdrawalWaiver{At(waiver->value("at_us", std::int64_t{0})),
                                           waiver->value("method", "")};
  }
  p.purchased_at = At(row.opened_at_us);
  p.recorded_at = At(doc.value("recorded_at_us", row.updated_at_us));
  p.recorded_by = doc.value("recorded_by", "");
  return p;
}

}  // namespace cvault::domain
