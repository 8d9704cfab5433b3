// What the keyring holds, and its serialised form: a length-prefixed binary
// TLV built directly in a SecretBytes (the keys never pass through a
// std::string or std::vector). The layout is in docs/key-management.md.
//
// KeyringContents is move-only (it owns SecretBytes); not thread-safe for
// mutation, concurrent const access is safe.
#ifndef CVAULT_KEYS_KEYRING_CONTENTS_H_
#define CVAULT_KEYS_KEYRING_CONTENTS_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <span>

#include "cvault/secret_bytes.h"
#include "cvault/status.h"

namespace cvault::keys {

inline constexpr std::size_t kKeyringKeySize = 32;
inline constexpr std::size_t kVaultIdSize = 16;

// Entry tags of the serialised contents. Each entry is
// tag (1) | length, u32 big-endian (4) | value (length).
enum class KeyringTag : std::uint8_t {
  kCreatedAt = 1,             // i64 BE, microseconds since the Unix epoch
  kVaultId = 2,               // 16 bytes
  kDevelopment = 3,           // 1 byte: 0 or 1
  kKek = 4,                   // u32 BE version | 32-byte key (repeated)
  kPrimaryKekVersion = 5,     // u32 BE
  kVaultDbKey = 6,            // 32 bytes
  kKeystoreDbKey = 7,         // 32 bytes
  kBlindIndexRoot = 8,        // u32 BE version | 32-byte key (repeated)
  kBlindIndexVersion = 9,     // u32 BE, the current blind-index root
  kAuditSigningSeed = 10,     // u32 BE version | 32-byte seed (repeated)
  kAuditSigningVersion = 11,  // u32 BE, the current audit signing seed
  kErasureLedgerKey = 12,     // 32 bytes
  kPendingVaultDbKey = 13,    // 32 bytes, optional: a rekey in progress
  kPendingKeystoreDbKey = 14, // 32 bytes, optional: a rekey in progress
};

struct KeyringContents {
  std::int64_t created_at_us = 0;
  std::array<std::uint8_t, kVaultIdSize> vault_id{};
  bool development = false;
  std::map<std::uint32_t, SecretBytes> keks;  // version -> key
  std::uint32_t primary_kek_version = 0;
  SecretBytes vault_db_key;
  SecretBytes keystore_db_key;
  std::map<std::uint32_t, SecretBytes> blind_index_roots;
  std::uint32_t blind_index_version = 0;
  std::map<std::uint32_t, SecretBytes> audit_signing_seeds;
  std::uint32_t audit_signing_version = 0;
  SecretBytes erasure_ledger_key;
  SecretBytes pending_vault_db_key;     // empty when no rekey is pending
  SecretBytes pending_keystore_db_key;  // empty when no rekey is pending
};

// Fresh random contents: version 1 of every versioned key, a random vault id.
KeyringContents GenerateKeyringContents(bool development, std::int64_t now_us);

// The TLV encoding, in tag order (versions ascending within a tag).
SecretBytes SerializeKeyringContents(const KeyringContents& contents);

// Parses and validates the TLV: every required single-valued entry exactly
// once (the two pending database keys are optional, together or not at all), key
// sizes of 32, no duplicate or zero versions, the current versions present,
// no unknown tag, nothing left over. Integrity("keyring file is damaged...")
// on anything else.
StatusOr<KeyringContents> ParseKeyringContents(std::span<const std::uint8_t> bytes);

}  // namespace cvault::keys

#endif  // CVAULT_KEYS_KEYRING_CONTENTS_H_
