// The business-day calendar behind the refund service levels: Monday to
// Friday, minus a list of holidays, on UTC dates.
//
// Immutable after construction, so safe to share between threads; copyable
// and movable.
#ifndef CVAULT_DOMAIN_BUSINESS_CALENDAR_H_
#define CVAULT_DOMAIN_BUSINESS_CALENDAR_H_

#include <chrono>
#include <cstdint>
#include <vector>

#include "cvault/clock.h"

namespace cvault::domain {

class BusinessCalendar {
 public:
  // `holidays` are days that are not business days besides Saturday and
  // Sunday. Order and duplicates do not matter; a holiday on a weekend
  // changes nothing, and an invalid date (2026-02-30) is ignored.
  explicit BusinessCalendar(std::vector<std::chrono::year_month_day> holidays);

  // True for a valid date that is neither a Saturday, a Sunday nor a holiday.
  bool IsBusinessDay(std::chrono::year_month_day date) const;

  // The deadline `n` business days after `from`. Business days are counted
  // strictly after from's UTC date (the day of `from` itself never counts,
  // whatever its time), and the deadline is the END of the n-th such day,
  // that is 00:00 UTC of the calendar day after it.
  //
  // Example, no holidays: Fri 2026-12-18T10:00Z plus 3 business days counts
  // Mon 21, Tue 22, Wed 23 and returns the end of Wed 2026-12-23, which is
  // 2026-12-24T00:00:00Z.
  //
  // n <= 0 returns `from` unchanged: nothing is owed later than now.
  Timestamp AddBusinessDays(Timestamp from, int n) const;

  // The number of business days strictly after from's UTC date, up to and
  // including to's UTC date; 0 when `to` <= `from`. So
  // BusinessDaysBetween(t, AddBusinessDays(t, n) - 1us) == n for n >= 1.
  int BusinessDaysBetween(Timestamp from, Timestamp to) const;

 private:
  // Business days in the date range (after, through], both as sys_days.
  std::int64_t CountBusinessDays(std::chrono::sys_days after,
                                 std::chrono::sys_days through) const;

  // Holidays that fall on Monday to Friday, sorted and unique: the only ones
  // that change a count.
  std::vector<std::chrono::sys_days> weekday_holidays_;
};

}  // namespace cvault::domain

#endif  // CVAULT_DOMAIN_BUSINESS_CALENDAR_H_
