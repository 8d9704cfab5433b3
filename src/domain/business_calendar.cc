#include "domain/business_calendar.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <limits>
#include <vector>

namespace cvault::domain {
namespace {

using std::chrono::days;
using std::chrono::sys_days;

std::int64_t FloorDiv(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

// Days are numbered so that 0 is Monday 1969-12-29 (1970-01-01 was a
// Thursday): day % 7 is then 0 for Monday through 6 for Sunday.
std::int64_t DayNumber(sys_days date) { return date.time_since_epoch().count() + 3; }
sys_days FromDayNumber(std::int64_t number) { return sys_days(days(number - 3)); }

// Weekdays (Monday to Friday) among the days numbered below `number`, counted
// from Monday 1969-12-29 (negative before it). Only differences matter.
std::int64_t WeekdaysBelow(std::int64_t number) {
  const std::int64_t weeks = FloorDiv(number, 7);
  return 5 * weeks + std::min(number - 7 * weeks, std::int64_t{5});
}

std::int64_t WeekdaysIn(sys_days after, sys_days through) {
  return WeekdaysBelow(DayNumber(through) + 1) - WeekdaysBelow(DayNumber(after) + 1);
}

// The k-th weekday after `after` (k >= 1).
sys_days NthWeekdayAfter(sys_days after, std::int64_t k) {
  const std::int64_t ordinal = WeekdaysBelow(DayNumber(after) + 1) + k - 1;
  const std::int64_t weeks = FloorDiv(ordinal, 5);
  return FromDayNumber(7 * weeks + (ordinal - 5 * weeks));
}

bool IsWeekday(sys_days date) {
  const std::chrono::weekday day{date};
  return day != std::chrono::Saturday && day != std::chrono::Sunday;
}

}  // namespace

BusinessCalendar::BusinessCalendar(std::vector<std::chrono::year_month_day> holidays) {
  weekday_holidays_.reserve(holidays.size());
  for (const std::chrono::year_month_day& holiday : holidays) {
    if (!holiday.ok()) continue;
    const sys_days date{holiday};
    if (IsWeekday(date)) weekday_holidays_.push_back(date);
  }
  std::ranges::sort(weekday_holidays_);
  const auto duplicates = std::ranges::unique(weekday_holidays_);
  weekday_holidays_.erase(duplicates.begin(), duplicates.end());
}

bool BusinessCalendar::IsBusinessDay(std::chrono::year_month_day date) const {
  if (!date.ok()) return false;
  const sys_days day{date};
  return IsWeekday(day) && !std::ranges::binary_search(weekday_holidays_, day);
}

std::int64_t BusinessCalendar::CountBusinessDays(sys_days after, sys_days through) const {
  if (through <= after) return 0;
  const auto holidays_through = std::ranges::upper_bound(weekday_holidays_, through);
  const auto holidays_through_after = std::ranges::upper_bound(weekday_holidays_, after);
  return WeekdaysIn(after, through) - (holidays_through - holidays_through_after);
}

Timestamp BusinessCalendar::AddBusinessDays(Timestamp from, int n) const {
  if (n <= 0) return from;
  const sys_days start = std::chrono::floor<days>(from);
  // Jump to the n-th weekday, then past as many weekdays as holidays were
  // jumped over, until no holiday is left short. Every day before the
  // candidate holds fewer than n business days, so the first candidate that
  // reaches n is the n-th business day.
  sys_days candidate = NthWeekdayAfter(start, n);
  for (std::int64_t missing = n - CountBusinessDays(start, candidate); missing > 0;
       missing = n - CountBusinessDays(start, candidate)) {
    candidate = NthWeekdayAfter(candidate, missing);
  }
  return Timestamp(candidate + days(1));
}

int BusinessCalendar::BusinessDaysBetween(Timestamp from, Timestamp to) const {
  if (to <= from) return 0;
  const std::int64_t count =
      CountBusinessDays(std::chrono::floor<days>(from), std::chrono::floor<days>(to));
  return static_cast<int>(std::min<std::int64_t>(count, std::numeric_limits<int>::max()));
}

}  // namespace cvault::domain
