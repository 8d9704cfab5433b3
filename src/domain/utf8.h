// UTF-8 decoding and the white-space class that the text checks
// (validation.h) and the card screen (card_screen.h) share.
//
// Stateless free functions over their arguments; safe to call from any thread.
#ifndef CVAULT_DOMAIN_UTF8_H_
#define CVAULT_DOMAIN_UTF8_H_

#include <cstddef>
#include <string_view>

namespace cvault::domain {

// Returns the length of the well-formed UTF-8 sequence at text[pos] and
// stores its code point, or returns 0 (and leaves `code_point` alone). Follows
// Unicode Table 3-7, which rules out overlong forms, surrogates and code
// points above U+10FFFF. REQUIRES: pos < text.size().
std::size_t DecodeUtf8(std::string_view text, std::size_t pos, char32_t& code_point);

// The Unicode White_Space set plus the zero-width space U+200B and the BOM
// U+FEFF: a value made only of these looks empty to a person.
bool IsBlank(char32_t code_point);

}  // namespace cvault::domain

#endif  // CVAULT_DOMAIN_UTF8_H_
