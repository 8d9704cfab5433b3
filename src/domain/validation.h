// Input validation for customer fields: free text, email, phone, country and
// language tag. Free text and language tags also go through the payment-card
// screen (card_screen.h).
//
// Every check returns Status::Ok() or Status::InvalidArgument whose message
// names the field, says what is wrong and what is expected, and never contains
// the value or any part of it: values are personal data and messages reach
// logs and audit entries.
//
// Stateless free functions over their arguments; safe to call from any thread.
#ifndef CVAULT_DOMAIN_VALIDATION_H_
#define CVAULT_DOMAIN_VALIDATION_H_

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "cvault/status.h"

namespace cvault::domain {

// Free text (names, addresses, references, ticket summaries). Accepts `value`
// when it:
//  - is at most `max_bytes` bytes long;
//  - is well-formed UTF-8 (no overlong forms, surrogates or code points past
//    U+10FFFF);
//  - holds no NUL and no C0/C1 control character or DEL, except that with
//    `allow_newlines` it may hold '\n', "\r\n" and '\t' (a lone '\r' is
//    refused: it rewrites lines on terminals);
//  - holds at least one character that is not white space or an invisible
//    space (U+200B, U+FEFF and the Unicode White_Space set);
//  - contains no payment card number (ContainsCardNumber, card_screen.h).
[[nodiscard]] Status ValidateText(std::string_view field,
                                  std::string_view value, std::size_t max_bytes,
                                  bool allow_newlines);

// A short machine token (template ids, policy versions, how a consent was
// given): 1 to 64 of [A-Za-z0-9._-], screened for card numbers first, so a
// card number is refused as such.
[[nodiscard]] Status ValidateToken(std::string_view field, std::string_view value);

// A practical RFC 5321 subset: dot-atom local part of 1 to 64 bytes, '@', a
// domain of LDH labels (1 to 63 bytes, no leading or trailing hyphen) with at
// least one dot, whose last label is two or more letters or an IDN A-label
// ("xn--..."). At most 254 bytes, ASCII only. Quoted local parts and address
// literals are refused. Leading and trailing ASCII white space is tolerated
// (NormalizeEmail removes it); inner white space is not.
[[nodiscard]] Status ValidateEmail(std::string_view field,
                                   std::string_view value);

// E.164 in international form: '+' then 8 to 15 digits, the first non-zero.
// The separators space, '-', '.', '(' and ')' may appear after the '+';
// parentheses must balance and not nest. A "(0)" trunk prefix is refused
// rather than guessed at: dropping it is right for some countries and wrong
// for others (Italy). Leading and trailing ASCII white space is tolerated.
[[nodiscard]] Status ValidatePhone(std::string_view field,
                                   std::string_view value);

// Exactly two upper-case ASCII letters forming an officially assigned
// ISO 3166-1 alpha-2 code. User-assigned codes (XK, AA, QM..QZ, XA..XZ, ZZ),
// reserved codes (UK, EU) and lower case are refused; no trimming.
[[nodiscard]] Status ValidateCountry(std::string_view field,
                                     std::string_view value);

// A well-formed BCP 47 (RFC 5646) tag of at most 35 characters, compared
// case-insensitively: language[-extlang]*[-script][-region][-variant]*
// [-extension]*[-privateuse], a private-use tag ("x-..."), or an irregular
// grandfathered tag ("i-klingon", "en-GB-oed", ...). Stricter than the ABNF
// in three ways: the primary language must be 2 or 3 letters (4 to 8 letters
// is syntax reserved for future registrations, none exist, and it would let
// "english" through), and a variant or an extension singleton may not repeat
// (RFC 5646 section 2.2.9). Digit-only variants and private-use subtags
// could spell a card number, so a tag is screened too (card_screen.h).
[[nodiscard]] Status ValidateLanguageTag(std::string_view field,
                                         std::string_view value);

// Trims ASCII white space and lower-cases ASCII letters of the whole address.
// Meaningful for values ValidateEmail accepts.
std::string NormalizeEmail(std::string_view email);

// Trims ASCII white space and removes the separators ValidatePhone allows,
// giving "+<digits>" for values ValidatePhone accepts.
std::string NormalizePhone(std::string_view phone);

// Whether `s` is 1 to `max` ASCII letters and digits and characters of
// `extra`: the shape of principal ids, roles, purposes and action names.
bool IsIdentifier(std::string_view s, std::size_t max, std::string_view extra);

// The officially assigned ISO 3166-1 alpha-2 codes, sorted (iso3166.cc).
std::span<const std::string_view> AssignedCountryCodes();
bool IsAssignedCountryCode(std::string_view code);

}  // namespace cvault::domain

#endif  // CVAULT_DOMAIN_VALIDATION_H_
