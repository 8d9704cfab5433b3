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
