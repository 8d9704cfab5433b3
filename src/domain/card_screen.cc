// The payment-card screen. See card_screen.h for the rule; this file holds
// the character classes and the scan behind it.
#include "domain/card_screen.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "cvault/status.h"
#include "domain/utf8.h"

namespace cvault::domain {
namespace {

constexpr std::size_t kMinCardDigits = 13;
constexpr std::size_t kMaxCardDigits = 19;
constexpr int kNotADigit = -1;

// The zero of every block of General_Category Nd in Unicode 15.0, sorted.
// Unicode encodes each script's decimal digits as ten consecutive code
// points from zero to nine (a stability guarantee), so the zero is all a
// digit's value needs. The list is every code point with General_Category
// Nd and numeric value 0, as ICU's u_charType and u_charDigitValue report
// them; a later Unicode version may add blocks.
constexpr char32_t kDecimalDigitZeros[] = {
    0x00030, 0x00660, 0x006F0, 0x007C0, 0x00966, 0x009E6, 0x00A66, 0x00AE6, 0x00B66,
    0x00BE6, 0x00C66, 0x00CE6, 0x00D66, 0x00DE6, 0x00E50, 0x00ED0, 0x00F20, 0x01040,
    0x01090, 0x017E0, 0x01810, 0x01946, 0x019D0, 0x01A80, 0x01A90, 0x01B50, 0x01BB0,
    0x01C40, 0x01C50, 0x0A620, 0x0A8D0, 0x0A900, 0x0A9D0, 0x0A9F0, 0x0AA50, 0x0ABF0,
    0x0FF10, 0x104A0, 0x10D30, 0x11066, 0x110F0, 0x11136, 0x111D0, 0x112F0, 0x11450,
    0x114D0, 0x11650, 0x116C0, 0x11730, 0x118E0, 0x11950, 0x11C50, 0x11D50, 0x11DA0,
    0x11F50, 0x16A60, 0x16AC0, 0x16B50, 0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6,
    0x1E140, 0x1E2F0, 0x1E4F0, 0x1E950, 0x1FBF0};

// Digits that are not Nd but that NFKC folds to one digit: superscripts,
// subscripts and circled digits. Each range holds consecutive values.
struct FoldedDigits {
  char32_t first;
  char32_t last;
  int first_value;
};
constexpr FoldedDigits kFoldedDigits[] = {
    {0x00B2, 0x00B3, 2}, {0x00B9, 0x00B9, 1}, {0x2070, 0x2070, 0}, {0x2074, 0x2079, 4},
    {0x2080, 0x2089, 0}, {0x2460, 0x2468, 1}, {0x24EA, 0x24EA, 0}};

// The numeric value of a digit (card_screen.h), or kNotADigit.
int DigitValue(char32_t cp) {
  if (cp < 0x80) return cp >= '0' && cp <= '9' ? static_cast<int>(cp - '0') : kNotADigit;
  const auto* after = std::ranges::upper_bound(kDecimalDigitZeros, cp);
  if (after != std::begin(kDecimalDigitZeros) && cp - *(after - 1) < 10) {
    return static_cast<int>(cp - *(after - 1));
  }
  for (const FoldedDigits& folded : kFoldedDigits) {
    if (cp >= folded.first && cp <= folded.last) {
      return folded.first_value + static_cast<int>(cp - folded.first);
    }
  }
  return kNotADigit;
}

// What may sit between the digit groups of one number (card_screen.h).
bool IsSeparator(char32_t cp) {
  if (IsBlank(cp)) return true;  // white space, U+200B, U+FEFF
  if ((cp >= 0x2010 && cp <= 0x2015) || (cp >= 0xFE00 && cp <= 0xFE0F) ||
      (cp >= 0xFE4D && cp <= 0xFE4F)) {
    return true;  // dashes; variation selectors; low lines
  }
  static constexpr char32_t kSeparators[] = {
      // invisible
      0x00AD, 0x200C, 0x200D, 0x2060,
      // dots
      '.', 0x00B7, 0x2024, 0x2027, 0x3002, 0x30FB, 0xFE52, 0xFF0E, 0xFF61, 0xFF65,
      // dashes
      '-', 0x2043, 0x2212, 0x2E3A, 0x2E3B, 0xFE58, 0xFE63, 0xFF0D,
      // slashes
      '/', '\\', 0x2044, 0x2215, 0xFF0F, 0xFF3C,
      // underscores
      '_', 0xFF3F,
      // colons
      ':', 0x2236, 0xFE13, 0xFE55, 0xFF1A,
      // the combining keycap of digit emoji
      0x20E3};
  return std::ranges::count(kSeparators, cp) > 0;
}

bool PassesLuhn(std::span<const std::uint8_t> digits) {
  int sum = 0;
  bool double_it = false;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    int digit = *it;
    if (double_it) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double_it = !double_it;
  }
  return sum % 10 == 0;
}

// The tail of the current digit run that a candidate could still use: the
// last whole groups holding at most kMaxCardDigits digits, then the group
// being read. A candidate ending with a group is checked when the group
// ends, so every candidate of the run is checked exactly once.
class RunWindow {
 public:
  // Appends a digit (0-9) to the group being read.
  void AddDigit(int digit) {
    if (group_too_long_) return;
    if (current_group_ == kMaxCardDigits) {
      // The group is now too long to be part of any candidate, and no
      // candidate may reach across it.
      Clear();
      group_too_long_ = true;
      return;
    }
    if (digit_count_ == kMaxCardDigits) DropOldestGroup();
    digits_[digit_count_++] = static_cast<std::uint8_t>(digit);
    ++current_group_;
  }

  // Ends the group being read; true when a candidate ending with it is a
  // card number.
  bool EndGroup() {
    if (group_too_long_) {
      group_too_long_ = false;  // the window is already empty
      return false;
    }
    if (current_group_ == 0) return false;
    group_sizes_[group_count_++] = static_cast<std::uint8_t>(current_group_);
    current_group_ = 0;
    std::size_t begin = digit_count_;
    for (std::size_t group = group_count_; group-- > 0;) {
      begin -= group_sizes_[group];
      const std::span<const std::uint8_t> candidate(digits_.data() + begin,
                                                    digit_count_ - begin);
      if (candidate.size() >= kMinCardDigits && candidate.front() != 0 &&
          PassesLuhn(candidate)) {
        return true;
      }
    }
    return false;
  }

  // Forgets the run.
  void Clear() { *this = RunWindow(); }

 private:
  // REQUIRES: a whole group is kept (true whenever the window is full and the
  // group being read is shorter than kMaxCardDigits).
  void DropOldestGroup() {
    const std::size_t size = group_sizes_[0];
    std::shift_left(digits_.begin(), digits_.begin() + digit_count_,
                    static_cast<std::ptrdiff_t>(size));
    digit_count_ -= size;
    std::shift_left(group_sizes_.begin(), group_sizes_.begin() + group_count_, 1);
    --group_count_;
  }

  std::array<std::uint8_t, kMaxCardDigits> digits_{};  // kept groups, then current
  std::array<std::uint8_t, kMaxCardDigits> group_sizes_{};
  std::size_t digit_count_ = 0;
  std::size_t group_count_ = 0;    // whole groups kept
  std::size_t current_group_ = 0;  // digits of the group being read
  bool group_too_long_ = false;    // it passed kMaxCardDigits
};

}  // namespace

bool ContainsCardNumber(std::string_view text) {
  RunWindow run;
  bool in_group = false;  // the last code point was a digit
  for (std::size_t pos = 0; pos < text.size();) {
    char32_t cp = 0;
    std::size_t length = DecodeUtf8(text, pos, cp);
    const bool well_formed = length != 0;
    if (!well_formed) length = 1;
    pos += length;
    const int digit = well_formed ? DigitValue(cp) : kNotADigit;
    if (digit != kNotADigit) {
      run.AddDigit(digit);
      in_group = true;
      continue;
    }
    if (in_group && run.EndGroup()) return true;
    in_group = false;
    if (well_formed && !IsSeparator(cp)) run.Clear();
  }
  return in_group && run.EndGroup();
}

Status ScreenForCardNumber(std::string_view field, std::string_view value) {
  if (!ContainsCardNumber(value)) return Status::Ok();
  std::string message(field);
  message +=
      ": looks like a payment card number; card numbers must never be stored "
      "(remove it, or keep at most the last four digits)";
  return Status::InvalidArgument(std::move(message));
}

}  // namespace cvault::domain
