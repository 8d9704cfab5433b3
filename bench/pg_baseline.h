// PgBaseline: raw libpq doing the vault's customer row work on PostgreSQL,
// for cvault_pg_bench (bench/pg_bench.cc). A plaintext customers table of the
// vault's shape (id, timestamps, restriction flag, the seven fields, a
// unique index on email, an index on phone) in a schema of its own; no field
// crypto, no audit, no advisory lock. Every statement is prepared once per
// connection and runs in autocommit, so each insert is one commit; commits
// use synchronous_commit = on, as the vault's Durability::kFull does.
//
// One PgBaseline is one connection: neither copyable nor movable, used by
// one thread at a time.
#ifndef CVAULT_BENCH_PG_BASELINE_H_
#define CVAULT_BENCH_PG_BASELINE_H_

#include <libpq-fe.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bench/customer_workload.h"
#include "cvault/customer.h"
#include "cvault/status.h"

namespace cvault::bench {

class PgBaseline {
 public:
  // Connects with `dsn` to the baseline's tables in `schema` (made by
  // CreateSchema) and prepares the statements. Unavailable when the server
  // cannot be reached; Internal when a statement does not prepare.
  [[nodiscard]] static StatusOr<std::unique_ptr<PgBaseline>> Connect(
      const std::string& dsn, std::string_view schema);

  // Creates `schema` and its customers table; DropSchema removes them (and
  // succeeds when they are gone). REQUIRES: `schema` is a plain lower-case
  // identifier.
  [[nodiscard]] static Status CreateSchema(const std::string& dsn,
                                           std::string_view schema);
  [[nodiscard]] static Status DropSchema(const std::string& dsn, std::string_view schema);

  PgBaseline(const PgBaseline&) = delete;
  PgBaseline& operator=(const PgBaseline&) = delete;
  ~PgBaseline();

  // One row, committed on its own.
  [[nodiscard]] Status Insert(std::string_view id, const NewCustomer& c);
  // Population only: customer i is SyntheticCustomer(i) with id ids[i], all
  // in one transaction.
  [[nodiscard]] Status InsertMany(const std::vector<std::string>& ids);
  // The row with `id`, all columns; NotFound when there is none.
  [[nodiscard]] Status Get(std::string_view id, CustomerCopy& out);
  // The id of the row with `email`; NotFound when there is none.
  [[nodiscard]] StatusOr<std::string> FindIdByEmail(std::string_view email);

 private:
  struct ConnectionCloser {
    void operator()(PGconn* conn) const noexcept { PQfinish(conn); }
  };
  struct ResultClearer {
    void operator()(PGresult* result) const noexcept { PQclear(result); }
  };
  using Result = std::unique_ptr<PGresult, ResultClearer>;

  explicit PgBaseline(PGconn* conn) : conn_(conn) {}

  // A connection with the server's defaults, nothing prepared.
  [[nodiscard]] static StatusOr<std::unique_ptr<PgBaseline>> ConnectPlain(
      const std::string& dsn);

  // Runs `sql` (no parameters, simple query protocol).
  [[nodiscard]] Status Execute(const std::string& sql);
  // Runs prepared statement `name` with text parameters (null for SQL NULL),
  // text results.
  Result RunPrepared(const char* name, const std::vector<const char*>& params);
  // Internal naming `what` and the server's message, unless `result`
  // succeeded with `expected`.
  [[nodiscard]] Status Check(const Result& result, ExecStatusType expected,
                             std::string_view what) const;

  std::unique_ptr<PGconn, ConnectionCloser> conn_;
};

}  // namespace cvault::bench

#endif  // CVAULT_BENCH_PG_BASELINE_H_
