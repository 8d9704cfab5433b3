#include "domain/currency.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "cvault/status.h"

namespace cvault::domain {
namespace {

::testing::AssertionResult RejectedNaming(const Status& status, std::string_view field,
                                          std::string_view value) {
  if (status.ok()) return ::testing::AssertionFailure() << "was accepted";
  if (status.code() != StatusCode::kInvalidArgument) {
    return ::testing::AssertionFailure() << "wrong code: " << status.ToString();
  }
  if (!status.message().starts_with(std::string(field) + ": ")) {
    return ::testing::AssertionFailure()
           << "does not name the field: " << status.message();
  }
  // Codes under 4 bytes are not searched for: the messages give "EUR" as an
  // example, which contains "EU".
  if (value.size() >= 4 && status.message().find(value) != std::string::npos) {
    return ::testing::AssertionFailure() << "quotes the value: " << status.message();
  }
  return ::testing::AssertionSuccess();
}

struct KnownExponent {
  std::string_view code;
  int exponent;
};

class CurrencyExponentTest : public ::testing::TestWithParam<KnownExponent> {};

TEST_P(CurrencyExponentTest, MatchesIso4217) {
  EXPECT_EQ(CurrencyExponent(GetParam().code), GetParam().exponent);
  EXPECT_TRUE(ValidateCurrency("currency", GetParam().code).ok());
}

INSTANTIATE_TEST_SUITE_P(
    Iso4217, CurrencyExponentTest,
    ::testing::Values(
        KnownExponent{"EUR", 2}, KnownExponent{"USD", 2}, KnownExponent{"GBP", 2},
        KnownExponent{"CHF", 2}, KnownExponent{"HUF", 2}, KnownExponent{"TWD", 2},
        KnownExponent{"IDR", 2}, KnownExponent{"MGA", 2}, KnownExponent{"JPY", 0},
        KnownExponent{"KRW", 0}, KnownExponent{"VND", 0}, KnownExponent{"ISK", 0},
        KnownExponent{"CLP", 0}, KnownExponent{"UGX", 0}, KnownExponent{"XOF", 0},
        KnownExponent{"XPF", 0}, KnownExponent{"KWD", 3}, KnownExponent{"BHD", 3},
        KnownExponent{"JOD", 3}, KnownExponent{"TND", 3}, KnownExponent{"CLF", 4},
        KnownExponent{"UYW", 4}, KnownExponent{"SLE", 2}, KnownExponent{"VED", 2},
        KnownExponent{"ZWG", 2}, KnownExponent{"XCG", 2}),
    [](const ::testing::TestParamInfo<KnownExponent>& info) {
      return std::string(info.param.code);
    });

TEST(CurrencyTest, TableHoldsTheActiveCodesWithMinorUnits) {
  EXPECT_EQ(KnownCurrencies().size(), 166u);
}

TEST(CurrencyTest, TableIsSortedUniqueAndWellFormed) {
  const auto table = KnownCurrencies();
  EXPECT_TRUE(std::ranges::is_sorted(table, {}, &CurrencyInfo::code));
  for (const CurrencyInfo& currency : table) {
    EXPECT_TRUE(ValidateCurrency("currency", currency.code).ok()) << currency.code;
    EXPECT_TRUE(currency.exponent == 0 || currency.exponent == 2 ||
                currency.exponent == 3 || currency.exponent == 4)
        << currency.code;
  }
}

TEST(CurrencyTest, CodesWithoutMinorUnitsAreUnknown) {
  for (std::string_view code :
       {"XAU", "XAG", "XPT", "XPD", "XDR", "XBA", "XSU", "XUA", "XTS", "XXX"}) {
    EXPECT_FALSE(CurrencyExponent(code).has_value()) << code;
    EXPECT_TRUE(RejectedNaming(ValidateCurrency("currency", code), "currency", code));
  }
}

TEST(CurrencyTest, WithdrawnCodesAreUnknown) {
  for (std::string_view code : {"HRK", "SLL", "ZWL", "ANG", "DEM", "FRF", "VEF", "MRO"}) {
    EXPECT_FALSE(CurrencyExponent(code).has_value()) << code;
  }
}

TEST(CurrencyTest, LowerCaseIsRefused) {
  EXPECT_FALSE(CurrencyExponent("eur").has_value());
  EXPECT_TRUE(RejectedNaming(ValidateCurrency("currency", "eur"), "currency", "eur"));
  EXPECT_TRUE(RejectedNaming(ValidateCurrency("currency", "Eur"), "currency", "Eur"));
}

TEST(CurrencyTest, MalformedCodesAreRefused) {
  for (std::string_view code : {"", "GB", "GBPS", " GBP", "GBP ", "G1P", "€"}) {
    EXPECT_TRUE(RejectedNaming(ValidateCurrency("currency", code), "currency", code))
        << code;
  }
}

TEST(CurrencyTest, UnknownCodeIsRefused) {
  EXPECT_TRUE(RejectedNaming(ValidateCurrency("currency", "ABC"), "currency", "ABC"));
  EXPECT_TRUE(RejectedNaming(ValidateCurrency("refund currency", "QQQ"),
                             "refund currency", "QQQ"));
}

TEST(CurrencyTest, PositiveAmountInAKnownCurrencyIsAccepted) {
  EXPECT_TRUE(ValidateAmount(1, "EUR").ok());
  EXPECT_TRUE(ValidateAmount(1999, "JPY").ok());
  EXPECT_TRUE(ValidateAmount(kMaxAmountMinor, "KWD").ok());
}

TEST(CurrencyTest, ZeroOrNegativeAmountIsRefused) {
  EXPECT_TRUE(RejectedNaming(ValidateAmount(0, "EUR"), "amount", ""));
  EXPECT_TRUE(RejectedNaming(ValidateAmount(-5000, "EUR"), "amount", "5000"));
  EXPECT_TRUE(RejectedNaming(
      ValidateAmount(std::numeric_limits<std::int64_t>::min(), "EUR"), "amount", ""));
}

TEST(CurrencyTest, AmountAboveTheLimitIsRefused) {
  EXPECT_EQ(kMaxAmountMinor, 1'000'000'000'000'000);
  EXPECT_TRUE(RejectedNaming(ValidateAmount(kMaxAmountMinor + 1, "EUR"), "amount",
                             "1000000000000001"));
  EXPECT_TRUE(RejectedNaming(
      ValidateAmount(std::numeric_limits<std::int64_t>::max(), "EUR"), "amount", ""));
}

TEST(CurrencyTest, AmountInAnUnknownCurrencyIsRefused) {
  EXPECT_TRUE(RejectedNaming(ValidateAmount(1000, "XAU"), "currency", "XAU"));
  EXPECT_TRUE(RejectedNaming(ValidateAmount(1000, "usd"), "currency", "usd"));
  EXPECT_TRUE(RejectedNaming(ValidateAmount(1000, ""), "currency", ""));
}

}  // namespace
}  // namespace cvault::domain
