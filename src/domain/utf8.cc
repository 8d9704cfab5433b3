#include "domain/utf8.h"

#include <algorithm>
#include <cstddef>
#include <string_view>

namespace cvault::domain {

std::size_t DecodeUtf8(std::string_view text, std::size_t pos, char32_t& code_point) {
  const auto byte = [&](std::size_t i) {
    return static_cast<unsigned char>(text[pos + i]);
  };
  const unsigned char lead = byte(0);
  if (lead < 0x80) {
    code_point = lead;
    return 1;
  }
  std::size_t length = 0;
  unsigned char min_second = 0x80;
  unsigned char max_second = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead == 0xE0) {
    length = 3;
    min_second = 0xA0;  // below: overlong
  } else if (lead == 0xED) {
    length = 3;
    max_second = 0x9F;  // above: surrogates
  } else if (lead >= 0xE1 && lead <= 0xEF) {
    length = 3;
  } else if (lead == 0xF0) {
    length = 4;
    min_second = 0x90;  // below: overlong
  } else if (lead >= 0xF1 && lead <= 0xF3) {
    length = 4;
  } else if (lead == 0xF4) {
    length = 4;
    max_second = 0x8F;  // above: past U+10FFFF
  } else {
    return 0;  // stray continuation byte, overlong C0/C1 lead, or F5..FF
  }
  if (text.size() - pos < length) return 0;
  if (byte(1) < min_second || byte(1) > max_second) return 0;
  char32_t value = lead & (0xFFu >> (length + 1));
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(i) & 0xC0) != 0x80) return 0;
    value = (value << 6) | (byte(i) & 0x3Fu);
  }
  code_point = value;
  return length;
}

bool IsBlank(char32_t code_point) {
  static constexpr char32_t kBlanks[] = {0x09,   0x0A,   0x0B,   0x0C,   0x0D,   0x20,
                                         0x85,   0xA0,   0x1680, 0x200B, 0x2028, 0x2029,
                                         0x202F, 0x205F, 0x3000, 0xFEFF};
  return (code_point >= 0x2000 && code_point <= 0x200A) ||
         std::ranges::count(kBlanks, code_point) > 0;
}

}  // namespace cvault::domain
