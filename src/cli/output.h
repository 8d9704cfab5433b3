// Output helpers for the cvault tool: JSON documents on stdout, and the plain
// forms of customer records, audit entries and consent records. Records are printed
// because the caller asked for them and the policy allowed it; nothing here logs.
#ifndef CVAULT_CLI_OUTPUT_H_
#define CVAULT_CLI_OUTPUT_H_

#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "cvault/audit.h"
#include "cvault/clock.h"
#include "cvault/consent.h"
#include "cvault/customer.h"

namespace cvault::cli {

// Keys in the order written, so documents read naturally.
using Json = nlohmann::ordered_json;

// Writes `document` to stdout, indented, with a trailing newline.
void PrintJson(const Json& document);

// "a, b, c", or "-" when empty.
std::string JoinFieldNames(std::span<const CustomerField> fields);
std::string JoinOrDash(const std::vector<std::string>& items, std::string_view sep = ",");

Json IdsToJson(std::span<const CustomerId> ids);

// {"customer_id", "fields": {...}, "masked": [...], "withheld": [...], "restricted"}
Json RecordToJson(const CustomerRecord& record);
// "field: value" lines (continuation lines of multi-line values indented),
// then the masked and withheld fields.
std::string FormatRecord(const CustomerRecord& record, std::string_view indent = "");

Json AuditEntryToJson(const AuditEntry& entry);
// One line: seq, time, principal, role, action, purpose, decision, reason,
// requested and returned fields.
std::string FormatAuditLine(const AuditEntry& entry);

Json VerifyReportToJson(const AuditVerifyReport& report);
Json CheckpointSummaryToJson(const AuditCheckpoint& checkpoint);

// ISO 8601 UTC (FormatTimestamp), or null / "-" when there is no time.
Json TimeOrNull(const std::optional<Timestamp>& time);
std::string TimeOrDash(const std::optional<Timestamp>& time);

// Every field of the event (the whole receipt), times in ISO 8601.
Json ConsentEventToJson(const ConsentEvent& event);
// A short receipt: what happened to which consent, when, under which notice,
// and how it was collected.
std::string FormatConsentReceipt(const ConsentEvent& event);
// One line: time, type, purpose, consent id, notice id@version, method,
// channel, actor.
std::string FormatConsentEventLine(const ConsentEvent& event);

// {"purpose", "status", "since", "expires_at", "consent_id"}
Json ConsentStateToJson(const ConsentState& state);
// One line: purpose, status, since, expires.
std::string FormatConsentStateLine(const ConsentState& state);

// {"purpose", "as_of", "active", "withdrawn", "expired", "never_given"}
Json ConsentReportToJson(const ConsentReport& report);

// {"notice_id", "version", "text_sha256", "registered_at"}
Json NoticeToJson(const Notice& notice);

}  // namespace cvault::cli

#endif  // CVAULT_CLI_OUTPUT_H_
