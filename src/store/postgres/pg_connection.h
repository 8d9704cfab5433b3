// A thin RAII layer over libpq for the PostgreSQL backend: one server
// connection (PgConnection), the parameters of one statement (PgParams) and
// its result (PgResult).
//
// Every statement the store runs is a prepared statement: PgConnection
// prepares a statement's text the first time the connection runs it and
// reuses the prepared plan afterwards. Parameters and results travel in
// binary (bytea without hex escaping, integers without text conversion).
//
// Errors become Status values named after the SQLSTATE class (Busy for lock
// timeouts and serialization failures, AlreadyExists for unique violations,
// Unavailable for a lost connection). No parameter value ever reaches a
// message: the server's DETAIL and the statement text are left out.
//
// PgConnection is move-only and used by one thread at a time (the pool
// hands each connection to one transaction); PgParams and PgResult are
// plain values.
#ifndef CVAULT_STORE_POSTGRES_PG_CONNECTION_H_
#define CVAULT_STORE_POSTGRES_PG_CONNECTION_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "cvault/status.h"
#include "store/store.h"

struct pg_conn;
struct pg_result;

namespace cvault::store::postgres {

// The parameters of one statement, in order ($1, $2, ...), each with its
// server type so the statement can be prepared from the first use.
class PgParams {
 public:
  PgParams& Text(std::string_view value);
  PgParams& Int64(std::int64_t value);
  PgParams& Bytes(std::span<const std::uint8_t> value);
  PgParams& OptionalBytes(const std::optional<store::Bytes>& value);
  PgParams& OptionalInt64(const std::optional<std::int64_t>& value);
  PgParams& Bool(bool value);
  // A row count for LIMIT (int8): anything past int64 means no limit.
  PgParams& Limit(std::size_t rows);

  int size() const { return static_cast<int>(types_.size()); }
  const std::vector<unsigned int>& types() const { return types_; }
  // Pointers into this object's storage, valid while it lives unchanged.
  std::vector<const char*> values() const;
  std::vector<int> lengths() const;
  std::vector<int> formats() const { return std::vector<int>(types_.size(), 1); }

 private:
  PgParams& Add(unsigned int type, std::optional<std::string> bytes);

  std::vector<unsigned int> types_;
  std::vector<std::optional<std::string>> values_;  // binary wire form
};

// The rows of one statement. Columns are read by index, in binary form.
class PgResult {
 public:
  explicit PgResult(pg_result* result);
  PgResult(PgResult&&) noexcept = default;
  PgResult& operator=(PgResult&&) noexcept = default;

  int rows() const;
  // The row count an INSERT, UPDATE or DELETE reported.
  std::size_t affected() const;

  bool IsNull(int row, int column) const;
  std::string Text(int row, int column) const;
  std::int64_t Int64(int row, int column) const;  // int8, int4 or int2
  bool Bool(int row, int column) const;
  store::Bytes Bytes(int row, int column) const;
  std::optional<store::Bytes> OptionalBytes(int row, int column) const;
  std::optional<std::int64_t> OptionalInt64(int row, int column) const;

 private:
  friend class PgConnection;
  struct Deleter {
    void operator()(pg_result* result) const;
  };
  std::unique_ptr<pg_result, Deleter> result_;
};

class PgConnection {
 public:
  // Connects with the libpq connection string `dsn` (keyword/value or URI;
  // TLS settings such as sslmode pass through). `role` names what the
  // connection serves in error messages ("vault store", "keystore").
  // Unavailable when the server cannot be reached or refuses the login; the
  // message never repeats the DSN (it may hold a password).
  [[nodiscard]] static StatusOr<std::unique_ptr<PgConnection>> Connect(const std::string& dsn,
                                                                       std::string_view role);

  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;
  ~PgConnection();

  // Runs `sql` (one or more statements, no parameters, text protocol).
  [[nodiscard]] Status Execute(std::string_view sql, std::string_view action);
  // Runs the single statement `sql` with `params`, prepared on first use.
  [[nodiscard]] StatusOr<PgResult> Run(std::string_view sql, const PgParams& params,
                                       std::string_view action);

  // Ends the open transaction with COMMIT. Busy when the server rolled it
  // back instead (an earlier statement failed); Unavailable when the
  // connection broke, leaving the outcome unknown.
  [[nodiscard]] Status Commit();

  // False once the connection broke: the pool drops it instead of reusing.
  bool healthy() const;
  std::string_view role() const { return role_; }

 private:
  PgConnection(pg_conn* conn, std::string_view role) : conn_(conn), role_(role) {}

  // The Status for a result that is not a success (or a null result).
  Status ErrorOf(const pg_result* result, std::string_view action) const;

  pg_conn* conn_;
  std::string role_;
  std::unordered_map<std::string, std::string> prepared_;  // sql -> name
};

}  // namespace cvault::store::postgres

#endif  // CVAULT_STORE_POSTGRES_PG_CONNECTION_H_
