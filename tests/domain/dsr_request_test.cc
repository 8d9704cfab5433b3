// The rules of a data-subject request's life (domain/dsr_request.h): calendar
// months, due dates, and which changes each state allows.
#include "domain/dsr_request.h"

#include <gtest/gtest.h>

#include <array>

namespace cvault::domain {
namespace {

std::int64_t Us(std::string_view text) {
  auto t = ParseTimestamp(text);
  EXPECT_TRUE(t.has_value()) << text;
  return t ? t->time_since_epoch().count() : 0;
}

TEST(DsrRequestRulesTest, CalendarMonthsKeepTheDayAndTimeOrEndAtTheMonthsLastDay) {
  EXPECT_EQ(AddCalendarMonths(Us("2026-03-15T13:45:00Z"), 1), Us("2026-04-15T13:45:00Z"));
  EXPECT_EQ(AddCalendarMonths(Us("2026-01-31T00:00:00Z"), 1), Us("2026-02-28T00:00:00Z"));
  EXPECT_EQ(AddCalendarMonths(Us("2028-01-31T00:00:00Z"), 1), Us("2028-02-29T00:00:00Z"));
  EXPECT_EQ(AddCalendarMonths(Us("2026-11-30T08:00:00Z"), 3), Us("2027-02-28T08:00:00Z"));
  EXPECT_EQ(AddCalendarMonths(Us("2026-12-31T23:59:59Z"), 1), Us("2027-01-31T23:59:59Z"));
  EXPECT_EQ(DsrDueAt(Us("2026-05-31T10:00:00Z"), false), Us("2026-06-30T10:00:00Z"));
  EXPECT_EQ(DsrDueAt(Us("2026-05-31T10:00:00Z"), true), Us("2026-08-31T10:00:00Z"));
}

TEST(DsrRequestRulesTest, RequestIdsAreCheckedForShapeBeforeAnyUse) {
  EXPECT_TRUE(CheckDsrRequestId(NewDsrRequestId()).ok());
  for (std::string_view bad :
       {"", "dsr_", "dsr_AAAAAAAAAAAAAAAAAAAAAAAAAA", "dsr_aaaaaaaaaaaaaaaaaaaaaaaaa1",
        "cus_aaaaaaaaaaaaaaaaaaaaaaaaaa", "dsr_aaaaaaaaaaaaaaaaaaaaaaaaaaa"}) {
    Status s = CheckDsrRequestId(bad);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(s.reason_code(), "invalid_input");
  }
}

TEST(DsrRequestRulesTest, OnlyAnOpenVerifiedRequestOfAnAnsweredKindIsFulfilled) {
  store::DsrRequestRow row = NewDsrRequestRow("cus_a", DsrKind::kPortability, 0);
  constexpr std::array kExport = {DsrKind::kAccess, DsrKind::kPortability};
  EXPECT_EQ(CheckFulfilment(row, "cus_a", kExport).reason_code(), "identity_not_verified");
  row.identity = "verified";
  EXPECT_TRUE(CheckFulfilment(row, "cus_a", kExport).ok());
  EXPECT_EQ(CheckFulfilment(row, "cus_b", kExport).reason_code(), "request_mismatch");
  constexpr std::array kErase = {DsrKind::kErasure};
  EXPECT_EQ(CheckFulfilment(row, "cus_a", kErase).reason_code(), "request_mismatch");
  CloseDsrRow(row, {DsrStatus::kFulfilled, std::nullopt, "exp_x"}, 5);
  EXPECT_EQ(CheckFulfilment(row, "cus_a", kExport).reason_code(), "request_closed");
  EXPECT_EQ(CheckIdentityChange(row).reason_code(), "request_closed");
  EXPECT_EQ(row.closed_at_us, 5);
}

TEST(DsrRequestRulesTest, ARowWithAnUnknownStoredCodeIsAnIntegrityError) {
  store::DsrRequestRow row = NewDsrRequestRow("cus_aaaaaaaaaaaaaaaaaaaaaaaaaa",
                                              DsrKind::kAccess, 0);
  ASSERT_TRUE(ToDsrRequest(row, 0).has_value());
  row.kind = "telepathy";
  auto bad = ToDsrRequest(row, 0);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code(), StatusCode::kIntegrity);
  EXPECT_EQ(bad.error().message().find("telepathy"), std::string::npos);
}

}  // namespace
}  // namespace cvault::domain
