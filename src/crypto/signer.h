// Ed25519 signatures (crypto_sign), used for signed audit checkpoints.
#ifndef CVAULT_CRYPTO_SIGNER_H_
#define CVAULT_CRYPTO_SIGNER_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>

#include "crypto/bytes.h"
#include "cvault/secret_bytes.h"
#include "cvault/status.h"

namespace cvault::crypto {

inline constexpr std::size_t kSignerSeedSize = 32;
inline constexpr std::size_t kSignaturePublicKeySize = 32;
inline constexpr std::size_t kSignatureSize = 64;

// Signs with an Ed25519 key pair derived from a 32-byte seed.
//
// Immutable after FromSeed, so safe to share between threads. Move-only: the
// secret key lives in a SecretBytes.
class Signer {
 public:
  // InvalidArgument unless `seed` is 32 bytes. The same seed always gives the
  // same key pair (crypto_sign_seed_keypair).
  [[nodiscard]] static StatusOr<Signer> FromSeed(const SecretBytes& seed);

  Signer(Signer&&) noexcept = default;
  Signer& operator=(Signer&&) noexcept = default;
  Signer(const Signer&) = delete;
  Signer& operator=(const Signer&) = delete;

  // A detached 64-byte signature over `message`.
  // REQUIRES: this signer was not moved from (aborts otherwise).
  [[nodiscard]] Bytes Sign(std::span<const std::uint8_t> message) const;

  // The 32-byte public key, for VerifySignature.
  const Bytes& public_key() const { return public_key_; }

 private:
  Signer(SecretBytes secret_key, Bytes public_key)
      : secret_key_(std::move(secret_key)),
        public_key_(std::move(public_key)) {}

  SecretBytes secret_key_;
  Bytes public_key_;
};

// True iff `signature` is a valid Ed25519 signature of `message` under
// `public_key`. False (never an error) for wrongly sized inputs.
[[nodiscard]] bool VerifySignature(std::span<const std::uint8_t> public_key,
                                   std::span<const std::uint8_t> message,
                                   std::span<const std::uint8_t> signature);

}  // namespace cvault::crypto

#endif  // CVAULT_CRYPTO_SIGNER_H_
