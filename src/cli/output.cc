#include "cli/output.h"

#include <fmt/format.h>

#include <cstdio>

#include "domain/value_json.h"

namespace cvault::cli {

void PrintJson(const Json& document) {
  std::string text = document.dump(2, ' ', false, Json::error_handler_t::replace);
  std::fprintf(stdout, "%s\n", text.c_str());
}

std::string JoinFieldNames(std::span<const CustomerField> fields) {
  std::vector<std::string> names;
  for (CustomerField f : fields) names.emplace_back(FieldName(f));
  return JoinOrDash(names, ", ");
}

std::string JoinOrDash(const std::vector<std::string>& items, std::string_view sep) {
  if (items.empty()) return "-";
  return fmt::format("{}", fmt::join(items, sep));
}

Json IdsToJson(std::span<const CustomerId> ids) {
  Json out = Json::array();
  for (const CustomerId& id : ids) out.push_back(id.str());
  return out;
}

Json RecordToJson(const CustomerRecord& record) {
  Json fields = Json::object();
  for (const auto& [field, value] : record.fields)
    fields[std::string(FieldName(field))] = value;
  Json masked = Json::array();
  for (CustomerField f : record.masked) masked.push_back(FieldName(f));
  Json withheld = Json::array();
  for (CustomerField f : record.withheld) withheld.push_back(FieldName(f));
  return {{"customer_id", record.id.str()},
          {"fields", fields},
          {"masked", masked},
          {"withheld", withheld},
          {"restricted", record.restricted}};
}

std::string FormatRecord(const CustomerRecord& record, std::string_view indent) {
  std::string out;
  for (const auto& [field, value] : record.fields) {
    std::string shown = value;
    std::string continuation = fmt::format("\n{}  ", indent);
    for (std::size_t pos = 0; (pos = shown.find('\n', pos)) != std::string::npos;) {
      shown.replace(pos, 1, continuation);
      pos += continuation.size();
    }
    out += fmt::format("{}{}: {}\n", indent, FieldName(field), shown);
  }
  if (!record.masked.empty()) {
    out += fmt::format("{}masked: {}\n", indent, JoinFieldNames(record.masked));
  }
  if (!record.withheld.empty()) {
    out += fmt::format("{}withheld: {}\n", indent, JoinFieldNames(record.withheld));
  }
  if (record.restricted) {
    out += fmt::format("{}restricted: processing is restricted (GDPR Art. 18)\n", indent);
  }
  return out;
}

Json AuditEntryToJson(const AuditEntry& e) {
  return {{"sequence", e.sequence},
          {"time", FormatTimestamp(e.time)},
          {"principal_id", e.principal_id},
          {"role", e.role},
          {"action", e.action},
          {"purpose", e.purpose},
          {"subject", e.subject},
          {"fields_requested", e.fields_requested},
          {"fields_returned", e.fields_returned},
          {"decision", e.decision},
          {"reason_code", e.reason_code},
          {"request_id", e.request_id},
          {"previous_hash", e.previous_hash},
          {"entry_hash", e.entry_hash}};
}

std::string FormatAuditLine(const AuditEntry& e) {
  return fmt::format("{:>6} {} {} {} {} {} {} {} requested={} returned={}", e.sequence,
                     FormatTimestamp(e.time), e.principal_id, e.role, e.action, e.purpose,
                     e.decision, e.reason_code, JoinOrDash(e.fields_requested),
                     JoinOrDash(e.fields_returned));
}

Json VerifyReportToJson(const AuditVerifyReport& report) {
  Json first_bad = nullptr;
  if (report.first_bad_sequence) first_bad = *report.first_bad_sequence;
  return {{"ok", report.ok},
          {"entries_checked", report.entries_checked},
          {"checkpoints_checked", report.checkpoints_checked},
          {"head_sequence", report.head_sequence},
          {"first_bad_sequence", first_bad},
          {"problem", report.problem}};
}

Json CheckpointSummaryToJson(const AuditCheckpoint& checkpoint) {
  return {{"sequence", checkpoint.sequence},
          {"head_hash", checkpoint.head_hash},
          {"time", FormatTimestamp(checkpoint.time)},
          {"public_key", checkpoint.public_key}};
}

Json TimeOrNull(const std::optional<Timestamp>& time) {
  if (!time) return nullptr;
  return FormatTimestamp(*time);
}

std::string TimeOrDash(const std::optional<Timestamp>& time) {
  return time ? FormatTimestamp(*time) : "-";
}

// The export's shape (domain/value_json.h), plus the customer it belongs to.
Json ConsentEventToJson(const ConsentEvent& e) {
  Json out = domain::ConsentEventJson(e);
  out["customer_id"] = e.customer.str();
  return out;
}

std::string FormatConsentReceipt(const ConsentEvent& e) {
  return fmt::format(
      "consent {}: {} for {}\n"
      "  consent: {} (event {})\n"
      "  time:    {}\n"
      "  expires: {}\n"
      "  notice:  {}@{} (sha256 {})\n"
      "  how:     {} via {}, by {}\n",
      ConsentEventTypeName(e.type), e.customer.str(), e.purpose, e.consent_id, e.event_id,
      FormatTimestamp(e.time), TimeOrDash(e.expires_at), e.notice_id, e.notice_version,
      e.notice_sha256, e.collection_method, e.channel, e.actor);
}

std::string FormatConsentEventLine(const ConsentEvent& e) {
  return fmt::format("{} {:<9} {} {} {}@{} {} {} {}", FormatTimestamp(e.time),
                     ConsentEventTypeName(e.type), e.purpose, e.consent_id, e.notice_id,
                     e.notice_version, e.collection_method, e.channel, e.actor);
}

Json ConsentStateToJson(const ConsentState& state) {
  Json consent_id = nullptr;
  if (!state.consent_id.empty()) consent_id = state.consent_id;
  return {{"purpose", state.purpose},
          {"status", ConsentStatusName(state.status)},
          {"since", TimeOrNull(state.since)},
          {"expires_at", TimeOrNull(state.expires_at)},
          {"consent_id", consent_id}};
}

std::string FormatConsentStateLine(const ConsentState& state) {
  return fmt::format("{:<20} {:<11} since {:<27} expires {}", state.purpose,
                     ConsentStatusName(state.status), TimeOrDash(state.since),
                     TimeOrDash(state.expires_at));
}

Json ConsentReportToJson(const ConsentReport& report) {
  return {{"purpose", report.purpose}, {"as_of", FormatTimestamp(report.as_of)},
          {"active", report.active},   {"withdrawn", report.withdrawn},
          {"expired", report.expired}, {"never_given", report.never_given}};
}

Json NoticeToJson(const Notice& notice) {
  return {{"notice_id", notice.notice_id},
          {"version", notice.version},
          {"text_sha256", notice.text_sha256},
          {"registered_at", FormatTimestamp(notice.registered_at)}};
}

}  // namespace cvault::cli
