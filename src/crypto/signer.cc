#include "crypto/signer.h"

#include <sodium.h>

#include <cstdlib>
#include <string>

#include "crypto/sodium_init.h"

namespace cvault::crypto {

static_assert(kSignerSeedSize == crypto_sign_SEEDBYTES);
static_assert(kSignaturePublicKeySize == crypto_sign_PUBLICKEYBYTES);
static_assert(kSignatureSize == crypto_sign_BYTES);

StatusOr<Signer> Signer::FromSeed(const SecretBytes& seed) {
  EnsureSodiumInitialized();
  if (seed.size() != crypto_sign_SEEDBYTES) {
    return Error(Status::InvalidArgument(
        "signing seed must be " + std::to_string(crypto_sign_SEEDBYTES) +
        " bytes, got " + std::to_string(seed.size())));
  }
  SecretBytes secret_key(crypto_sign_SECRETKEYBYTES);
  Bytes public_key(crypto_sign_PUBLICKEYBYTES);
  if (crypto_sign_seed_keypair(public_key.data(),
                               secret_key.RevealMutable().data(),
                               seed.Reveal().data()) != 0) {
    return Error(Status::Internal("libsodium failed to derive a key pair"));
  }
  return Signer(std::move(secret_key), std::move(public_key));
}

Bytes Signer::Sign(std::span<const std::uint8_t> message) const {
  EnsureSodiumInitialized();
  if (secret_key_.size() != crypto_sign_SECRETKEYBYTES) std::abort();
  Bytes signature(crypto_sign_BYTES);
  crypto_sign_detached(signature.data(), /*siglen_p=*/nullptr, message.data(),
                       message.size(), secret_key_.Reveal().data());
  return signature;
}

bool VerifySignature(std::span<const std::uint8_t> public_key,
                     std::span<const std::uint8_t> message,
                     std::span<const std::uint8_t> signature) {
  EnsureSodiumInitialized();
  if (public_key.size() != crypto_sign_PUBLICKEYBYTES ||
      signature.size() != crypto_sign_BYTES) {
    return false;
  }
  return crypto_sign_verify_detached(signature.data(), message.data(),
                                     message.size(), public_key.data()) == 0;
}

}  // namespace cvault::crypto
