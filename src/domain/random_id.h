// The random ids the vault mints: customers ("cus_"), tickets ("tkt_"),
// refund cases ("rfd_"), retention holds ("hld_"), consent events and
// consents ("cev_", "con_"), erasures ("era_") and request ids ("req_").
//
// Such ids come back as input (a customer id as a self-service principal,
// a request id reused by a caller), so none may ever trip the card screen.
// Hex could: a 13 to 19 digit stretch passing Luhn turns up in about one in
// a thousand 24-digit hex strings. Lower-case base32 has six digits (2-7) in
// 32 symbols, so such a stretch is already rarer than one in 10^9, and
// NewRandomId draws again when one turns up, which makes it impossible.
//
// Thread-safe (libsodium's generator).
#ifndef CVAULT_DOMAIN_RANDOM_ID_H_
#define CVAULT_DOMAIN_RANDOM_ID_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace cvault::domain {

inline constexpr std::string_view kRandomIdAlphabet = "abcdefghijklmnopqrstuvwxyz234567";
inline constexpr std::size_t kRandomIdLength = 26;  // 130 random bits

// `prefix` followed by kRandomIdLength random characters of kRandomIdAlphabet,
// such that ContainsCardNumber is false for the whole id.
// REQUIRES: `prefix` has no digits.
std::string NewRandomId(std::string_view prefix);

// Whether `text` has the shape NewRandomId(prefix) gives: checked before an
// id a caller passed is looked up or recorded.
bool IsRandomId(std::string_view text, std::string_view prefix);

}  // namespace cvault::domain

#endif  // CVAULT_DOMAIN_RANDOM_ID_H_
