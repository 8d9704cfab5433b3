// ISO 4217 currency codes and money amounts in minor units, as refund cases
// and payment references carry them.
//
// The table holds the active codes of ISO 4217 list one that have a minor
// unit (see currency.cc for the source and what is left out). Amounts are
// integers in the currency's minor unit: 1999 EUR is 19.99 euro, 1999 JPY is
// 1999 yen, 1999 KWD is 1.999 dinar.
//
// Stateless free functions over constant data; safe to call from any thread.
// Errors name the field and never quote the value.
#ifndef CVAULT_DOMAIN_CURRENCY_H_
#define CVAULT_DOMAIN_CURRENCY_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "cvault/status.h"

namespace cvault::domain {

struct CurrencyInfo {
  std::string_view code;  // "EUR"
  int exponent = 2;       // minor-unit digits: 2 for EUR, 0 for JPY, 3 for KWD
};

// Every known currency, sorted by code.
std::span<const CurrencyInfo> KnownCurrencies();

// The number of minor-unit digits of `code`, or nullopt when `code` is not a
// known currency (including lower-case spellings).
std::optional<int> CurrencyExponent(std::string_view code);

// OK when `code` is exactly three upper-case ASCII letters and a known
// currency; InvalidArgument naming `field` otherwise.
[[nodiscard]] Status ValidateCurrency(std::string_view field, std::string_view code);

// The largest amount accepted, in minor units (10^15: ten trillion euro in
// cents, far past any refund, well inside int64).
inline constexpr std::int64_t kMaxAmountMinor = 1'000'000'000'000'000;

// OK when 0 < amount_minor <= kMaxAmountMinor and `currency` passes
// ValidateCurrency; InvalidArgument naming "amount" or "currency" otherwise.
[[nodiscard]] Status ValidateAmount(std::int64_t amount_minor, std::string_view currency);

}  // namespace cvault::domain

#endif  // CVAULT_DOMAIN_CURRENCY_H_
