#include "crypto/aead.h"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>

#include "crypto/random.h"
#include "crypto/sodium_init.h"

namespace cvault::crypto {
namespace {

static_assert(kEnvelopeNonceSize ==
              crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
static_assert(kEnvelopeTagSize == crypto_aead_xchacha20poly1305_ietf_ABYTES);
static_assert(kAeadKeySize == crypto_aead_xchacha20poly1305_ietf_KEYBYTES);

constexpr std::string_view kFieldAuthenticationFailure =
    "field ciphertext failed authentication: tampered, moved from another "
    "record or column, or wrong key";
constexpr std::string_view kSealedAuthenticationFailure =
    "sealed key material failed authentication: tampered, bound to other "
    "associated data, or wrong key";

using Header = std::array<std::uint8_t, kEnvelopeHeaderSize>;

void AppendBigEndian32(Bytes& out, std::uint32_t value) {
  out.push_back(static_cast<std::uint8_t>(value >> 24));
  out.push_back(static_cast<std::uint8_t>(value >> 16));
  out.push_back(static_cast<std::uint8_t>(value >> 8));
  out.push_back(static_cast<std::uint8_t>(value));
}

Header MakeHeader(std::uint32_t key_id) {
  return {kEnvelopeFormatV1, static_cast<std::uint8_t>(key_id >> 24),
          static_cast<std::uint8_t>(key_id >> 16),
          static_cast<std::uint8_t>(key_id >> 8),
          static_cast<std::uint8_t>(key_id)};
}

// The AEAD's associated data: the envelope header, then the caller's bytes.
Bytes HeaderThen(std::uint32_t key_id, std::span<const std::uint8_t> tail) {
  const Header header = MakeHeader(key_id);
  Bytes associated_data(header.begin(), header.end());
  associated_data.insert(associated_data.end(), tail.begin(), tail.end());
  return associated_data;
}

// Each binding value as (uint32 big-endian length || bytes), so that
// ("ab", "c") and ("a", "bc") encode differently.
StatusOr<Bytes> EncodeBinding(const FieldBinding& binding) {
  Bytes encoded;
  for (std::string_view value : {binding.table, binding.column,
                                 binding.record_id, binding.customer_id}) {
    if (value.size() > std::numeric_limits<std::uint32_t>::max()) {
      return Error(Status::InvalidArgument(
          "field binding value is longer than 2^32-1 bytes"));
    }
    AppendBigEndian32(encoded, static_cast<std::uint32_t>(value.size()));
    const auto bytes = AsBytes(value);
    encoded.insert(encoded.end(), bytes.begin(), bytes.end());
  }
  return encoded;
}

Status CheckKeySize(const SecretBytes& key) {
  if (key.size() != kAeadKeySize) {
    return Status::InvalidArgument("encryption key must be " +
                                   std::to_string(kAeadKeySize) +
                                   " bytes, got " + std::to_string(key.size()));
  }
  return Status::Ok();
}

struct ParsedEnvelope {
  std::uint32_t key_id;
  std::span<const std::uint8_t> nonce;
  std::span<const std::uint8_t> ciphertext_and_tag;
};

StatusOr<ParsedEnvelope> ParseEnvelope(std::span<const std::uint8_t> envelope) {
  if (envelope.size() < kEnvelopeOverhead) {
    return Error(Status::Integrity(
        "ciphertext envelope is malformed: " + std::to_string(envelope.size()) +
        " bytes, shorter than the " + std::to_string(kEnvelopeOverhead) +
        "-byte minimum (truncated or not a cvault ciphertext)"));
  }
  if (envelope[0] != kEnvelopeFormatV1) {
    return Error(Status::Integrity(
        "ciphertext envelope is malformed: unknown format byte " +
        std::to_string(envelope[0]) + " (this build reads format 1)"));
  }
  const std::uint32_t key_id =
      (std::uint32_t{envelope[1]} << 24) | (std::uint32_t{envelope[2]} << 16) |
      (std::uint32_t{envelope[3]} << 8) | std::uint32_t{envelope[4]};
  return ParsedEnvelope{
      .key_id = key_id,
      .nonce = envelope.subspan(kEnvelopeHeaderSize, kEnvelopeNonceSize),
      .ciphertext_and_tag =
          envelope.subspan(kEnvelopeHeaderSize + kEnvelopeNonceSize),
  };
}

// The one envelope encoder. REQUIRES: nonce is kEnvelopeNonceSize bytes and
// never reused under this key.
StatusOr<Bytes> SealEnvelope(const SecretBytes& key, std::uint32_t key_id,
                             std::span<const std::uint8_t> nonce,
                             std::span<const std::uint8_t> plaintext,
                             std::span<const std::uint8_t> associated_tail) {
  EnsureSodiumInitialized();
  // Also catches a moved-from FieldCipher, whose key is empty.
  CVAULT_RETURN_IF_ERROR(CheckKeySize(key));
  const std::size_t max_plaintext = std::min<std::size_t>(
      crypto_aead_xchacha20poly1305_ietf_messagebytes_max(),
      std::numeric_limits<std::size_t>::max() - kEnvelopeOverhead);
  if (plaintext.size() > max_plaintext) {
    return Error(Status::InvalidArgument(
        "plaintext is too long to encrypt in one envelope"));
  }
  const Bytes associated_data = HeaderThen(key_id, associated_tail);
  const Header header = MakeHeader(key_id);

  Bytes envelope(kEnvelopeOverhead + plaintext.size());
  std::copy(header.begin(), header.end(), envelope.begin());
  std::copy(nonce.begin(), nonce.end(), envelope.begin() + kEnvelopeHeaderSize);
  std::uint8_t* const sealed =
      envelope.data() + kEnvelopeHeaderSize + kEnvelopeNonceSize;
  unsigned long long sealed_size = 0;
  if (crypto_aead_xchacha20poly1305_ietf_encrypt(
          sealed, &sealed_size, plaintext.data(), plaintext.size(),
          associated_data.data(), associated_data.size(),
          /*nsec=*/nullptr, nonce.data(), key.Reveal().data()) != 0 ||
      sealed_size != plaintext.size() + kEnvelopeTagSize) {
    return Error(Status::Internal("libsodium failed to encrypt"));
  }
  return envelope;
}

// The one envelope decoder.
StatusOr<SecretBytes> OpenEnvelope(
    const SecretBytes& key, std::uint32_t expected_key_id,
    std::span<const std::uint8_t> envelope,
    std::span<const std::uint8_t> associated_tail,
    std::string_view authentication_failure, bool transient) {
  EnsureSodiumInitialized();
  CVAULT_RETURN_IF_ERROR(CheckKeySize(key));
  CVAULT_ASSIGN_OR_RETURN(const ParsedEnvelope parsed, ParseEnvelope(envelope));
  if (parsed.key_id != expected_key_id) {
    return Error(Status::KeyFailure(
        "ciphertext was encrypted under key " + std::to_string(parsed.key_id) +
        ", this key is " + std::to_string(expected_key_id) +
        "; open it with key " + std::to_string(parsed.key_id) +
        " from the keyring"));
  }
  const Bytes associated_data = HeaderThen(parsed.key_id, associated_tail);

  const std::size_t plaintext_capacity =
      parsed.ciphertext_and_tag.size() - kEnvelopeTagSize;
  // Field plaintext is short-lived and goes to a transient buffer; unwrapped
  // key material to a guarded one.
  SecretBytes plaintext = transient ? SecretBytes::Transient(plaintext_capacity)
                                    : SecretBytes(plaintext_capacity);
  // libsodium wants somewhere to write even for an empty plaintext.
  std::uint8_t empty_sink = 0;
  std::uint8_t* const out =
      plaintext.empty() ? &empty_sink : plaintext.RevealMutable().data();
  unsigned long long plaintext_size = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          out, &plaintext_size, /*nsec=*/nullptr,
          parsed.ciphertext_and_tag.data(), parsed.ciphertext_and_tag.size(),
          associated_data.data(), associated_data.size(), parsed.nonce.data(),
          key.Reveal().data()) != 0) {
    return Error(Status::Integrity(std::string(authentication_failure)));
  }
  if (plaintext_size != plaintext.size()) {
    return Error(Status::Internal("libsodium returned an unexpected size"));
  }
  return plaintext;
}

}  // namespace

StatusOr<FieldCipher> FieldCipher::Create(std::uint32_t key_id,
                                          SecretBytes key) {
  EnsureSodiumInitialized();
  if (key.size() != kAeadKeySize) {
    return Error(Status::InvalidArgument(
        "field key must be " + std::to_string(kAeadKeySize) + " bytes, got " +
        std::to_string(key.size())));
  }
  return FieldCipher(key_id, std::move(key));
}

StatusOr<Bytes> FieldCipher::Encrypt(std::span<const std::uint8_t> plaintext,
                                     const FieldBinding& binding) const {
  CVAULT_ASSIGN_OR_RETURN(const Bytes associated_tail, EncodeBinding(binding));
  std::array<std::uint8_t, kEnvelopeNonceSize> nonce;
  FillRandom(nonce);
  return SealEnvelope(key_, key_id_, nonce, plaintext, associated_tail);
}

StatusOr<std::vector<Bytes>> FieldCipher::EncryptMany(
    std::span<const std::span<const std::uint8_t>> plaintexts,
    std::span<const FieldBinding> bindings) const {
  if (plaintexts.size() != bindings.size()) {
    return Error(Status::InvalidArgument(
        "EncryptMany needs one binding per plaintext, got " +
        std::to_string(plaintexts.size()) + " plaintexts and " +
        std::to_string(bindings.size()) + " bindings"));
  }
  std::vector<Bytes> envelopes;
  if (plaintexts.empty()) return envelopes;
  envelopes.reserve(plaintexts.size());

  Bytes nonces(plaintexts.size() * kEnvelopeNonceSize);
  FillRandom(nonces);  // one randombytes_buf call for the whole record
  const std::span<const std::uint8_t> all_nonces(nonces);
  for (std::size_t i = 0; i < plaintexts.size(); ++i) {
    CVAULT_ASSIGN_OR_RETURN(const Bytes associated_tail,
                            EncodeBinding(bindings[i]));
    CVAULT_ASSIGN_OR_RETURN(
        Bytes envelope, SealEnvelope(key_, key_id_,
                                     all_nonces.subspan(i * kEnvelopeNonceSize,
                                                        kEnvelopeNonceSize),
                                     plaintexts[i], associated_tail));
    envelopes.push_back(std::move(envelope));
  }
  return envelopes;
}

StatusOr<SecretBytes> FieldCipher::Decrypt(
    std::span<const std::uint8_t> envelope, const FieldBinding& binding) const {
  CVAULT_ASSIGN_OR_RETURN(const Bytes associated_tail, EncodeBinding(binding));
  return OpenEnvelope(key_, key_id_, envelope, associated_tail,
                      kFieldAuthenticationFailure, /*transient=*/true);
}

StatusOr<std::uint32_t> EnvelopeKeyId(std::span<const std::uint8_t> envelope) {
  CVAULT_ASSIGN_OR_RETURN(const ParsedEnvelope parsed, ParseEnvelope(envelope));
  return parsed.key_id;
}

StatusOr<Bytes> SealWithKey(const SecretBytes& key, std::uint32_t key_id,
                            std::span<const std::uint8_t> plaintext,
                            std::span<const std::uint8_t> associated_data) {
  std::array<std::uint8_t, kEnvelopeNonceSize> nonce;
  FillRandom(nonce);
  return SealEnvelope(key, key_id, nonce, plaintext, associated_data);
}

StatusOr<SecretBytes> OpenWithKey(
    const SecretBytes& key, std::uint32_t key_id,
    std::span<const std::uint8_t> envelope,
    std::span<const std::uint8_t> associated_data) {
  return OpenEnvelope(key, key_id, envelope, associated_data,
                      kSealedAuthenticationFailure, /*transient=*/false);
}

}  // namespace cvault::crypto
