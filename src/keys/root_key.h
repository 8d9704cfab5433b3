// The root key: what seals the keyring. It comes from a passphrase
// (stretched with Argon2id under a salt and cost recorded in the keyring
// header), a key file (32 raw bytes or 64 hex digits, mode 0600) or a raw
// 32-byte key handed over by the embedding service.
//
// Free functions; thread-safe.
#ifndef CVAULT_KEYS_ROOT_KEY_H_
#define CVAULT_KEYS_ROOT_KEY_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>

#include "crypto/kdf.h"
#include "cvault/options.h"
#include "cvault/secret_bytes.h"
#include "cvault/status.h"

namespace cvault::keys {

inline constexpr std::size_t kRootKeySize = 32;
inline constexpr std::size_t kPassphraseSaltSize = 16;

// How a keyring's root key is obtained; the value is the root-key kind byte
// of the keyring file header.
enum class RootKeyKind : std::uint8_t {
  kKey = 1,         // a key file or a raw key, used as is
  kPassphrase = 2,  // a passphrase stretched with Argon2id
};

// The Argon2id parameters a passphrase-sealed keyring records in its header.
struct PassphraseStretch {
  crypto::PwhashCost cost;
  std::array<std::uint8_t, kPassphraseSaltSize> salt{};
};

// The kind of `source`. InvalidArgument when no root key was given.
StatusOr<RootKeyKind> RootKeyKindOf(const RootKeySource& source);

// The libsodium cost a PassphraseCost stands for.
crypto::PwhashCost PwhashCostFor(PassphraseCost cost);

// A fresh random salt with the cost for `cost`.
PassphraseStretch NewPassphraseStretch(PassphraseCost cost);

// OK if an Argon2id cost read from a keyring header lies between libsodium's
// MIN and SENSITIVE presets, so that a damaged header cannot make unlocking
// allocate gigabytes or spin for minutes. Integrity otherwise.
[[nodiscard]] Status CheckStoredPwhashCost(std::uint64_t opslimit,
                                           std::uint64_t memlimit);

// Reads a key file: exactly 32 raw bytes, or 64 hex digits with an optional
// trailing newline. KeyFailure if the file is missing, not a regular file,
// accessible by group or others (the message says `chmod 600`) or holds
// anything else.
StatusOr<SecretBytes> ReadKeyFile(const std::filesystem::path& path);

// The 32-byte root key of `source`. REQUIRES: `stretch` is non-null for a
// passphrase (ignored otherwise).
//   InvalidArgument - no root key given, or an empty passphrase.
//   KeyFailure      - an unusable key file, or a raw key not 32 bytes long.
StatusOr<SecretBytes> DeriveRootKey(const RootKeySource& source,
                                    const PassphraseStretch* stretch);

// Writes a new key file: 32 random bytes as 64 hex digits and a newline,
// written atomically with mode 0600 (CreateOwnerOnlyFile). AlreadyExists if
// `path` exists.
[[nodiscard]] Status WriteNewKeyFile(const std::filesystem::path& path);

}  // namespace cvault::keys

#endif  // CVAULT_KEYS_ROOT_KEY_H_
