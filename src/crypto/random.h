// Random bytes from libsodium's CSPRNG (randombytes_buf). Thread-safe.
// For random secrets use SecretBytes::Random instead, so the bytes never sit
// in ordinary memory.
#ifndef CVAULT_CRYPTO_RANDOM_H_
#define CVAULT_CRYPTO_RANDOM_H_

#include <cstddef>
#include <cstdint>
#include <span>

#include "crypto/bytes.h"

namespace cvault::crypto {

// Overwrites every byte of `out` with CSPRNG output, in one call.
void FillRandom(std::span<std::uint8_t> out);

// `size` bytes of CSPRNG output (non-secret uses: nonces, salts, ids).
[[nodiscard]] Bytes RandomBytes(std::size_t size);

}  // namespace cvault::crypto

#endif  // CVAULT_CRYPTO_RANDOM_H_
