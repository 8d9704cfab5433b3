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

}  // namespace cvault::domain
