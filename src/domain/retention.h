// Retention after erasure: what of a refund case a retention hold keeps, and
// until when. Stateless: thread-safe.
#ifndef CVAULT_DOMAIN_RETENTION_H_
#define CVAULT_DOMAIN_RETENTION_H_

#include <cstdint>
#include <string_view>

#include "cvault/erasure.h"
#include "cvault/refund.h"

namespace cvault::domain {

// The record a legal obligation needs (order reference, product, reason,
// status, dates, amounts and processor references, who changed the status
// and when, who decided it, and for a refund still owed its processing
// promise) and nothing else: no customer link, linked tickets, notes,
// notices to the customer or assessment evidence.
RefundCase MinimiseForHold(const RefundCase& refund, std::string_view hold_id);

// The same for a purchase record: everything but the customer link and the
// text of the system requirements shown (whether they were shown, the
// charge, the policy version and the withdrawal waiver are the record).
PurchaseRecord MinimiseForHold(const PurchaseRecord& purchase, std::string_view hold_id);

// The years financial records of a customer from `country` (ISO 3166 alpha-2,
// empty when unknown) are kept, and the jurisdiction that decided it ("DE",
// or "default").
struct RetentionRule {
  int years = 0;
  std::string jurisdiction;
};
RetentionRule FinancialRetentionFor(const RetentionOptions& options,
                                    std::string_view country);

// `from_us` plus `years` calendar years (UTC); 29 February moves to 1 March
// in a year without one.
std::int64_t AddYears(std::int64_t from_us, int years);

}  // namespace cvault::domain

#endif  // CVAULT_DOMAIN_RETENTION_H_
