#include "crypto/blind_index.h"

#include <cstdlib>
#include <string>

#include "crypto/hash.h"
#include "crypto/kdf.h"
#include "crypto/sodium_init.h"

namespace cvault::crypto {

StatusOr<BlindIndexer> BlindIndexer::Create(const SecretBytes& root_key) {
  EnsureSodiumInitialized();
  if (root_key.size() != kKdfMasterKeySize) {
    return Error(Status::InvalidArgument(
        "blind-index root key must be " + std::to_string(kKdfMasterKeySize) +
        " bytes, got " + std::to_string(root_key.size())));
  }
  std::array<SecretBytes, kIndexedFields.size()> keys;
  for (std::size_t i = 0; i < kIndexedFields.size(); ++i) {
    CVAULT_ASSIGN_OR_RETURN(
        keys[i],
        DeriveSubkey(root_key, static_cast<std::uint64_t>(kIndexedFields[i]),
                     kBlindIndexContext, kBlindIndexSize));
  }
  return BlindIndexer(std::move(keys));
}

Bytes BlindIndexer::Compute(IndexedField field,
                            std::string_view normalized_value) const {
  for (std::size_t i = 0; i < kIndexedFields.size(); ++i) {
    if (kIndexedFields[i] != field) continue;
    if (field_keys_[i].empty()) std::abort();  // moved from
    return KeyedBlake2b256(field_keys_[i], AsBytes(normalized_value));
  }
  std::abort();  // not a declared IndexedField
}

}  // namespace cvault::crypto
