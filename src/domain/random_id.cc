#include "domain/random_id.h"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "crypto/random.h"
#include "domain/card_screen.h"

namespace cvault::domain {

std::string NewRandomId(std::string_view prefix) {
  std::string id;
  do {
    std::array<std::uint8_t, kRandomIdLength> random{};
    crypto::FillRandom(random);
    id.assign(prefix);
    // 256 is a multiple of 32, so masking keeps every character equally likely.
    for (std::uint8_t byte : random) id += kRandomIdAlphabet[byte & 31];
  } while (ContainsCardNumber(id));
  return id;
}

bool IsRandomId(std::string_view text, std::string_view prefix) {
  if (text.size() != prefix.size() + kRandomIdLength || !text.starts_with(prefix)) {
    return false;
  }
  return text.substr(prefix.size()).find_first_not_of(kRandomIdAlphabet) ==
         std::string_view::npos;
}

}  // namespace cvault::domain
