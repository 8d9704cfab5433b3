// Field validation. See validation.h for the contracts; this file holds the
// parsers behind them.
#include "domain/validation.h"

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cvault/status.h"
#include "domain/card_screen.h"
#include "domain/utf8.h"

namespace cvault::domain {
namespace {

constexpr std::size_t kMaxEmailBytes = 254;  // RFC 5321 path minus "<>"
constexpr std::size_t kMaxEmailLocalBytes = 64;
constexpr std::size_t kMaxDomainLabelBytes = 63;
constexpr std::size_t kMinPhoneDigits = 8;
constexpr std::size_t kMaxPhoneDigits = 15;       // E.164
constexpr std::size_t kMaxLanguageTagChars = 35;  // RFC 5646 section 4.4.1

// Every message is built here from the field name and fixed text, so no
// message can carry the value.
Status Invalid(std::string_view field, std::string_view problem) {
  std::string message(field);
  message += ": ";
  message += problem;
  return Status::InvalidArgument(std::move(message));
}

bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAsciiUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsAsciiAlpha(char c) { return IsAsciiUpper(c) || (c >= 'a' && c <= 'z'); }
bool IsAsciiAlnum(char c) { return IsAsciiDigit(c) || IsAsciiAlpha(c); }
bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
         c == '\f';
}
char ToAsciiLower(char c) {
  return IsAsciiUpper(c) ? static_cast<char>(c - 'A' + 'a') : c;
}

bool AllOf(std::string_view s, bool (*pred)(char)) {
  return std::ranges::all_of(s, pred);
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return std::ranges::equal(
      a, b, [](char x, char y) { return ToAsciiLower(x) == ToAsciiLower(y); });
}

std::string_view TrimAsciiWhitespace(std::string_view s) {
  while (!s.empty() && IsAsciiSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsAsciiSpace(s.back())) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> Split(std::string_view s, char delimiter) {
  std::vector<std::string_view> parts;
  for (std::size_t start = 0;;) {
    const std::size_t end = s.find(delimiter, start);
    parts.push_back(s.substr(start, end - start));
    if (end == std::string_view::npos) return parts;
    start = end + 1;
  }
}

// ---------------------------------------------------------------- free text

bool IsControl(char32_t cp) { return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F); }

// ---------------------------------------------------------- language tags

bool IsAlphaOfLength(std::string_view s, std::size_t min, std::size_t max) {
  return s.size() >= min && s.size() <= max && AllOf(s, IsAsciiAlpha);
}

bool IsIrregularGrandfatheredTag(std::string_view tag) {
  // RFC 5646 section 2.1: tags that predate the current syntax.
  static constexpr std::string_view kIrregular[] = {
      "en-GB-oed", "i-ami", "i-bnn",     "i-default", "i-enochian", "i-hak",
      "i-klingon", "i-lux", "i-mingo",   "i-navajo",  "i-pwn",      "i-tao",
      "i-tay",     "i-tsu", "sgn-BE-FR", "sgn-BE-NL", "sgn-CH-DE"};
  return std::ranges::any_of(kIrregular, [&](std::string_view irregular) {
    return EqualsIgnoreCase(tag, irregular);
  });
}

// "x" followed by one or more subtags of 1 to 8 alphanumerics, from `pos`.
bool IsPrivateUseTail(const std::vector<std::string_view>& subtags,
                      std::size_t pos) {
  return pos + 1 < subtags.size() && EqualsIgnoreCase(subtags[pos], "x");
}

bool ContainsIgnoreCase(const std::vector<std::string_view>& seen,
                        std::string_view subtag) {
  return std::ranges::any_of(
      seen, [&](std::string_view s) { return EqualsIgnoreCase(s, subtag); });
}

// The langtag production of RFC 5646, with the stricter primary language
// described in validation.h. REQUIRES: every subtag is 1 to 8 alphanumerics.
bool IsWellFormedLangtag(const std::vector<std::string_view>& subtags) {
  std::size_t pos = 0;
  const auto at = [&]() -> std::string_view {
    return pos < subtags.size() ? subtags[pos] : std::string_view();
  };
  if (!IsAlphaOfLength(at(), 2, 3)) return false;
  ++pos;
  for (int i = 0; i < 3 && IsAlphaOfLength(at(), 3, 3); ++i) ++pos;  // extlang
  if (IsAlphaOfLength(at(), 4, 4)) ++pos;                            // script
  if (IsAlphaOfLength(at(), 2, 2) ||
      (at().size() == 3 && AllOf(at(), IsAsciiDigit))) {
    ++pos;  // region
  }
  std::vector<std::string_view> variants;
  while ((at().size() >= 5) || (at().size() == 4 && IsAsciiDigit(at()[0]))) {
    if (ContainsIgnoreCase(variants, at())) return false;
    variants.push_back(at());
    ++pos;
  }
  std::vector<std::string_view> singletons;
  while (at().size() == 1 && !EqualsIgnoreCase(at(), "x")) {
    if (ContainsIgnoreCase(singletons, at())) return false;
    singletons.push_back(at());
    ++pos;
    const std::size_t first_value = pos;
    while (at().size() >= 2) ++pos;
    if (pos == first_value) return false;  // a singleton needs a value
  }
  if (pos == subtags.size()) return true;
  return IsPrivateUseTail(subtags, pos);
}

}  // namespace

Status ValidateToken(std::string_view field, std::string_view value) {
  CVAULT_RETURN_IF_ERROR(ScreenForCardNumber(field, value));
  const bool ok = !value.empty() && value.size() <= 64 &&
                  std::all_of(value.begin(), value.end(), [](char c) {
                    return IsAsciiAlnum(c) || c == '.' || c == '_' || c == '-';
                  });
  if (!ok) return Invalid(field, "1-64 letters, digits and . _ - required");
  return Status::Ok();
}

Status ValidateText(std::string_view field, std::string_view value,
                    std::size_t max_bytes, bool allow_newlines) {
  if (value.size() > max_bytes) {
    return Invalid(field, "too long (at most " + std::to_string(max_bytes) +
                              " bytes of UTF-8)");
  }
  bool has_visible_character = false;
  for (std::size_t pos = 0; pos < value.size();) {
    char32_t cp = 0;
    const std::size_t length = DecodeUtf8(value, pos, cp);
    if (length == 0) {
      return Invalid(field,
                     "not valid UTF-8 (expected UTF-8 text without overlong "
                     "forms, surrogates or invalid bytes)");
    }
    if (cp == 0) return Invalid(field, "contains a NUL byte (expected text)");
    const bool allowed_control =
        allow_newlines &&
        (cp == '\n' || cp == '\t' ||
         (cp == '\r' && pos + 1 < value.size() && value[pos + 1] == '\n'));
    if (IsControl(cp) && !allowed_control) {
      return Invalid(field, allow_newlines
                                ? "contains a control character (only tabs "
                                  "and line breaks are allowed)"
                                : "contains a line break or control character "
                                  "(expected a single line of text)");
    }
    if (!IsBlank(cp)) has_visible_character = true;
    pos += length;
  }
  if (!has_visible_character) {
    return Invalid(field, "is empty or blank (a value is required)");
  }
  return ScreenForCardNumber(field, value);
}

Status ValidateEmail(std::string_view field, std::string_view value) {
  constexpr std::string_view kExpected = " (expected name@domain.tld)";
  const std::string_view email = TrimAsciiWhitespace(value);
  if (email.empty()) {
    return Invalid(field, std::string("is empty") += kExpected);
  }
  if (email.size() > kMaxEmailBytes) {
    return Invalid(field, "too long (at most 254 bytes)");
  }
  for (const char c : email) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x80) {
      return Invalid(field,
                     "contains non-ASCII characters (expected an ASCII "
                     "address; write an international domain in its xn-- "
                     "form)");
    }
    if (byte <= 0x20 || byte == 0x7F) {
      return Invalid(field, std::string("contains white space or control "
                                        "characters") += kExpected);
    }
  }
  const std::size_t at = email.find('@');
  if (at == std::string_view::npos) {
    return Invalid(field, std::string("has no '@'") += kExpected);
  }
  if (email.find('@', at + 1) != std::string_view::npos) {
    return Invalid(field,
                   "has more than one '@' (expected name@domain.tld; quoted "
                   "local parts are not supported)");
  }
  const std::string_view local = email.substr(0, at);
  const std::string_view domain = email.substr(at + 1);
  if (local.empty()) {
    return Invalid(field,
                   std::string("has nothing before the '@'") += kExpected);
  }
  if (local.size() > kMaxEmailLocalBytes) {
    return Invalid(field, "part before the '@' is too long (at most 64 bytes)");
  }
  const bool local_is_dot_atom =
      local.front() != '.' && local.back() != '.' &&
      local.find("..") == std::string_view::npos &&
      std::ranges::all_of(local, [](char c) {
        return IsAsciiAlnum(c) ||
               std::string_view(".!#$%&'*+-/=?^_`{|}~").find(c) !=
                   std::string_view::npos;
      });
  if (!local_is_dot_atom) {
    return Invalid(field,
                   "part before the '@' is not valid (expected letters, "
                   "digits and !#$%&'*+-/=?^_`{|}~ with single dots between "
                   "them)");
  }
  if (domain.empty()) {
    return Invalid(field,
                   std::string("has nothing after the '@'") += kExpected);
  }
  const std::vector<std::string_view> labels = Split(domain, '.');
  if (labels.size() < 2) {
    return Invalid(field, std::string("domain has no dot") += kExpected);
  }
  for (const std::string_view label : labels) {
    const bool is_ldh =
        !label.empty() && label.size() <= kMaxDomainLabelBytes &&
        label.front() != '-' && label.back() != '-' &&
        std::ranges::all_of(label,
                            [](char c) { return IsAsciiAlnum(c) || c == '-'; });
    if (!is_ldh) {
      return Invalid(field,
                     "domain is not valid (expected dot-separated labels of "
                     "1 to 63 letters, digits or inner hyphens)");
    }
  }
  // All-digit top-level labels would admit IP-address lookalikes.
  const std::string_view tld = labels.back();
  const bool is_a_label =
      tld.size() > 4 && EqualsIgnoreCase(tld.substr(0, 4), "xn--");
  if (!is_a_label && !IsAlphaOfLength(tld, 2, kMaxDomainLabelBytes)) {
    return Invalid(field,
                   "top-level domain is not valid (expected two or more "
                   "letters after the last dot)");
  }
  return Status::Ok();
}

Status ValidatePhone(std::string_view field, std::string_view value) {
  constexpr std::string_view kExpected =
      " (expected E.164: '+', country code and number)";
  const std::string_view phone = TrimAsciiWhitespace(value);
  if (phone.empty()) {
    return Invalid(field, std::string("is empty") += kExpected);
  }
  if (phone.front() != '+') {
    return Invalid(field, std::string("does not start with '+'") += kExpected);
  }
  std::size_t digits = 0;
  bool in_parens = false;
  std::size_t digits_before_paren = 0;
  char last_digit = 0;
  for (const char c : phone.substr(1)) {
    if (IsAsciiDigit(c)) {
      if (digits == 0 && c == '0') {
        return Invalid(field,
                       "country code starts with 0 (expected '+' and a "
                       "country code, which never starts with 0)");
      }
      ++digits;
      last_digit = c;
    } else if (c == '(') {
      if (in_parens) return Invalid(field, "has nested parentheses");
      in_parens = true;
      digits_before_paren = digits;
    } else if (c == ')') {
      if (!in_parens) return Invalid(field, "has unbalanced parentheses");
      in_parens = false;
      if (digits - digits_before_paren == 1 && last_digit == '0') {
        return Invalid(field,
                       "contains a \"(0)\" trunk prefix (remove it: whether "
                       "the 0 belongs to the number depends on the country)");
      }
    } else if (c != ' ' && c != '-' && c != '.') {
      return Invalid(field,
                     std::string("contains characters other than digits and "
                                 "the separators space - . ( )") += kExpected);
    }
  }
  if (in_parens) return Invalid(field, "has unbalanced parentheses");
  if (digits < kMinPhoneDigits || digits > kMaxPhoneDigits) {
    return Invalid(field,
                   "has the wrong number of digits (expected 8 to 15 digits "
                   "after the '+')");
  }
  return Status::Ok();
}

Status ValidateCountry(std::string_view field, std::string_view value) {
  if (value.size() != 2 || !AllOf(value, IsAsciiUpper)) {
    return Invalid(field,
                   "not two upper-case letters (expected an ISO 3166-1 "
                   "alpha-2 country code in upper case)");
  }
  if (!IsAssignedCountryCode(value)) {
    return Invalid(field,
                   "not an officially assigned ISO 3166-1 alpha-2 code "
                   "(reserved and user-assigned codes are refused)");
  }
  return Status::Ok();
}

Status ValidateLanguageTag(std::string_view field, std::string_view value) {
  // First, so that a card number is refused as such: variants and private-use
  // subtags may be all digits.
  CVAULT_RETURN_IF_ERROR(ScreenForCardNumber(field, value));
  if (value.size() > kMaxLanguageTagChars) {
    return Invalid(field, "too long (at most 35 characters)");
  }
  const std::vector<std::string_view> subtags = Split(value, '-');
  const bool subtags_are_alnum =
      std::ranges::all_of(subtags, [](std::string_view subtag) {
        return !subtag.empty() && subtag.size() <= 8 &&
               AllOf(subtag, IsAsciiAlnum);
      });
  const bool well_formed =
      subtags_are_alnum &&
      (IsPrivateUseTail(subtags, 0) || IsIrregularGrandfatheredTag(value) ||
       IsWellFormedLangtag(subtags));
  if (!well_formed) {
    return Invalid(field,
                   "not a well-formed BCP 47 language tag (expected "
                   "language[-Script][-REGION][-variant], such as en or "
                   "pt-BR)");
  }
  return Status::Ok();
}

std::string NormalizeEmail(std::string_view email) {
  std::string normalized(TrimAsciiWhitespace(email));
  std::ranges::transform(normalized, normalized.begin(), ToAsciiLower);
  return normalized;
}

std::string NormalizePhone(std::string_view phone) {
  std::string normalized;
  for (const char c : TrimAsciiWhitespace(phone)) {
    if (c != ' ' && c != '-' && c != '.' && c != '(' && c != ')') {
      normalized.push_back(c);
    }
  }
  return normalized;
}

bool IsIdentifier(std::string_view s, std::size_t max, std::string_view extra) {
  if (s.empty() || s.size() > max) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || extra.find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

}  // namespace cvault::domain
