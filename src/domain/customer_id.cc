#include <array>
#include <string>

#include "crypto/random.h"
#include "cvault/customer.h"

namespace cvault {
namespace {

constexpr std::string_view kPrefix = "cus_";
constexpr std::size_t kBodyLength = 26;  // 130 random bits
constexpr std::string_view kAlphabet = "abcdefghijklmnopqrstuvwxyz234567";

}  // namespace

StatusOr<CustomerId> CustomerId::Parse(std::string_view text) {
  if (text.size() != kPrefix.size() + kBodyLength || !text.starts_with(kPrefix)) {
    return Error(Status::InvalidArgument(
        "customer id: expected \"cus_\" followed by 26 base32 characters"));
  }
  for (char c : text.substr(kPrefix.size())) {
    if (kAlphabet.find(c) == std::string_view::npos) {
      return Error(Status::InvalidArgument(
          "customer id: only lower-case a-z and 2-7 may follow \"cus_\""));
    }
  }
  return CustomerId(std::string(text));
}

CustomerId CustomerId::Generate() {
  std::array<std::uint8_t, kBodyLength> random{};
  crypto::FillRandom(random);
  std::string id(kPrefix);
  // 256 is a multiple of 32, so masking keeps every character equally likely.
  for (std::uint8_t byte : random) id += kAlphabet[byte & 31];
  return CustomerId(std::move(id));
}

}  // namespace cvault
