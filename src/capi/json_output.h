// The C API's structured results as JSON text: one function per value type
// of the C++ API. Member names are the C++ fields' names; tickets, refund
// cases, assessments and consent events take the signed export's shapes
// (domain/value_json.h) plus the members an export leaves out.
// docs/c-api.md lists the shapes.
// Times are UTC strings ("2026-11-26T10:15:00.000000Z"); enumerators are
// their stable lower_snake names; absent optionals are null.
#ifndef CVAULT_CAPI_JSON_OUTPUT_H_
#define CVAULT_CAPI_JSON_OUTPUT_H_

#include <span>
#include <string>

#include "cvault/audit.h"
#include "cvault/consent.h"
#include "cvault/customer.h"
#include "cvault/erasure.h"
#include "cvault/export.h"
#include "cvault/refund.h"

namespace cvault::capi {

std::string IdsJson(std::span<const CustomerId> ids);
std::string CustomerRecordJson(const CustomerRecord& record);
std::string NoticeJson(const Notice& notice);
std::string ConsentEventJson(const ConsentEvent& event);
std::string ConsentEventsJson(std::span<const ConsentEvent> events);
std::string ConsentStatesJson(std::span<const ConsentState> states);
std::string TicketJson(const Ticket& ticket);
std::string EligibilityJson(const EligibilityDecision& decision);
std::string RefundCaseJson(const RefundCase& refund);
std::string OverdueJson(std::span<const OverdueCase> cases);
std::string ErasureJson(const ErasureResult& result);
std::string PurgeJson(const PurgeResult& result);
std::string AuditVerifyJson(const AuditVerifyReport& report);
std::string ExportVerificationJson(const ExportVerification& verification);

}  // namespace cvault::capi

#endif  // CVAULT_CAPI_JSON_OUTPUT_H_
