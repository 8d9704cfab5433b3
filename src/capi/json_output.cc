#include "capi/json_output.h"

#include <nlohmann/json.hpp>
#include <optional>

#include "domain/value_json.h"

namespace cvault::capi {
namespace {

using Json = nlohmann::json;

Json When(const std::optional<Timestamp>& time) {
  return time ? Json(FormatTimestamp(*time)) : Json(nullptr);
}

Json FieldNames(std::span<const CustomerField> fields) {
  Json names = Json::array();
  for (CustomerField field : fields) names.push_back(FieldName(field));
  return names;
}

// The export's shape, plus the customer it belongs to.
Json EventObject(const ConsentEvent& event) {
  Json out = domain::ConsentEventJson(event);
  out["customer_id"] = event.customer.str();
  return out;
}

}  // namespace

std::string IdsJson(std::span<const CustomerId> ids) {
  Json out = Json::array();
  for (const CustomerId& id : ids) out.push_back(id.str());
  return out.dump();
}

std::string CustomerRecordJson(const CustomerRecord& record) {
  Json fields = Json::object();
  for (const auto& [field, value] : record.fields) fields[FieldName(field)] = value;
  Json out = {{"customer_id", record.id.str()},
              {"fields", std::move(fields)},
              {"masked", FieldNames(record.masked)},
              {"withheld", FieldNames(record.withheld)},
              {"restricted", record.restricted},
              {"created_at", FormatTimestamp(record.created_at)},
              {"updated_at", FormatTimestamp(record.updated_at)}};
  return out.dump();
}

std::string NoticeJson(const Notice& notice) {
  Json out = {{"notice_id", notice.notice_id},
              {"version", notice.version},
              {"text_sha256", notice.text_sha256},
              {"registered_at", FormatTimestamp(notice.registered_at)}};
  return out.dump();
}

std::string ConsentEventJson(const ConsentEvent& event) {
  return EventObject(event).dump();
}

std::string ConsentEventsJson(std::span<const ConsentEvent> events) {
  Json out = Json::array();
  for (const ConsentEvent& event : events) out.push_back(EventObject(event));
  return out.dump();
}

std::string ConsentStatesJson(std::span<const ConsentState> states) {
  Json out = Json::array();
  for (const ConsentState& s : states) {
    out.push_back({{"purpose", s.purpose},
                   {"status", ConsentStatusName(s.status)},
                   {"since", When(s.since)},
                   {"expires_at", When(s.expires_at)},
                   {"consent_id", s.consent_id}});
  }
  return out.dump();
}

std::string TicketJson(const Ticket& ticket) {
  Json out = domain::TicketJson(ticket);
  out["customer_id"] = ticket.customer.str();
  return out.dump();
}

std::string EligibilityJson(const EligibilityDecision& decision) {
  return domain::AssessmentJson(decision).dump();
}

std::string RefundCaseJson(const RefundCase& refund) {
  Json out = domain::RefundCaseJson(refund);
  out["customer_id"] = refund.customer.str();
  out["retention_hold"] = refund.retention_hold;
  out["deciders"] = refund.deciders;
  out["decision_notice_owed"] = refund.decision_notice_owed;
  return out.dump();
}

std::string OverdueJson(std::span<const OverdueCase> cases) {
  Json out = Json::array();
  for (const OverdueCase& c : cases) {
    out.push_back({{"case_id", c.case_id},
                   {"status", RefundStatusName(c.status)},
                   {"processing_overdue", c.processing_overdue},
                   {"update_owed", c.update_owed},
                   {"decision_notice_owed", c.decision_notice_owed},
                   {"processing_due_at", When(c.processing_due_at)},
                   {"next_update_due_at", When(c.next_update_due_at)}});
  }
  return out.dump();
}

std::string ErasureJson(const ErasureResult& result) {
  Json groups = Json::array();
  for (const GroupErasure& g : result.groups) {
    groups.push_back({{"group", g.group},
                      {"outcome", ErasureOutcomeName(g.outcome)},
                      {"records", g.records},
                      {"legal_reason", g.legal_reason},
                      {"retained_until", When(g.retained_until)},
                      {"hold_id", g.hold_id}});
  }
  Json out = {{"erasure_id", result.erasure_id},
              {"customer_id", result.customer.str()},
              {"erased_at", FormatTimestamp(result.erased_at)},
              {"groups", std::move(groups)}};
  return out.dump();
}

std::string PurgeJson(const PurgeResult& result) {
  Json out = {{"erasures_swept", result.erasures_swept},
              {"rows_swept", result.rows_swept},
              {"holds_expired", result.holds_expired},
              {"records_shredded", result.records_shredded},
              {"consents_expired", result.consents_expired},
              {"orphan_keys_removed", result.orphan_keys_removed}};
  return out.dump();
}

std::string AuditVerifyJson(const AuditVerifyReport& report) {
  Json out = {
      {"ok", report.ok},
      {"entries_checked", report.entries_checked},
      {"checkpoints_checked", report.checkpoints_checked},
      {"head_sequence", report.head_sequence},
      {"first_bad_sequence",
       report.first_bad_sequence ? Json(*report.first_bad_sequence) : Json(nullptr)},
      {"problem", report.problem}};
  return out.dump();
}

std::string ExportVerificationJson(const ExportVerification& v) {
  Json out = {{"ok", v.ok},
              {"export_id", v.export_id},
              {"customer_id", v.customer_id},
              {"generated_at", v.generated_at},
              {"sections_verified", v.sections_verified},
              {"failed_part", v.failed_part},
              {"problem", v.problem}};
  return out.dump();
}

}  // namespace cvault::capi
