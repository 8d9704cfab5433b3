#include "store/sqlcipher/transaction.h"

#include <string>
#include <utility>

namespace cvault::store::sqlcipher {

StatusOr<Transaction> Transaction::Begin(Connection& connection, bool write) {
  if (connection.in_transaction()) {
    return Error(Status::FailedPrecondition(
        connection.role() +
        ": a transaction is already open; commit or destroy it first"));
  }
  CVAULT_ASSIGN_OR_RETURN(
      auto begin, connection.Prepare(write ? "BEGIN IMMEDIATE" : "BEGIN"));
  CVAULT_RETURN_IF_ERROR(begin->Run(write ? "begin a write transaction"
                                          : "begin a read transaction"));
  return Transaction(&connection, write);
}

Transaction::Transaction(Transaction&& other) noexcept
    : connection_(other.connection_),
      write_(other.write_),
      open_(std::exchange(other.open_, false)) {}

Transaction::~Transaction() {
  if (!open_ || !connection_->in_transaction()) return;
  // Every read transaction ends here, so the statement is the cached one
  // (compiled once per connection). Errors are ignored: SQLite rolls back
  // on close in any case.
  auto rollback = connection_->Prepare("ROLLBACK");
  if (rollback) {
    static_cast<void>((*rollback)->Run("roll back"));
  } else {
    static_cast<void>(connection_->Execute("ROLLBACK", "roll back"));
  }
}

Status Transaction::CheckUsable(bool for_write) const {
  if (!open_) {
    return Status::FailedPrecondition(
        connection_->role() +
        ": the transaction is already committed; begin a new one");
  }
  if (!connection_->in_transaction()) {
    return Status::FailedPrecondition(
        connection_->role() +
        ": the transaction was rolled back after an earlier error; begin a "
        "new one");
  }
  if (for_write && !write_) {
    return Status::FailedPrecondition(
        connection_->role() +
        ": cannot change data in a read transaction; begin a write one");
  }
  return Status::Ok();
}

Status Transaction::Commit() {
  CVAULT_RETURN_IF_ERROR(CheckUsable(/*for_write=*/false));
  CVAULT_ASSIGN_OR_RETURN(auto commit, connection_->Prepare("COMMIT"));
  Status committed = commit->Run("commit");
  // A failed COMMIT may leave the transaction open; the destructor then
  // rolls it back.
  if (committed.ok()) open_ = false;
  return committed;
}

}  // namespace cvault::store::sqlcipher
