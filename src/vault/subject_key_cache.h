// A bounded least-recently-used cache of unwrapped per-customer data keys
// (as ready ciphers) and audit pseudonyms, so a hot customer costs one
// keystore read and one unwrap, not one per call. Erasure must Evict().
//
// Thread-safe. An entry it returns stays usable after it leaves the cache
// (shared ownership), so parallel reads may fill the cache while others use
// what they found.
#ifndef CVAULT_VAULT_SUBJECT_KEY_CACHE_H_
#define CVAULT_VAULT_SUBJECT_KEY_CACHE_H_

#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "crypto/aead.h"

namespace cvault::internal {

struct SubjectKeys {
  crypto::FieldCipher cipher;  // the customer's standard-class data key
  std::string pseudonym;       // hex keyed hash of the id, for audit entries
};

using SubjectKeysPtr = std::shared_ptr<const SubjectKeys>;

class SubjectKeyCache {
 public:
  explicit SubjectKeyCache(std::size_t capacity) : capacity_(capacity) {}

  // nullptr on a miss; a hit becomes most recently used.
  SubjectKeysPtr Find(std::string_view customer_id);
  // Inserts (or replaces) and returns the cached entry.
  SubjectKeysPtr Insert(std::string customer_id, SubjectKeys keys);
  void Evict(std::string_view customer_id);
  void Clear();

 private:
  void EvictLocked(std::string_view customer_id);  // REQUIRES mu_ held
  using Entry = std::pair<std::string, SubjectKeysPtr>;
  std::mutex mu_;
  std::size_t capacity_;
  std::list<Entry> order_;  // most recent first
  std::unordered_map<std::string_view, std::list<Entry>::iterator> index_;
};

}  // namespace cvault::internal

#endif  // CVAULT_VAULT_SUBJECT_KEY_CACHE_H_
