// Key derivation: subkeys from a master key (crypto_kdf, BLAKE2b-based) and
// keys from passphrases (Argon2id v1.3). Stateless functions, thread-safe.
#ifndef CVAULT_CRYPTO_KDF_H_
#define CVAULT_CRYPTO_KDF_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "cvault/secret_bytes.h"
#include "cvault/status.h"

namespace cvault::crypto {

inline constexpr std::size_t kKdfMasterKeySize = 32;
inline constexpr std::size_t kKdfContextSize = 8;
inline constexpr std::size_t kPwhashSaltSize = 16;
inline constexpr std::size_t kPwhashKeySize = 32;

// Subkey `subkey_id` of `master` in the domain `context8`
// (crypto_kdf_derive_from_key). Different ids or contexts give independent
// keys. InvalidArgument unless master is 32 bytes, context8 is exactly 8
// characters and 16 <= size <= 64.
[[nodiscard]] StatusOr<SecretBytes> DeriveSubkey(const SecretBytes& master,
                                                 std::uint64_t subkey_id,
                                                 std::string_view context8,
                                                 std::size_t size = 32);

// Argon2id work factors: opslimit passes, memlimit bytes.
struct PwhashCost {
  std::uint64_t opslimit;
  std::size_t memlimit;
};

// libsodium's argon2id presets. Moderate (3 passes, 256 MiB) seals the
// keyring; Interactive (2 passes, 64 MiB) suits frequent unlocks; Min (1 pass,
// 8 KiB) is for tests only and protects nothing.
PwhashCost PwhashModerate();
PwhashCost PwhashInteractive();
PwhashCost PwhashMin();

// A 32-byte key from `passphrase` and a 16-byte random salt with Argon2id v1.3
// (crypto_pwhash, crypto_pwhash_ALG_ARGON2ID13). Deterministic for the same
// passphrase, salt and cost. InvalidArgument for a wrong salt size or a cost
// outside argon2id's limits; Unavailable if the memory cost cannot be
// allocated.
[[nodiscard]] StatusOr<SecretBytes> DeriveKeyFromPassphrase(
    const SecretBytes& passphrase, std::span<const std::uint8_t> salt,
    PwhashCost cost);

}  // namespace cvault::crypto

#endif  // CVAULT_CRYPTO_KDF_H_
