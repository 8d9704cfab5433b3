// Authenticated encryption of fields and key material: XChaCha20-Poly1305-IETF
// with a random 24-byte nonce, in a versioned envelope
//
//   format 0x01 (1) | key id, big-endian (4) | nonce (24) | ciphertext+tag
//
// documented byte by byte in docs/ciphertext-format.md. The 5 header bytes are
// always part of the associated data, so a key id or format byte cannot be
// swapped without failing authentication.
#ifndef CVAULT_CRYPTO_AEAD_H_
#define CVAULT_CRYPTO_AEAD_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "crypto/bytes.h"
#include "cvault/secret_bytes.h"
#include "cvault/status.h"

namespace cvault::crypto {

inline constexpr std::uint8_t kEnvelopeFormatV1 = 0x01;
inline constexpr std::size_t kEnvelopeHeaderSize = 5;  // format + key id
inline constexpr std::size_t kEnvelopeNonceSize = 24;
inline constexpr std::size_t kEnvelopeTagSize = 16;
inline constexpr std::size_t kEnvelopeOverhead =
    kEnvelopeHeaderSize + kEnvelopeNonceSize + kEnvelopeTagSize;  // 45
inline constexpr std::size_t kAeadKeySize = 32;

// Where a field ciphertext belongs. All four values go into the associated
// data, so a ciphertext copied to another table, column, record or customer
// fails to decrypt. None of them may be personal data (ids are opaque).
struct FieldBinding {
  std::string_view table;
  std::string_view column;
  std::string_view record_id;
  std::string_view customer_id;
};

// Encrypts and decrypts the fields of records under one data key.
//
// Immutable after Create, so safe to share between threads. Move-only: it owns
// the key in a SecretBytes.
class FieldCipher {
 public:
  // InvalidArgument unless `key` is kAeadKeySize (32) bytes.
  [[nodiscard]] static StatusOr<FieldCipher> Create(std::uint32_t key_id,
                                                    SecretBytes key);

  FieldCipher(FieldCipher&&) noexcept = default;
  FieldCipher& operator=(FieldCipher&&) noexcept = default;
  FieldCipher(const FieldCipher&) = delete;
  FieldCipher& operator=(const FieldCipher&) = delete;

  // A fresh envelope with a random nonce. InvalidArgument if the plaintext or
  // a binding value is too long for the format.
  [[nodiscard]] StatusOr<Bytes> Encrypt(std::span<const std::uint8_t> plaintext,
                                        const FieldBinding& binding) const;

  // Encrypts plaintexts[i] bound to bindings[i], drawing all nonces with one
  // CSPRNG call (one syscall) instead of one per field. InvalidArgument if the
  // two spans differ in length.
  [[nodiscard]] StatusOr<std::vector<Bytes>> EncryptMany(
      std::span<const std::span<const std::uint8_t>> plaintexts,
      std::span<const FieldBinding> bindings) const;

  // Integrity if the envelope is malformed or fails authentication (tampered,
  // moved to another record or column, or wrong key); KeyFailure if it names a
  // key id other than key_id().
  [[nodiscard]] StatusOr<SecretBytes> Decrypt(
      std::span<const std::uint8_t> envelope,
      const FieldBinding& binding) const;

  std::uint32_t key_id() const { return key_id_; }

 private:
  FieldCipher(std::uint32_t key_id, SecretBytes key)
      : key_id_(key_id), key_(std::move(key)) {}

  std::uint32_t key_id_;
  SecretBytes key_;
};

// The key id an envelope names, so a caller can pick the key to open it with.
// Integrity if the envelope is malformed. Does not authenticate anything.
[[nodiscard]] StatusOr<std::uint32_t> EnvelopeKeyId(
    std::span<const std::uint8_t> envelope);

// Key wrapping (data keys under a KEK, the keyring under its root key): the
// same envelope, with the header followed by `associated_data` as the AEAD's
// associated data. InvalidArgument unless `key` is 32 bytes.
[[nodiscard]] StatusOr<Bytes> SealWithKey(
    const SecretBytes& key, std::uint32_t key_id,
    std::span<const std::uint8_t> plaintext,
    std::span<const std::uint8_t> associated_data);

// Opens a SealWithKey envelope. Errors as FieldCipher::Decrypt, plus
// InvalidArgument for a key of the wrong size.
[[nodiscard]] StatusOr<SecretBytes> OpenWithKey(
    const SecretBytes& key, std::uint32_t key_id,
    std::span<const std::uint8_t> envelope,
    std::span<const std::uint8_t> associated_data);

}  // namespace cvault::crypto

#endif  // CVAULT_CRYPTO_AEAD_H_
