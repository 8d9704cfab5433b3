// A bounded least-recently-used cache of unwrapped per-customer data keys
// (as ready ciphers) and audit pseudonyms, so a hot customer costs one
// keystore read and one unwrap, not one per call. Erasure must Evict().
//
// Not thread-safe: the vault serialises access.
#ifndef CVAULT_VAULT_SUBJECT_KEY_CACHE_H_
#define CVAULT_VAULT_SUBJECT_KEY_CACHE_H_

#include <list>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "crypto/aead.h"

namespace cvault::internal {

struct SubjectKeys {
  crypto::FieldCipher cipher;  // the customer's standard-class data key
  std::string pseudonym;       // hex keyed hash of the id, for audit entries
};

class SubjectKeyCache {
 public:
  explicit SubjectKeyCache(std::size_t capacity) : capacity_(capacity) {}

  // nullptr on a miss; a hit becomes most recently used.
  const SubjectKeys* Find(std::string_view customer_id);
  // Inserts (or replaces) and returns the cached entry.
  const SubjectKeys* Insert(std::string customer_id, SubjectKeys keys);
  void Evict(std::string_view customer_id);
  void Clear();

 private:
  using Entry = std::pair<std::string, std::unique_ptr<SubjectKeys>>;
  std::size_t capacity_;
  std::list<Entry> order_;  // most recent first
  std::unordered_map<std::string_view, std::list<Entry>::iterator> index_;
};

}  // namespace cvault::internal

#endif  // CVAULT_VAULT_SUBJECT_KEY_CACHE_H_
