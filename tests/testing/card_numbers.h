// The test card numbers tests write into fields, and searches for them in
// what the vault and the tool put out. A search reads text the way a person
// would, as the card screen does: the digits of every form the tests write
// (ASCII, fullwidth, Arabic-Indic, ...) joined across separators of any kind.
// It looks for the test numbers themselves, not for any card-like run, and
// not for "4111" alone, which would be flaky: random hex (hashes,
// pseudonyms) holds such digits now and then.
//
// Written apart from the screen (domain/card_screen.cc) on purpose: a test
// that read output with the screen's own tables could not catch their gaps.
#ifndef CVAULT_TESTS_TESTING_CARD_NUMBERS_H_
#define CVAULT_TESTS_TESTING_CARD_NUMBERS_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace cvault::testing {

// Published test numbers (Visa, Mastercard, American Express).
inline constexpr std::string_view kTestCardNumbers[] = {
    "4111111111111111", "5555555555554444", "378282246310005"};

namespace card_numbers_internal {

// The value of a digit in one of the forms tests write, or -1.
inline int DigitValue(char32_t cp) {
  static constexpr char32_t kZeros[] = {U'0',    0xFF10,  0x0660,  0x06F0,
                                        0x0966,  0x09E6,  0x0E50,  0x1D7CE,
                                        0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6};
  for (char32_t zero : kZeros) {
    if (cp >= zero && cp < zero + 10) return static_cast<int>(cp - zero);
  }
  return -1;
}

// ASCII separators; every non-ASCII code point that is not a digit counts as
// one too (no-break spaces, Unicode dashes, fullwidth punctuation, ...).
inline bool IsSeparator(char32_t cp) {
  return cp >= 0x80 || std::string_view(" \t\r\n.-/\\_:").find(static_cast<char>(cp)) !=
                           std::string_view::npos;
}

// Decodes the code point at text[pos] leniently; returns its length (1 for
// a byte that does not start a sequence, read as U+FFFD).
inline std::size_t Decode(std::string_view text, std::size_t pos, char32_t& cp) {
  const auto lead = static_cast<unsigned char>(text[pos]);
  const std::size_t length = lead < 0x80    ? 1
                             : lead >= 0xF0 ? 4
                             : lead >= 0xE0 ? 3
                             : lead >= 0xC0 ? 2
                                            : 0;
  if (length == 0 || pos + length > text.size()) {
    cp = lead < 0x80 ? lead : 0xFFFD;
    return 1;
  }
  cp = length == 1 ? lead : lead & (0x7F >> length);
  for (std::size_t i = 1; i < length; ++i) {
    cp = (cp << 6) | (static_cast<unsigned char>(text[pos + i]) & 0x3F);
  }
  return length;
}

}  // namespace card_numbers_internal

// The digits of `text` in ASCII: one string per run of digits that only
// separators split.
inline std::vector<std::string> DigitRuns(std::string_view text) {
  std::vector<std::string> runs(1);
  for (std::size_t pos = 0; pos < text.size();) {
    char32_t cp = 0;
    pos += card_numbers_internal::Decode(text, pos, cp);
    const int digit = card_numbers_internal::DigitValue(cp);
    if (digit >= 0) {
      runs.back() += static_cast<char>('0' + digit);
    } else if (!card_numbers_internal::IsSeparator(cp) && !runs.back().empty()) {
      runs.emplace_back();
    }
  }
  return runs;
}

// Whether `text` holds the first eight digits of a test card number, in any
// of the forms above.
inline bool ContainsTestCardNumber(std::string_view text) {
  for (const std::string& run : DigitRuns(text)) {
    for (std::string_view card : kTestCardNumbers) {
      if (run.find(card.substr(0, 8)) != std::string::npos) return true;
    }
  }
  return false;
}

// Whether `text` holds any four consecutive digits of `digits` (ASCII), in
// any of the forms above. For messages, which hold no digits of their own
// beyond limits such as "1-64".
inline bool QuotesDigitsOf(std::string_view text, std::string_view digits) {
  for (const std::string& run : DigitRuns(text)) {
    for (std::size_t i = 0; i + 4 <= digits.size(); ++i) {
      if (run.find(digits.substr(i, 4)) != std::string::npos) return true;
    }
  }
  return false;
}

}  // namespace cvault::testing

#endif  // CVAULT_TESTS_TESTING_CARD_NUMBERS_H_
