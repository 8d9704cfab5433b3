// Transaction: a guard for one SQLite transaction on a Connection. It rolls
// back when destroyed unless Commit() succeeded.
//
// Write transactions start with BEGIN IMMEDIATE (the write lock is taken at
// once, so a conflict shows up at Begin rather than halfway through); read
// transactions with a deferred BEGIN.
//
// Move-only; not thread-safe. REQUIRES: the Connection outlives the guard.
#ifndef CVAULT_STORE_SQLCIPHER_TRANSACTION_H_
#define CVAULT_STORE_SQLCIPHER_TRANSACTION_H_

#include "cvault/status.h"
#include "store/sqlcipher/connection.h"

namespace cvault::store::sqlcipher {

class Transaction {
 public:
  // FailedPrecondition if a transaction is already open on `connection`.
  [[nodiscard]] static StatusOr<Transaction> Begin(Connection& connection,
                                                   bool write);

  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();

  [[nodiscard]] Status Commit();

  bool write() const { return write_; }
  // OK while statements may run in this transaction: not yet committed and
  // not rolled back by SQLite after an I/O or disk-full error. `for_write`
  // additionally requires a write transaction.
  [[nodiscard]] Status CheckUsable(bool for_write) const;

 private:
  Transaction(Connection* connection, bool write)
      : connection_(connection), write_(write), open_(true) {}

  Connection* connection_;
  bool write_;
  bool open_;
};

}  // namespace cvault::store::sqlcipher

#endif  // CVAULT_STORE_SQLCIPHER_TRANSACTION_H_
