// Times as text: every Timestamp formats without overflow, however far from
// 1970 (a bad input reaches the audit entry as text), and a time the parser
// accepts formats back to the same instant.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <limits>

#include "cvault/clock.h"

namespace cvault {
namespace {

Timestamp AtMicros(std::int64_t us) { return Timestamp(std::chrono::microseconds(us)); }

TEST(TimestampTest, FormatsAroundTheEpoch) {
  EXPECT_EQ(FormatTimestamp(AtMicros(0)), "1970-01-01T00:00:00.000000Z");
  EXPECT_EQ(FormatTimestamp(AtMicros(-1)), "1969-12-31T23:59:59.999999Z");
  EXPECT_EQ(FormatTimestamp(AtMicros(-86'400'000'000)), "1969-12-31T00:00:00.000000Z");
}

TEST(TimestampTest, FormatsTheEndsOfTheRangeWithoutOverflow) {
  // Far outside the years 0000-9999 the text is not a valid time, but it is
  // text: no overflow (UBSan halts the test on one).
  for (std::int64_t us : {std::numeric_limits<std::int64_t>::min(),
                          std::numeric_limits<std::int64_t>::max()}) {
    EXPECT_FALSE(FormatTimestamp(AtMicros(us)).empty());
  }
  EXPECT_EQ(FormatTimestamp(AtMicros(253'402'300'799'000'000)),
            "9999-12-31T23:59:59.000000Z");
}

TEST(TimestampTest, AParsedTimeFormatsBackToTheSameInstant) {
  for (const char* text : {"1970-01-01T00:00:00Z", "2026-11-26T10:15:00Z",
                           "9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z"}) {
    auto parsed = ParseTimestamp(text, "time");
    ASSERT_TRUE(parsed.has_value()) << text;
    auto again = ParseTimestamp(FormatTimestamp(*parsed), "time");
    ASSERT_TRUE(again.has_value()) << text;
    EXPECT_EQ(*again, *parsed) << text;
  }
}

}  // namespace
}  // namespace cvault
