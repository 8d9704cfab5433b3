// Hashes and constant-time comparison: BLAKE2b-256 (unkeyed for the audit
// chain, keyed for pseudonyms), SHA-256 (notice texts). Stateless functions
// are thread-safe; a Blake2bStream is not (one per thread).
#ifndef CVAULT_CRYPTO_HASH_H_
#define CVAULT_CRYPTO_HASH_H_

#include <sodium.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "crypto/bytes.h"
#include "cvault/secret_bytes.h"

namespace cvault::crypto {

inline constexpr std::size_t kBlake2b256Size = 32;
inline constexpr std::size_t kSha256Size = 32;

// Unkeyed BLAKE2b with a 32-byte digest.
[[nodiscard]] Bytes Blake2b256(std::span<const std::uint8_t> message);
// The same into `digest`, for loops that hash many messages.
void Blake2b256(std::span<const std::uint8_t> message,
                std::span<std::uint8_t, kBlake2b256Size> digest);

// BLAKE2b-256 keyed with `key` (a MAC / PRF).
// REQUIRES: 16 <= key.size() <= 64. Aborts otherwise: an empty key (say, a
// moved-from one) would silently give an unkeyed, guessable digest.
[[nodiscard]] Bytes KeyedBlake2b256(const SecretBytes& key,
                                    std::span<const std::uint8_t> message);

[[nodiscard]] Bytes Sha256(std::span<const std::uint8_t> message);

// Incremental unkeyed BLAKE2b-256: Update any number of times, then Final.
// Final returns the digest of everything since construction (or the previous
// Final) and resets the stream. Copyable (a copy forks the stream) and
// movable; not safe for concurrent use.
class Blake2bStream {
 public:
  Blake2bStream();

  void Update(std::span<const std::uint8_t> bytes);
  void Update(std::string_view text);
  [[nodiscard]] Bytes Final();

 private:
  void Reset();

  crypto_generichash_state state_;
};

// True iff a and b have the same size and the same bytes. Sizes are compared
// first (they are not secret); the bytes are compared in constant time.
[[nodiscard]] bool ConstantTimeEquals(std::span<const std::uint8_t> a,
                                      std::span<const std::uint8_t> b);

}  // namespace cvault::crypto

#endif  // CVAULT_CRYPTO_HASH_H_
