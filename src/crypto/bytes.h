// cvault::crypto::Bytes and hex helpers: the byte-vector type the crypto layer
// hands out for non-secret output (ciphertext, digests, signatures, blind
// indexes). Secret output is always a SecretBytes instead.
#ifndef CVAULT_CRYPTO_BYTES_H_
#define CVAULT_CRYPTO_BYTES_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cvault/status.h"

namespace cvault::crypto {

using Bytes = std::vector<std::uint8_t>;

// Lower-case hex, two digits per byte (sodium_bin2hex, constant time).
[[nodiscard]] std::string ToHex(std::span<const std::uint8_t> bytes);

// Parses hex (either case, no separators or whitespace) with sodium_hex2bin.
// InvalidArgument on an odd digit count or a non-hex character; the message
// never repeats the input.
[[nodiscard]] StatusOr<Bytes> FromHex(std::string_view hex);

// Views text as bytes without copying, for hashing and associated data.
inline std::span<const std::uint8_t> AsBytes(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

// Views bytes as text without copying, for writing them to a file.
inline std::string_view AsString(std::span<const std::uint8_t> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

}  // namespace cvault::crypto

#endif  // CVAULT_CRYPTO_BYTES_H_
