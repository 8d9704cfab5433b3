// Statement: one compiled SQL statement, owned through std::unique_ptr with a
// deleter that calls sqlite3_finalize and never throws.
//
// Bind calls never fail on the spot: the first bind error is kept and
// reported by the next Step() or Run(), so call sites stay linear. Reset()
// makes the statement reusable (it also clears the bindings).
//
// Move-only. Not thread-safe: it belongs to its Connection's thread.
#ifndef CVAULT_STORE_SQLCIPHER_STATEMENT_H_
#define CVAULT_STORE_SQLCIPHER_STATEMENT_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "cvault/status.h"
#include "store/store.h"

struct sqlite3;
struct sqlite3_stmt;

namespace cvault::store::sqlcipher {

class Statement {
 public:
  // Compiles the single statement `sql` on `db`. `role` names the database
  // in error messages; it must outlive the statement.
  [[nodiscard]] static StatusOr<std::unique_ptr<Statement>> Prepare(
      sqlite3* db, std::string_view sql, std::string_view role);

  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Parameters are 1-based, as in SQLite. Values are copied.
  void BindInt64(int index, std::int64_t value);
  // A row count for LIMIT; SIZE_MAX and anything past int64 mean no limit.
  void BindLimit(int index, std::size_t limit);
  void BindText(int index, std::string_view value);
  // An empty span binds an empty blob, not NULL.
  void BindBlob(int index, std::span<const std::uint8_t> value);
  // nullopt binds NULL.
  void BindOptionalBlob(int index, const std::optional<Bytes>& value);
  void BindOptionalInt64(int index, std::optional<std::int64_t> value);
  void BindNull(int index);

  // Runs one step: true when a row is ready, false when done. `action`
  // describes the call for error messages ("read a customer").
  [[nodiscard]] StatusOr<bool> Step(std::string_view action);
  // Steps until done, ignoring rows.
  [[nodiscard]] Status Run(std::string_view action);

  // Column readers for the current row; columns are 0-based.
  bool ColumnIsNull(int column) const;
  std::int64_t ColumnInt64(int column) const;
  std::string ColumnText(int column) const;
  Bytes ColumnBlob(int column) const;  // NULL reads as empty
  // The same as views into the statement's row, valid until the next step
  // or reset (for filling buffers that are reused).
  std::string_view ColumnTextView(int column) const;
  std::span<const std::uint8_t> ColumnBlobView(int column) const;
  std::optional<Bytes> ColumnOptionalBlob(int column) const;
  std::optional<std::int64_t> ColumnOptionalInt64(int column) const;

  // The extended result code of the last failed step (SQLITE_OK if none).
  int last_error() const { return last_error_; }

  // Rewinds the statement and clears its bindings and remembered errors.
  void Reset();

 private:
  struct Finalizer {
    void operator()(sqlite3_stmt* statement) const noexcept;
  };

  Statement(sqlite3* db, sqlite3_stmt* statement, std::string_view role)
      : db_(db), statement_(statement), role_(role) {}

  void NoteBindResult(int rc);

  sqlite3* db_;
  std::unique_ptr<sqlite3_stmt, Finalizer> statement_;
  std::string_view role_;
  int bind_error_ = 0;
  int last_error_ = 0;
};

}  // namespace cvault::store::sqlcipher

#endif  // CVAULT_STORE_SQLCIPHER_STATEMENT_H_
