// The ISO 4217 currency table.
//
// Source: the codes are Debian's iso-codes 4.15 (iso_4217.json, 181 codes),
// which carries no minor units; the exponents follow ISO 4217 list one as
// published by SIX (the maintenance agency). Changes to the iso-codes list,
// to match list one as of 2025:
//  - left out: codes whose minor unit is "N.A." in list one, as an amount in
//    minor units means nothing for them: precious metals (XAU, XAG, XPT,
//    XPD), bond-market units (XBA, XBB, XBC, XBD), XDR, XSU, XUA, and the
//    testing and "no currency" codes XTS and XXX;
//  - left out as withdrawn: HRK (Croatia adopted the euro, 2023), SLL
//    (replaced by SLE), ZWL (replaced by ZWG, 2024) and ANG (replaced by XCG,
//    2025);
//  - added: ZWG (Zimbabwe Gold, 2024) and XCG (Caribbean guilder, 2025).
// The fund codes that do have a minor unit stay (BOV, CHE, CHW, CLF, COU,
// MXV, USN, UYI, UYW): processors rarely use them, but they are valid. BGN
// stays while Bulgaria moves to the euro (2026): refunds of earlier purchases
// are still paid in it.
//
// Exponents other than 2: 0 for BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX
// UYI VND VUV XAF XOF XPF; 3 for BHD IQD JOD KWD LYD OMR TND; 4 for CLF UYW.
// ISO's exponent is used even where practice differs (HUF and TWD are 2
// although coins below 1 are gone; MGA and MRU are 2 although their minor
// unit is a fifth).
#include "domain/currency.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

namespace cvault::domain {
namespace {

// Sorted by code so a lookup is a binary search; the asserts below catch an
// edit that breaks the order.
constexpr std::array<CurrencyInfo, 166> kCurrencies = {{
    {"AED", 2}, {"AFN", 2}, {"ALL", 2}, {"AMD", 2}, {"AOA", 2}, {"ARS", 2}, {"AUD", 2},
    {"AWG", 2}, {"AZN", 2}, {"BAM", 2}, {"BBD", 2}, {"BDT", 2}, {"BGN", 2}, {"BHD", 3},
    {"BIF", 0}, {"BMD", 2}, {"BND", 2}, {"BOB", 2}, {"BOV", 2}, {"BRL", 2}, {"BSD", 2},
    {"BTN", 2}, {"BWP", 2}, {"BYN", 2}, {"BZD", 2}, {"CAD", 2}, {"CDF", 2}, {"CHE", 2},
    {"CHF", 2}, {"CHW", 2}, {"CLF", 4}, {"CLP", 0}, {"CNY", 2}, {"COP", 2}, {"COU", 2},
    {"CRC", 2}, {"CUC", 2}, {"CUP", 2}, {"CVE", 2}, {"CZK", 2}, {"DJF", 0}, {"DKK", 2},
    {"DOP", 2}, {"DZD", 2}, {"EGP", 2}, {"ERN", 2}, {"ETB", 2}, {"EUR", 2}, {"FJD", 2},
    {"FKP", 2}, {"GBP", 2}, {"GEL", 2}, {"GHS", 2}, {"GIP", 2}, {"GMD", 2}, {"GNF", 0},
    {"GTQ", 2}, {"GYD", 2}, {"HKD", 2}, {"HNL", 2}, {"HTG", 2}, {"HUF", 2}, {"IDR", 2},
    {"ILS", 2}, {"INR", 2}, {"IQD", 3}, {"IRR", 2}, {"ISK", 0}, {"JMD", 2}, {"JOD", 3},
    {"JPY", 0}, {"KES", 2}, {"KGS", 2}, {"KHR", 2}, {"KMF", 0}, {"KPW", 2}, {"KRW", 0},
    {"KWD", 3}, {"KYD", 2}, {"KZT", 2}, {"LAK", 2}, {"LBP", 2}, {"LKR", 2}, {"LRD", 2},
    {"LSL", 2}, {"LYD", 3}, {"MAD", 2}, {"MDL", 2}, {"MGA", 2}, {"MKD", 2}, {"MMK", 2},
    {"MNT", 2}, {"MOP", 2}, {"MRU", 2}, {"MUR", 2}, {"MVR", 2}, {"MWK", 2}, {"MXN", 2},
    {"MXV", 2}, {"MYR", 2}, {"MZN", 2}, {"NAD", 2}, {"NGN", 2}, {"NIO", 2}, {"NOK", 2},
    {"NPR", 2}, {"NZD", 2}, {"OMR", 3}, {"PAB", 2}, {"PEN", 2}, {"PGK", 2}, {"PHP", 2},
    {"PKR", 2}, {"PLN", 2}, {"PYG", 0}, {"QAR", 2}, {"RON", 2}, {"RSD", 2}, {"RUB", 2},
    {"RWF", 0}, {"SAR", 2}, {"SBD", 2}, {"SCR", 2}, {"SDG", 2}, {"SEK", 2}, {"SGD", 2},
    {"SHP", 2}, {"SLE", 2}, {"SOS", 2}, {"SRD", 2}, {"SSP", 2}, {"STN", 2}, {"SVC", 2},
    {"SYP", 2}, {"SZL", 2}, {"THB", 2}, {"TJS", 2}, {"TMT", 2}, {"TND", 3}, {"TOP", 2},
    {"TRY", 2}, {"TTD", 2}, {"TWD", 2}, {"TZS", 2}, {"UAH", 2}, {"UGX", 0}, {"USD", 2},
    {"USN", 2}, {"UYI", 0}, {"UYU", 2}, {"UYW", 4}, {"UZS", 2}, {"VED", 2}, {"VES", 2},
    {"VND", 0}, {"VUV", 0}, {"WST", 2}, {"XAF", 0}, {"XCD", 2}, {"XCG", 2}, {"XOF", 0},
    {"XPF", 0}, {"YER", 2}, {"ZAR", 2}, {"ZMW", 2}, {"ZWG", 2},
}};

static_assert(std::ranges::is_sorted(kCurrencies, {}, &CurrencyInfo::code));
static_assert(std::ranges::adjacent_find(kCurrencies, {}, &CurrencyInfo::code) ==
              kCurrencies.end());

bool IsThreeUpperCaseLetters(std::string_view code) {
  return code.size() == 3 &&
         std::ranges::all_of(code, [](char c) { return c >= 'A' && c <= 'Z'; });
}

Status Invalid(std::string_view field, std::string_view what) {
  std::string message(field);
  message += ": ";
  message += what;
  return Status::InvalidArgument(std::move(message));
}

}  // namespace

std::span<const CurrencyInfo> KnownCurrencies() { return kCurrencies; }

std::optional<int> CurrencyExponent(std::string_view code) {
  const auto it = std::ranges::lower_bound(kCurrencies, code, {}, &CurrencyInfo::code);
  if (it == kCurrencies.end() || it->code != code) return std::nullopt;
  return it->exponent;
}

Status ValidateCurrency(std::string_view field, std::string_view code) {
  if (!IsThreeUpperCaseLetters(code)) {
    return Invalid(field,
                   "must be an ISO 4217 code of exactly three upper-case letters, "
                   "e.g. EUR");
  }
  if (!CurrencyExponent(code).has_value()) {
    return Invalid(field,
                   "is not an active ISO 4217 currency with a minor unit; use the "
                   "currency the payment was made in, e.g. EUR or USD");
  }
  return Status::Ok();
}

Status ValidateAmount(std::int64_t amount_minor, std::string_view currency) {
  if (amount_minor <= 0) {
    return Invalid("amount", "must be greater than zero, in the currency's minor unit");
  }
  if (amount_minor > kMaxAmountMinor) {
    return Invalid("amount", "must be at most 10^15 minor units");
  }
  return ValidateCurrency("currency", currency);
}

}  // namespace cvault::domain
