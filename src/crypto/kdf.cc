#include "crypto/kdf.h"

#include <sodium.h>

#include <string>

#include "crypto/sodium_init.h"

namespace cvault::crypto {

static_assert(kKdfMasterKeySize == crypto_kdf_KEYBYTES);
static_assert(kKdfContextSize == crypto_kdf_CONTEXTBYTES);
static_assert(kPwhashSaltSize == crypto_pwhash_argon2id_SALTBYTES);

StatusOr<SecretBytes> DeriveSubkey(const SecretBytes& master,
                                   std::uint64_t subkey_id,
                                   std::string_view context8,
                                   std::size_t size) {
  EnsureSodiumInitialized();
  if (master.size() != crypto_kdf_KEYBYTES) {
    return Error(Status::InvalidArgument(
        "master key must be " + std::to_string(crypto_kdf_KEYBYTES) +
        " bytes, got " + std::to_string(master.size())));
  }
  if (context8.size() != crypto_kdf_CONTEXTBYTES) {
    return Error(Status::InvalidArgument(
        "key derivation context must be exactly " +
        std::to_string(crypto_kdf_CONTEXTBYTES) + " characters, got " +
        std::to_string(context8.size())));
  }
  if (size < crypto_kdf_BYTES_MIN || size > crypto_kdf_BYTES_MAX) {
    return Error(Status::InvalidArgument(
        "subkey size must be between " + std::to_string(crypto_kdf_BYTES_MIN) +
        " and " + std::to_string(crypto_kdf_BYTES_MAX) + " bytes, got " +
        std::to_string(size)));
  }
  SecretBytes subkey(size);
  // crypto_kdf reads exactly crypto_kdf_CONTEXTBYTES bytes of the context.
  if (crypto_kdf_derive_from_key(subkey.RevealMutable().data(), size, subkey_id,
                                 context8.data(),
                                 master.Reveal().data()) != 0) {
    return Error(Status::Internal("libsodium failed to derive a subkey"));
  }
  return subkey;
}

PwhashCost PwhashModerate() {
  return {crypto_pwhash_argon2id_OPSLIMIT_MODERATE,
          crypto_pwhash_argon2id_MEMLIMIT_MODERATE};
}

PwhashCost PwhashInteractive() {
  return {crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE,
          crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE};
}

PwhashCost PwhashMin() {
  return {crypto_pwhash_argon2id_OPSLIMIT_MIN,
          crypto_pwhash_argon2id_MEMLIMIT_MIN};
}

StatusOr<SecretBytes> DeriveKeyFromPassphrase(
    const SecretBytes& passphrase, std::span<const std::uint8_t> salt,
    PwhashCost cost) {
  EnsureSodiumInitialized();
  if (salt.size() != crypto_pwhash_argon2id_SALTBYTES) {
    return Error(Status::InvalidArgument(
        "passphrase salt must be " +
        std::to_string(crypto_pwhash_argon2id_SALTBYTES) + " bytes, got " +
        std::to_string(salt.size())));
  }
  if (cost.opslimit < crypto_pwhash_argon2id_OPSLIMIT_MIN ||
      cost.opslimit > crypto_pwhash_argon2id_OPSLIMIT_MAX ||
      cost.memlimit < crypto_pwhash_argon2id_MEMLIMIT_MIN ||
      cost.memlimit > crypto_pwhash_argon2id_MEMLIMIT_MAX) {
    return Error(Status::InvalidArgument(
        "passphrase cost is outside Argon2id's limits (opslimit " +
        std::to_string(cost.opslimit) + ", memlimit " +
        std::to_string(cost.memlimit) + " bytes)"));
  }
  if (passphrase.size() > crypto_pwhash_argon2id_PASSWD_MAX) {
    return Error(Status::InvalidArgument("passphrase is too long"));
  }
  SecretBytes key(kPwhashKeySize);
  if (crypto_pwhash(key.RevealMutable().data(), key.size(),
                    passphrase.RevealAsText().data(), passphrase.size(),
                    salt.data(), cost.opslimit, cost.memlimit,
                    crypto_pwhash_ALG_ARGON2ID13) != 0) {
    // The inputs were checked above, so only the allocation can have failed.
    return Error(Status::Unavailable(
        "passphrase key derivation could not allocate its " +
        std::to_string(cost.memlimit) +
        "-byte memory cost; free memory or retry later"));
  }
  return key;
}

}  // namespace cvault::crypto
