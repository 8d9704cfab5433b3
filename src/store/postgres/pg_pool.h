// PgPool: the connections of one store (the vault schema or the keystore
// schema), opened on demand up to a limit and reused; and PgTransaction, a
// transaction on a connection borrowed from the pool.
//
// Transactions (store.h's contract on a server shared by many hosts):
//   write  READ COMMITTED, and first of all a transaction-scoped advisory
//          lock that belongs to the schema: write transactions on one schema
//          run one at a time across every host, in the order they got the
//          lock, so they are serializable against each other and every
//          statement sees what the writers before committed. (The audit
//          chain's head makes every write conflict with every other anyway;
//          optimistic SERIALIZABLE would turn that into constant retries.)
//          Waiting longer than lock_timeout_ms for the lock is Busy.
//   read   REPEATABLE READ READ ONLY: one snapshot, never blocks a writer.
// A transaction destroyed without Commit() rolls back. A connection that
// broke, or whose transaction state is unclear, is closed instead of going
// back to the pool.
//
// PgPool is thread-safe; a PgTransaction belongs to one thread.
#ifndef CVAULT_STORE_POSTGRES_PG_POOL_H_
#define CVAULT_STORE_POSTGRES_PG_POOL_H_

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "cvault/status.h"
#include "store/postgres/pg_connection.h"
#include "store/postgres/postgres_store.h"

namespace cvault::store::postgres {

// A 64-bit advisory lock key for `purpose` ("write", "migrate") on `schema`,
// the same in every process (FNV-1a of "cvault:<schema>:<purpose>").
std::int64_t AdvisoryLockKey(std::string_view schema, std::string_view purpose);

// `name` quoted as a SQL identifier. REQUIRES: ValidSchemaName(name).
std::string QuoteIdentifier(std::string_view name);

class PgPool;

class PgTransaction {
 public:
  PgTransaction(const PgTransaction&) = delete;
  PgTransaction& operator=(const PgTransaction&) = delete;
  ~PgTransaction();

  bool write() const { return write_; }
  // Runs one statement of this transaction. FailedPrecondition after Commit
  // (or for a write statement in a read transaction).
  [[nodiscard]] StatusOr<PgResult> Run(std::string_view sql, const PgParams& params,
                                       std::string_view action, bool writes);
  // Run for a statement that only reads, and for one that writes.
  [[nodiscard]] StatusOr<PgResult> Read(std::string_view sql, const PgParams& params,
                                        std::string_view action) {
    return Run(sql, params, action, /*writes=*/false);
  }
  [[nodiscard]] StatusOr<PgResult> Write(std::string_view sql, const PgParams& params,
                                         std::string_view action) {
    return Run(sql, params, action, /*writes=*/true);
  }
  // Commits; the transaction is over whatever the outcome. Unavailable when
  // the connection broke during COMMIT (the outcome is then unknown).
  [[nodiscard]] Status Commit();

 private:
  friend class PgPool;
  PgTransaction(PgPool* pool, std::unique_ptr<PgConnection> connection, bool write)
      : pool_(pool), connection_(std::move(connection)), write_(write) {}

  PgPool* pool_;
  std::unique_ptr<PgConnection> connection_;
  bool write_;
  bool open_ = true;
};

class PgPool {
 public:
  // `role` names the store in messages; `schema` is the store's schema (set
  // as each connection's search_path).
  PgPool(PostgresSettings settings, std::string schema, std::string role);
  ~PgPool();
  PgPool(const PgPool&) = delete;
  PgPool& operator=(const PgPool&) = delete;

  // Borrows a connection (waiting up to lock_timeout_ms while all
  // settings.pool_size are in use: Busy after that) and begins a
  // transaction on it.
  [[nodiscard]] StatusOr<std::unique_ptr<PgTransaction>> Begin(bool write);

  // A fresh connection of this store that is not counted in the pool (schema
  // migrations run on one).
  [[nodiscard]] StatusOr<std::unique_ptr<PgConnection>> ConnectUnpooled();

  const std::string& schema() const { return schema_; }
  const std::string& role() const { return role_; }

 private:
  friend class PgTransaction;
  [[nodiscard]] StatusOr<std::unique_ptr<PgConnection>> Borrow();
  void Return(std::unique_ptr<PgConnection> connection);

  const PostgresSettings settings_;
  const std::string schema_;
  const std::string role_;
  const std::string begin_write_sql_;

  std::mutex mu_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<PgConnection>> idle_;  // guarded by mu_
  std::size_t open_count_ = 0;                       // guarded by mu_
};

}  // namespace cvault::store::postgres

#endif  // CVAULT_STORE_POSTGRES_PG_POOL_H_
