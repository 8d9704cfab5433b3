#include "domain/retention.h"

#include <chrono>
#include <string>

namespace cvault::domain {

RefundCase MinimiseForHold(const RefundCase& refund, std::string_view hold_id) {
  RefundCase kept;
  kept.case_id = refund.case_id;
  kept.retention_hold = std::string(hold_id);
  kept.order_ref = refund.order_ref;
  kept.product = refund.product;
  kept.reason = refund.reason;
  kept.status = refund.status;
  kept.opened_at = refund.opened_at;
  for (const StatusChange& change : refund.history) {
    kept.history.push_back({change.from, change.to, change.at, change.actor, ""});
  }
  kept.payments = refund.payments;
  // Principal ids, not the customer's data: separation of duties still
  // holds when an approved refund is paid under the hold. No notice is
  // owed any more: there is no one left to send it to.
  kept.deciders = refund.deciders;
  // A refund still owed keeps its processing promise until it is paid.
  if (refund.status == RefundStatus::kApproved ||
      refund.status == RefundStatus::kProcessing) {
    kept.processing_due_at = refund.processing_due_at;
  }
  return kept;
}

PurchaseRecord MinimiseForHold(const PurchaseRecord& purchase, std::string_view hold_id) {
  PurchaseRecord kept = purchase;
  kept.customer = CustomerId();
  kept.retention_hold = std::string(hold_id);
  kept.system_requirements.clear();
  return kept;
}

RetentionRule FinancialRetentionFor(const RetentionOptions& options,
                                    std::string_view country) {
  if (!country.empty()) {
    auto it = options.financial_years_by_country.find(country);
    if (it != options.financial_years_by_country.end()) {
      return {it->second, std::string(country)};
    }
  }
  return {options.financial_default_years, "default"};
}

std::int64_t AddYears(std::int64_t from_us, int years) {
  using namespace std::chrono;
  const sys_time<microseconds> from{microseconds(from_us)};
  const sys_days day = floor<days>(from);
  const microseconds time_of_day = from - day;
  year_month_day ymd{day};
  ymd = year_month_day{ymd.year() + std::chrono::years(years), ymd.month(), ymd.day()};
  // 29 February plus years lands on an invalid date in a common year.
  const sys_days target = ymd.ok() ? sys_days(ymd)
                                   : sys_days(ymd.year() / ymd.month() / last) + days(1);
  return duration_cast<microseconds>((target + time_of_day).time_since_epoch()).count();
}

}  // namespace cvault::domain
