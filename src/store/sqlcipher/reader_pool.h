// ReaderPool: idle reader connections to one SQLCipher file, for the
// parallel read transactions of its store (store.h, BeginParallelRead). A
// transaction borrows one through a ReaderLoan, which gives it back when
// the transaction ends (declare the loan before the transaction, so it is
// destroyed after it). A rekey Clear()s the pool: readers keyed with the
// old key are closed, and those out on loan are closed when they come back.
//
// Thread-safe.
#ifndef CVAULT_STORE_SQLCIPHER_READER_POOL_H_
#define CVAULT_STORE_SQLCIPHER_READER_POOL_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "cvault/status.h"
#include "store/sqlcipher/connection.h"
#include "store/sqlcipher/keyed_connection.h"

namespace cvault::store::sqlcipher {

class ReaderPool;

// A reader borrowed from a pool. Move-only.
class ReaderLoan {
 public:
  ReaderLoan(std::shared_ptr<ReaderPool> pool, std::unique_ptr<Connection> connection,
             std::uint64_t epoch)
      : pool_(std::move(pool)), connection_(std::move(connection)), epoch_(epoch) {}
  ReaderLoan(ReaderLoan&&) noexcept = default;
  ReaderLoan& operator=(ReaderLoan&&) = delete;
  ReaderLoan(const ReaderLoan&) = delete;
  ReaderLoan& operator=(const ReaderLoan&) = delete;
  ~ReaderLoan();

  Connection& connection() { return *connection_; }

 private:
  std::shared_ptr<ReaderPool> pool_;
  std::unique_ptr<Connection> connection_;
  std::uint64_t epoch_;
};

class ReaderPool {
 public:
  // At most this many idle readers are kept; more may be out at once.
  static constexpr std::size_t kMaxIdle = 8;

  // An idle reader of `pool`, or a new one `keyed` opens.
  [[nodiscard]] static StatusOr<ReaderLoan> Borrow(const std::shared_ptr<ReaderPool>& pool,
                                                   const KeyedConnection& keyed);
  // Closes the idle readers and starts a new epoch.
  void Clear();

 private:
  friend class ReaderLoan;
  // Keeps `connection` for the next borrower, unless it is of an earlier
  // epoch or the pool is full.
  void Give(std::unique_ptr<Connection> connection, std::uint64_t epoch);

  std::mutex mu_;
  std::vector<std::unique_ptr<Connection>> idle_;
  std::uint64_t epoch_ = 0;
};

}  // namespace cvault::store::sqlcipher

#endif  // CVAULT_STORE_SQLCIPHER_READER_POOL_H_
