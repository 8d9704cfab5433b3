#include "domain/business_calendar.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string_view>
#include <vector>

#include "cvault/clock.h"

namespace cvault::domain {
namespace {

using std::chrono::days;
using std::chrono::sys_days;
using std::chrono::year;
using std::chrono::year_month_day;
using namespace std::chrono_literals;

Timestamp At(std::string_view text) {
  StatusOr<Timestamp> parsed = ParseTimestamp(text);
  EXPECT_TRUE(parsed.has_value()) << text;
  return parsed.value_or(Timestamp{});
}

year_month_day Date(int y, unsigned m, unsigned d) {
  return year_month_day{year{y}, std::chrono::month{m}, std::chrono::day{d}};
}

// The year-end holidays of many European countries, 2026/27.
std::vector<year_month_day> YearEndHolidays() {
  return {Date(2026, 12, 24), Date(2026, 12, 25), Date(2026, 12, 26), Date(2026, 12, 31),
          Date(2027, 1, 1)};
}

// A day-by-day reference for AddBusinessDays, for the comparisons below.
Timestamp AddBusinessDaysOneByOne(const BusinessCalendar& calendar, Timestamp from,
                                  int n) {
  if (n <= 0) return from;
  sys_days day = std::chrono::floor<days>(from);
  for (int counted = 0; counted < n;) {
    day += days(1);
    if (calendar.IsBusinessDay(year_month_day{day})) ++counted;
  }
  return Timestamp(day + days(1));
}

TEST(BusinessCalendarTest, WeekdaysAreBusinessDaysAndWeekendsAreNot) {
  const BusinessCalendar calendar({});
  EXPECT_TRUE(calendar.IsBusinessDay(Date(2026, 12, 14)));   // Monday
  EXPECT_TRUE(calendar.IsBusinessDay(Date(2026, 12, 18)));   // Friday
  EXPECT_FALSE(calendar.IsBusinessDay(Date(2026, 12, 19)));  // Saturday
  EXPECT_FALSE(calendar.IsBusinessDay(Date(2026, 12, 20)));  // Sunday
}

TEST(BusinessCalendarTest, HolidayOnAWeekdayIsNotABusinessDay) {
  const BusinessCalendar calendar(YearEndHolidays());
  EXPECT_FALSE(calendar.IsBusinessDay(Date(2026, 12, 24)));
  EXPECT_FALSE(calendar.IsBusinessDay(Date(2027, 1, 1)));
  EXPECT_TRUE(calendar.IsBusinessDay(Date(2026, 12, 23)));
  EXPECT_TRUE(calendar.IsBusinessDay(Date(2026, 12, 28)));
}

TEST(BusinessCalendarTest, InvalidDateIsNotABusinessDay) {
  const BusinessCalendar calendar({});
  EXPECT_FALSE(calendar.IsBusinessDay(Date(2026, 2, 30)));
  EXPECT_FALSE(calendar.IsBusinessDay(Date(2026, 13, 1)));
}

TEST(BusinessCalendarTest, InvalidHolidayIsIgnored) {
  // 2026-02-30 must not be read as Monday 2026-03-02.
  const BusinessCalendar calendar({Date(2026, 2, 30)});
  EXPECT_TRUE(calendar.IsBusinessDay(Date(2026, 3, 2)));
}

TEST(BusinessCalendarTest, DocumentedExample) {
  const BusinessCalendar calendar({});
  EXPECT_EQ(calendar.AddBusinessDays(At("2026-12-18T10:00:00Z"), 3),
            At("2026-12-24T00:00:00Z"));
}

TEST(BusinessCalendarTest, DeadlineSkipsTheWeekend) {
  const BusinessCalendar calendar({});
  // Friday + 1 is the end of Monday.
  EXPECT_EQ(calendar.AddBusinessDays(At("2026-12-11T16:00:00Z"), 1),
            At("2026-12-15T00:00:00Z"));
  // Thursday + 2 is the end of Monday.
  EXPECT_EQ(calendar.AddBusinessDays(At("2026-12-10T08:00:00Z"), 2),
            At("2026-12-15T00:00:00Z"));
  // Monday + 5 is the end of the next Monday.
  EXPECT_EQ(calendar.AddBusinessDays(At("2026-12-07T08:00:00Z"), 5),
            At("2026-12-15T00:00:00Z"));
}

TEST(BusinessCalendarTest, StartingOnAWeekendCountsFromMonday) {
  const BusinessCalendar calendar({});
  EXPECT_EQ(calendar.AddBusinessDays(At("2026-12-12T12:00:00Z"), 1),
            At("2026-12-15T00:00:00Z"));
  EXPECT_EQ(calendar.AddBusinessDays(At("2026-12-13T23:59:59Z"), 1),
            At("2026-12-15T00:00:00Z"));
}

TEST(BusinessCalendarTest, TimeOfDayDoesNotMatter) {
  const BusinessCalendar calendar({});
  const Timestamp deadline = At("2026-12-17T00:00:00Z");
  EXPECT_EQ(calendar.AddBusinessDays(At("2026-12-14T00:00:00Z"), 2), deadline);
  EXPECT_EQ(calendar.AddBusinessDays(At("2026-12-14T23:59:59.999999Z"), 2), deadline);
}

TEST(BusinessCalendarTest, WeekdayHolidayPushesTheDeadline) {
  // Friday 2026-05-01 (Labour Day) is a holiday.
  const BusinessCalendar calendar({Date(2026, 5, 1)});
  // Thursday + 1: Friday is skipped, so the end of Monday 2026-05-04.
  EXPECT_EQ(calendar.AddBusinessDays(At("2026-04-30T09:00:00Z"), 1),
            At("2026-05-05T00:00:00Z"));
  const BusinessCalendar without({});
  EXPECT_EQ(without.AddBusinessDays(At("2026-04-30T09:00:00Z"), 1),
            At("2026-05-02T00:00:00Z"));
}

TEST(BusinessCalendarTest, WeekendHolidayChangesNothing) {
  // Saturday 2026-05-02 and Sunday 2026-05-03.
  const BusinessCalendar calendar({Date(2026, 5, 2), Date(2026, 5, 3)});
  const BusinessCalendar without({});
  const Timestamp from = At("2026-04-30T09:00:00Z");
  for (int n = 0; n <= 10; ++n) {
    EXPECT_EQ(calendar.AddBusinessDays(from, n), without.AddBusinessDays(from, n)) << n;
  }
  EXPECT_EQ(calendar.BusinessDaysBetween(from, At("2026-05-20T00:00:00Z")),
            without.BusinessDaysBetween(from, At("2026-05-20T00:00:00Z")));
}

TEST(BusinessCalendarTest, HolidayOrderAndDuplicatesDoNotMatter) {
  std::vector<year_month_day> shuffled = {Date(2027, 1, 1),   Date(2026, 12, 24),
                                          Date(2026, 12, 31), Date(2026, 12, 25),
                                          Date(2026, 12, 24), Date(2026, 12, 26)};
  const BusinessCalendar calendar(shuffled);
  const BusinessCalendar sorted(YearEndHolidays());
  const Timestamp from = At("2026-12-20T09:00:00Z");
  for (int n = 1; n <= 10; ++n) {
    EXPECT_EQ(calendar.AddBusinessDays(from, n), sorted.AddBusinessDays(from, n)) << n;
  }
}

TEST(BusinessCalendarTest, YearEndHolidaysCrossIntoTheNextYear) {
  const BusinessCalendar calendar(YearEndHolidays());
  const Timestamp from = At("2026-12-23T10:00:00Z");  // Wednesday
  // Thu 24 and Fri 25 are holidays, 26/27 the weekend: Mon 28, Tue 29, Wed 30.
  EXPECT_EQ(calendar.AddBusinessDays(from, 3), At("2026-12-31T00:00:00Z"));
  // Thu 31 and Fri 1 are holidays, 2/3 the weekend: Mon 4, Tue 5.
  EXPECT_EQ(calendar.AddBusinessDays(from, 4), At("2027-01-05T00:00:00Z"));
  EXPECT_EQ(calendar.AddBusinessDays(from, 5), At("2027-01-06T00:00:00Z"));
  EXPECT_EQ(calendar.BusinessDaysBetween(from, At("2027-01-05T12:00:00Z")), 5);
}

TEST(BusinessCalendarTest, LeapDayIsAnOrdinaryBusinessDay) {
  const BusinessCalendar calendar({});
  EXPECT_TRUE(calendar.IsBusinessDay(Date(2028, 2, 29)));  // Tuesday
  EXPECT_EQ(calendar.AddBusinessDays(At("2028-02-28T10:00:00Z"), 1),
            At("2028-03-01T00:00:00Z"));
  EXPECT_EQ(calendar.AddBusinessDays(At("2028-02-25T10:00:00Z"), 3),
            At("2028-03-02T00:00:00Z"));
}

TEST(BusinessCalendarTest, LeapDayHoliday) {
  const BusinessCalendar calendar({Date(2028, 2, 29)});
  EXPECT_FALSE(calendar.IsBusinessDay(Date(2028, 2, 29)));
  EXPECT_EQ(calendar.AddBusinessDays(At("2028-02-28T10:00:00Z"), 1),
            At("2028-03-02T00:00:00Z"));
}

TEST(BusinessCalendarTest, ZeroBusinessDaysReturnsTheStartUnchanged) {
  const BusinessCalendar calendar({});
  const Timestamp from = At("2026-12-19T10:30:00Z");  // a Saturday
  EXPECT_EQ(calendar.AddBusinessDays(from, 0), from);
  EXPECT_EQ(calendar.AddBusinessDays(from, -3), from);
}

TEST(BusinessCalendarTest, BusinessDaysBetweenCountsAfterTheStartDate) {
  const BusinessCalendar calendar({Date(2026, 12, 24)});
  const Timestamp friday = At("2026-12-18T10:00:00Z");
  EXPECT_EQ(calendar.BusinessDaysBetween(friday, friday), 0);
  EXPECT_EQ(calendar.BusinessDaysBetween(friday, At("2026-12-18T23:00:00Z")), 0);
  EXPECT_EQ(calendar.BusinessDaysBetween(friday, At("2026-12-20T23:00:00Z")), 0);
  EXPECT_EQ(calendar.BusinessDaysBetween(friday, At("2026-12-21T00:00:00Z")), 1);
  EXPECT_EQ(calendar.BusinessDaysBetween(friday, At("2026-12-24T15:00:00Z")), 3);
  EXPECT_EQ(calendar.BusinessDaysBetween(friday, At("2026-12-25T15:00:00Z")), 4);
}

TEST(BusinessCalendarTest, BusinessDaysBetweenIsZeroWhenToIsNotAfterFrom) {
  const BusinessCalendar calendar({});
  EXPECT_EQ(calendar.BusinessDaysBetween(At("2026-12-18T10:00:00Z"),
                                         At("2026-12-01T10:00:00Z")),
            0);
}

TEST(BusinessCalendarTest, AWholeYearWithoutHolidaysHasItsWeekdays) {
  const BusinessCalendar calendar({});
  // 2026 has 261 weekdays; counted after 2025-12-31 through 2026-12-31.
  EXPECT_EQ(calendar.BusinessDaysBetween(At("2025-12-31T12:00:00Z"),
                                         At("2026-12-31T12:00:00Z")),
            261);
  // The 261st business day of 2026 is Thursday 2026-12-31.
  EXPECT_EQ(calendar.AddBusinessDays(At("2025-12-31T12:00:00Z"), 261),
            At("2027-01-01T00:00:00Z"));
}

TEST(BusinessCalendarTest, LongSpansMatchCountingDayByDay) {
  std::vector<year_month_day> holidays = YearEndHolidays();
  for (unsigned m = 1; m <= 12; ++m) holidays.push_back(Date(2027, m, 15));
  holidays.push_back(Date(2028, 2, 29));
  const BusinessCalendar calendar(holidays);
  Timestamp from = At("2026-11-02T08:00:00Z");
  for (int start = 0; start < 14; ++start, from += days(1)) {
    for (int n = 1; n <= 600; n += 7) {
      const Timestamp deadline = calendar.AddBusinessDays(from, n);
      ASSERT_EQ(deadline, AddBusinessDaysOneByOne(calendar, from, n))
          << "start " << start << ", n " << n;
      // The deadline is the end of the n-th business day.
      EXPECT_EQ(calendar.BusinessDaysBetween(from, deadline - 1us), n);
      EXPECT_EQ(calendar.BusinessDaysBetween(from, deadline - days(1) - 1us), n - 1);
    }
  }
}

TEST(BusinessCalendarTest, DatesBeforeTheEpochWork) {
  const BusinessCalendar calendar({Date(1969, 12, 31)});
  // Monday 1969-12-29 + 3: Tue 30, (Wed 31 holiday), Thu 1, Fri 2.
  EXPECT_EQ(calendar.AddBusinessDays(At("1969-12-29T10:00:00Z"), 3),
            At("1970-01-03T00:00:00Z"));
  EXPECT_EQ(calendar.AddBusinessDays(At("1969-12-29T10:00:00Z"), 3),
            AddBusinessDaysOneByOne(calendar, At("1969-12-29T10:00:00Z"), 3));
}

}  // namespace
}  // namespace cvault::domain
