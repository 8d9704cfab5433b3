#include "vault/subject_key_cache.h"

namespace cvault::internal {

SubjectKeysPtr SubjectKeyCache::Find(std::string_view customer_id) {
  std::lock_guard lock(mu_);
  auto it = index_.find(customer_id);
  if (it == index_.end()) return nullptr;
  order_.splice(order_.begin(), order_, it->second);
  return it->second->second;
}

SubjectKeysPtr SubjectKeyCache::Insert(std::string customer_id, SubjectKeys keys) {
  std::lock_guard lock(mu_);
  EvictLocked(customer_id);
  order_.emplace_front(std::move(customer_id),
                       std::make_shared<const SubjectKeys>(std::move(keys)));
  index_.emplace(order_.front().first, order_.begin());
  while (order_.size() > capacity_) {
    index_.erase(order_.back().first);
    order_.pop_back();
  }
  return order_.front().second;
}

void SubjectKeyCache::Evict(std::string_view customer_id) {
  std::lock_guard lock(mu_);
  EvictLocked(customer_id);
}

void SubjectKeyCache::EvictLocked(std::string_view customer_id) {
  auto it = index_.find(customer_id);
  if (it == index_.end()) return;
  auto node = it->second;
  index_.erase(it);
  order_.erase(node);
}

void SubjectKeyCache::Clear() {
  std::lock_guard lock(mu_);
  index_.clear();
  order_.clear();
}

}  // namespace cvault::internal
