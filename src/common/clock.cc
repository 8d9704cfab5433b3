#include "cvault/clock.h"

#include <cstdint>

#include <fmt/format.h>

namespace cvault {
namespace {

class SystemUtcClock final : public Clock {
 public:
  Timestamp Now() const override {
    return std::chrono::time_point_cast<std::chrono::microseconds>(
        std::chrono::system_clock::now());
  }
};

}  // namespace

std::shared_ptr<Clock> SystemClock() {
  static const std::shared_ptr<Clock> clock = std::make_shared<SystemUtcClock>();
  return clock;
}

// From the civil date and time of day, not fmt's chrono formatting: that
// goes through nanoseconds since 1970, which overflow after the year 2262,
// and ParseTimestamp accepts any year up to 9999. The day and the time into it are split in microseconds, never by
// converting a day count back to microseconds, which overflows at the ends
// of Timestamp's range (a bad input must format, not crash).
std::string FormatTimestamp(Timestamp t) {
  using namespace std::chrono;
  constexpr std::int64_t kDayUs = 86'400'000'000;
  const std::int64_t us = t.time_since_epoch().count();
  std::int64_t day_count = us / kDayUs;
  std::int64_t into_day = us % kDayUs;
  if (into_day < 0) {
    into_day += kDayUs;
    day_count -= 1;
  }
  const year_month_day date{sys_days{days{day_count}}};
  const hh_mm_ss<microseconds> time{microseconds{into_day}};
  return fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}.{:06d}Z",
                     static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                     static_cast<unsigned>(date.day()), time.hours().count(),
                     time.minutes().count(), time.seconds().count(),
                     time.subseconds().count());
}

}  // namespace cvault

namespace cvault {
namespace {

// Reads exactly `n` digits at `pos`; -1 if they are not all digits.
int ReadDigits(std::string_view s, std::size_t pos, std::size_t n) {
  if (pos + n > s.size()) return -1;
  int value = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return -1;
    value = value * 10 + (s[i] - '0');
  }
  return value;
}

}  // namespace

StatusOr<Timestamp> ParseTimestamp(std::string_view text, std::string_view field) {
  auto bad = [&] {
    return Error(Status::InvalidArgument(
        std::string(field) +
        ": expected a UTC time like 2026-11-26T10:15:00Z or a date like 2026-11-26"));
  };
  int year = ReadDigits(text, 0, 4);
  int month = ReadDigits(text, 5, 2);
  int day = ReadDigits(text, 8, 2);
  if (year < 0 || month < 0 || day < 0 || text.size() < 10 || text[4] != '-' ||
      text[7] != '-') {
    return bad();
  }
  std::chrono::year_month_day ymd{std::chrono::year(year),
                                  std::chrono::month(static_cast<unsigned>(month)),
                                  std::chrono::day(static_cast<unsigned>(day))};
  if (!ymd.ok()) return bad();
  Timestamp t = std::chrono::time_point_cast<std::chrono::microseconds>(
      std::chrono::sys_days(ymd));
  if (text.size() == 10) return t;
  int hour = ReadDigits(text, 11, 2);
  int minute = ReadDigits(text, 14, 2);
  int second = ReadDigits(text, 17, 2);
  if (text[10] != 'T' || hour < 0 || hour > 23 || minute < 0 || minute > 59 ||
      second < 0 || second > 59 || text.size() < 20 || text[13] != ':' ||
      text[16] != ':') {
    return bad();
  }
  std::size_t pos = 19;
  std::int64_t micros = 0;
  if (text[pos] == '.') {
    std::size_t start = ++pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
    std::size_t digits = pos - start;
    if (digits == 0 || digits > 6) return bad();
    micros = ReadDigits(text, start, digits);
    for (std::size_t i = digits; i < 6; ++i) micros *= 10;
  }
  if (pos + 1 != text.size() || text[pos] != 'Z') return bad();
  return t + std::chrono::hours(hour) + std::chrono::minutes(minute) +
         std::chrono::seconds(second) + std::chrono::microseconds(micros);
}

}  // namespace cvault
