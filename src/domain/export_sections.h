// The sections of a data-subject export (docs/export.md): what the vault
// holds about one customer, turned into JSON, each marked portable (GDPR
// Art. 20) or access-only (Art. 15), plus the information about the
// processing that Art. 15(1) requires (purposes, retention, recipients).
// Pure functions: thread-safe.
#ifndef CVAULT_DOMAIN_EXPORT_SECTIONS_H_
#define CVAULT_DOMAIN_EXPORT_SECTIONS_H_

#include <array>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "cvault/audit.h"
#include "cvault/consent.h"
#include "cvault/customer.h"
#include "cvault/refund.h"
#include "policy/policy.h"

namespace cvault::domain {

// Every section, in the order docs/export.md lists them.
inline constexpr std::array<std::string_view, 9> kExportSectionNames = {
    "identity",   "consent_history", "support_tickets", "refund_cases", "purchases",
    "purposes",   "retention",       "recipients",      "access_log"};

// An access-log entry whose principal is another customer (acting for
// themselves) names them with this instead of their id.
inline constexpr std::string_view kAnotherCustomer = "another_customer";

// Everything about one customer, decrypted after the access decision.
struct ExportSubjectData {
  CustomerRecord identity;                    // every field present, in plain
  std::vector<ConsentEvent> consent_history;  // oldest first
  // Purposes resting on consent whose consent is active at export time.
  std::set<std::string, std::less<>> consented_purposes;
  std::vector<Ticket> support_tickets;
  std::vector<RefundCase> refund_cases;
  std::vector<PurchaseRecord> purchases;
  // Audit entries about the customer (their subject pseudonym), oldest first.
  std::vector<AuditEntry> access_log;
  // How long the financial group would be kept after an erasure, for this
  // customer's jurisdiction (Options::retention).
  int financial_retention_years = 10;
};

// The "sections" object: one member per kExportSectionNames entry, each
// {"portable", "legal_basis", "source", "data"}.
nlohmann::json BuildExportSections(const ExportSubjectData& subject,
                                   const policy::Policy& policy);

}  // namespace cvault::domain

#endif  // CVAULT_DOMAIN_EXPORT_SECTIONS_H_
