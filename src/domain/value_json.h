// The JSON shapes of the public value types that a data-subject export
// holds (refund cases, purchase records, payment references, tickets,
// assessments, consent events, products). The
// export's schema (cvault.export/v1) fixes them, so they never change; the
// C API returns the same shapes, adding the members an export leaves out.
// (How the store seals the same values is domain/case_documents.h's own
// format, not this one.)
#ifndef CVAULT_DOMAIN_VALUE_JSON_H_
#define CVAULT_DOMAIN_VALUE_JSON_H_

#include <nlohmann/json.hpp>

#include "cvault/consent.h"
#include "cvault/refund.h"

namespace cvault::domain {

nlohmann::json ProductJson(const Product& p);
nlohmann::json ConsentEventJson(const ConsentEvent& e);
nlohmann::json TicketJson(const Ticket& t);
nlohmann::json AssessmentJson(const EligibilityDecision& d);
nlohmann::json PaymentJson(const PaymentReference& p);
nlohmann::json PurchaseJson(const PurchaseRecord& p);
nlohmann::json RefundCaseJson(const RefundCase& c);

}  // namespace cvault::domain

#endif  // CVAULT_DOMAIN_VALUE_JSON_H_
