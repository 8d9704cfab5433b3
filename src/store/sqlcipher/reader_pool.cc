#include "store/sqlcipher/reader_pool.h"

namespace cvault::store::sqlcipher {

ReaderLoan::~ReaderLoan() {
  if (pool_ && connection_) pool_->Give(std::move(connection_), epoch_);
}

StatusOr<ReaderLoan> ReaderPool::Borrow(const std::shared_ptr<ReaderPool>& pool,
                                        const KeyedConnection& keyed) {
  std::unique_ptr<Connection> connection;
  std::uint64_t epoch = 0;
  {
    std::lock_guard lock(pool->mu_);
    epoch = pool->epoch_;
    if (!pool->idle_.empty()) {
      connection = std::move(pool->idle_.back());
      pool->idle_.pop_back();
    }
  }
  if (connection == nullptr) {
    // Opened outside the lock: other borrowers need not wait for it.
    CVAULT_ASSIGN_OR_RETURN(connection, keyed.OpenAnother());
  }
  return ReaderLoan(pool, std::move(connection), epoch);
}

void ReaderPool::Clear() {
  std::lock_guard lock(mu_);
  idle_.clear();
  ++epoch_;
}

void ReaderPool::Give(std::unique_ptr<Connection> connection, std::uint64_t epoch) {
  std::lock_guard lock(mu_);
  if (epoch == epoch_ && idle_.size() < kMaxIdle) idle_.push_back(std::move(connection));
}

}  // namespace cvault::store::sqlcipher
