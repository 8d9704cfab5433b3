#include "crypto/bytes.h"

#include <sodium.h>

#include <string>

#include "crypto/sodium_init.h"

namespace cvault::crypto {

std::string ToHex(std::span<const std::uint8_t> bytes) {
  EnsureSodiumInitialized();
  if (bytes.empty()) return {};
  // sodium_bin2hex writes a terminating NUL, so it needs one spare byte.
  std::string hex(bytes.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), bytes.data(), bytes.size());
  hex.resize(bytes.size() * 2);
  return hex;
}

StatusOr<Bytes> FromHex(std::string_view hex) {
  EnsureSodiumInitialized();
  if (hex.size() % 2 != 0) {
    return Error(Status::InvalidArgument(
        "hex text is malformed: it has an odd number of digits"));
  }
  Bytes out(hex.size() / 2);
  if (hex.empty()) return out;
  std::size_t written = 0;
  const char* end = nullptr;
  const int rc = sodium_hex2bin(out.data(), out.size(), hex.data(), hex.size(),
                                /*ignore=*/nullptr, &written, &end);
  if (rc != 0 || written != out.size() || end != hex.data() + hex.size()) {
    return Error(Status::InvalidArgument(
        "hex text is malformed: it contains a character that is not a hex "
        "digit"));
  }
  return out;
}

}  // namespace cvault::crypto
