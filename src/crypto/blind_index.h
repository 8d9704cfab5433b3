// Blind indexes: keyed BLAKE2b-256 over a normalised value, so a field can be
// found by exact match without storing it in the clear. Each indexed field has
// its own key, derived from the blind-index root key with
// crypto_kdf_derive_from_key(subkey_id = field, context "cvblind1"): equal
// values in different fields never share an index.
//
// Only for high-entropy fields; an index over a low-entropy field (country,
// birth year) can be brute-forced by anyone holding the table.
#ifndef CVAULT_CRYPTO_BLIND_INDEX_H_
#define CVAULT_CRYPTO_BLIND_INDEX_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>

#include "crypto/bytes.h"
#include "cvault/secret_bytes.h"
#include "cvault/status.h"

namespace cvault::crypto {

// The value is the KDF subkey id; never renumber an enumerator, or every
// stored index of that field stops matching.
enum class IndexedField : std::uint64_t { kEmail = 1, kPhone = 2 };

inline constexpr std::array kIndexedFields = {IndexedField::kEmail,
                                              IndexedField::kPhone};
inline constexpr std::string_view kBlindIndexContext = "cvblind1";
inline constexpr std::size_t kBlindIndexSize = 32;

// Computes blind indexes for every IndexedField under one root key.
//
// Immutable after Create, so safe to share between threads. Move-only: it owns
// the derived keys in SecretBytes.
class BlindIndexer {
 public:
  // InvalidArgument unless `root_key` is 32 bytes.
  [[nodiscard]] static StatusOr<BlindIndexer> Create(
      const SecretBytes& root_key);

  BlindIndexer(BlindIndexer&&) noexcept = default;
  BlindIndexer& operator=(BlindIndexer&&) noexcept = default;
  BlindIndexer(const BlindIndexer&) = delete;
  BlindIndexer& operator=(const BlindIndexer&) = delete;

  // The 32-byte index of `normalized_value` in `field`. The caller normalises
  // (email trimmed and lower-cased, phone E.164); the domain layer owns that.
  // REQUIRES: field is one of kIndexedFields and this indexer was not moved
  // from. Aborts otherwise rather than return an index that matches nothing.
  [[nodiscard]] Bytes Compute(IndexedField field,
                              std::string_view normalized_value) const;

 private:
  explicit BlindIndexer(std::array<SecretBytes, kIndexedFields.size()> keys)
      : field_keys_(std::move(keys)) {}

  // field_keys_[i] belongs to kIndexedFields[i].
  std::array<SecretBytes, kIndexedFields.size()> field_keys_;
};

}  // namespace cvault::crypto

#endif  // CVAULT_CRYPTO_BLIND_INDEX_H_
