// The payment-card screen: whether text holds what looks like a payment card
// number (PAN), written in any script's digits and split by whatever a person
// types between digit groups. Every free-text and identifier field that
// reaches storage or the audit log goes through it, so that a card number is
// never stored.
//
// Stateless free functions over their arguments; safe to call from any thread.
#ifndef CVAULT_DOMAIN_CARD_SCREEN_H_
#define CVAULT_DOMAIN_CARD_SCREEN_H_

#include <string_view>

#include "cvault/status.h"

namespace cvault::domain {

// True when `text` contains what looks like a payment card number.
//
// The text is read as a person would read it, code point by code point:
//  - A digit is any Unicode decimal digit (General_Category Nd, Unicode
//    15.0: ASCII, fullwidth, Arabic-Indic, extended Arabic-Indic,
//    Devanagari, Bengali, Thai, the mathematical digits and every other
//    script's), plus the superscript, subscript and circled digits that NFKC
//    folds to a digit. Each counts with its numeric value, so a number
//    written partly in ASCII and partly in fullwidth or Arabic-Indic digits
//    reads as one number.
//  - A separator is any of: Unicode White_Space (tabs and line breaks, the
//    no-break spaces U+00A0, U+2007 and U+202F, U+2000..U+200A, U+3000, ...);
//    the invisible U+200B, U+200C, U+200D, U+2060, U+FEFF and soft hyphen
//    U+00AD; dots ('.', U+00B7, U+2024, U+2027, U+3002, U+30FB, U+FE52,
//    U+FF0E, U+FF61, U+FF65); dashes ('-', U+2010..U+2015, U+2043, U+2212,
//    U+2E3A, U+2E3B, U+FE58, U+FE63, U+FF0D); slashes ('/', '\', U+2044,
//    U+2215, U+FF0F, U+FF3C); underscores ('_', U+FE4D..U+FE4F, U+FF3F);
//    colons (':', U+2236, U+FE13, U+FE55, U+FF1A); the variation selectors
//    U+FE00..U+FE0F and the combining keycap U+20E3 that dress up a digit as
//    an emoji; and any byte that is not part of well-formed UTF-8, so text
//    in a legacy encoding is screened as it would be displayed (Latin-1's
//    no-break space is the byte A0).
//  - Anything else (letters, '+', '#', ',', parentheses, ...) ends a run.
//
// A digit run is a stretch of digits in which runs of separators of any
// length may sit between digits; the separators split it into groups of
// unbroken digits. A candidate is any sequence of whole consecutive groups of
// a run that holds 13 to 19 digits in total and does not start with a 0
// (no card issuer number does). The text contains a card number when some
// candidate passes the Luhn check.
//
// Consequences, chosen on purpose:
//  - "4111.1111.1111.1111", "4111  1111  1111  1111", "4111 - 1111 - 1111 -
//    1111", "4111/1111/1111/1111", no-break spaces and fullwidth digits are
//    all found;
//  - a card followed by more digits still counts when a separator sits
//    between them ("4111 1111 1111 1111 123" with a CVV, "... 12/27");
//  - a group of 20 or more unbroken digits is never part of a candidate, and
//    candidates never reach across it: long numeric references (parcel
//    tracking numbers, bank references) and hashes pass. Finding a card
//    glued inside such a group would mean trying every 13 to 19 digit window
//    of it, and nearly every long reference would then hold a Luhn-valid
//    window by chance; a person cannot read a card out of it either;
//  - likewise a card glued to other digits without a separator is not found
//    ("41111111111111112" is one 17-digit group failing Luhn);
//  - the price of the broad separators: unrelated digits that form a 13 to
//    19 digit run pass Luhn about one time in ten and are refused, for
//    example a date with time and seconds ("2024-01-15 10:30:00", 14
//    digits), a long phone number written with spaces, or numbers listed
//    one per line. Letters, '+', '#', commas and parentheses end a run, so
//    "ORD-2024-000123" (10 digits), "+44 20 7183 8750" (12) and ISO
//    timestamps ("2024-01-15T10:30:00Z": the 'T' ends the run) pass. For a
//    vault, a false alarm beats a stored card number.
//
// Works on positions and a fixed 19-digit window: allocates nothing, never
// copies the text, and is safe on arbitrary bytes.
bool ContainsCardNumber(std::string_view text);

// InvalidArgument naming `field` when ContainsCardNumber(value); the message
// never contains the value.
[[nodiscard]] Status ScreenForCardNumber(std::string_view field, std::string_view value);

}  // namespace cvault::domain

#endif  // CVAULT_DOMAIN_CARD_SCREEN_H_
