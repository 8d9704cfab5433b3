#include "store/sqlcipher/statement.h"

#include <limits>
#include <utility>

#include "store/sqlcipher/errors.h"
#include "store/sqlcipher/sqlite_api.h"

namespace cvault::store::sqlcipher {

void Statement::Finalizer::operator()(sqlite3_stmt* statement) const noexcept {
  sqlite3_finalize(statement);
}

StatusOr<std::unique_ptr<Statement>> Statement::Prepare(sqlite3* db,
                                                        std::string_view sql,
                                                        std::string_view role) {
  sqlite3_stmt* raw = nullptr;
  const int rc = sqlite3_prepare_v2(
      db, sql.data(), static_cast<int>(sql.size()), &raw, nullptr);
  // Take ownership first: a failed prepare may still hand back a statement.
  std::unique_ptr<Statement> statement(new Statement(db, raw, role));
  if (rc != SQLITE_OK) {
    return Error(StatusFromSqlite(rc, role, "prepare a statement"));
  }
  if (raw == nullptr) {
    return Error(Status::Internal(std::string(role) +
                                  ": a statement compiled to nothing"));
  }
  return statement;
}

void Statement::NoteBindResult(int rc) {
  if (rc != SQLITE_OK && bind_error_ == SQLITE_OK) bind_error_ = rc;
}

void Statement::BindInt64(int index, std::int64_t value) {
  NoteBindResult(sqlite3_bind_int64(statement_.get(), index, value));
}

void Statement::BindLimit(int index, std::size_t limit) {
  constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
  BindInt64(index, limit > static_cast<std::size_t>(kMax) ? kMax
                                                          : static_cast<std::int64_t>(limit));
}

void Statement::BindText(int index, std::string_view value) {
  // A non-null pointer even for an empty view, so "" is not bound as NULL.
  const char* text = value.empty() ? "" : value.data();
  NoteBindResult(sqlite3_bind_text64(statement_.get(), index, text,
                                     value.size(), SQLITE_TRANSIENT,
                                     SQLITE_UTF8));
}

void Statement::BindBlob(int index, std::span<const std::uint8_t> value) {
  if (value.empty()) {
    // sqlite3_bind_blob with a null pointer would bind NULL.
    NoteBindResult(sqlite3_bind_zeroblob(statement_.get(), index, 0));
    return;
  }
  NoteBindResult(sqlite3_bind_blob64(statement_.get(), index, value.data(),
                                     value.size(), SQLITE_TRANSIENT));
}

void Statement::BindOptionalBlob(int index, const std::optional<Bytes>& value) {
  if (value.has_value()) {
    BindBlob(index, *value);
  } else {
    BindNull(index);
  }
}

void Statement::BindOptionalInt64(int index, std::optional<std::int64_t> value) {
  if (value.has_value()) {
    BindInt64(index, *value);
  } else {
    BindNull(index);
  }
}

void Statement::BindNull(int index) {
  NoteBindResult(sqlite3_bind_null(statement_.get(), index));
}

StatusOr<bool> Statement::Step(std::string_view action) {
  if (bind_error_ != SQLITE_OK) {
    last_error_ = bind_error_;
    return Error(StatusFromSqlite(bind_error_, role_, action));
  }
  const int rc = sqlite3_step(statement_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  // With extended result codes on, sqlite3_step returns the extended code.
  last_error_ = rc;
  return Error(StatusFromSqlite(rc, role_, action));
}

Status Statement::Run(std::string_view action) {
  while (true) {
    CVAULT_ASSIGN_OR_RETURN(const bool has_row, Step(action));
    if (!has_row) return Status::Ok();
  }
}

bool Statement::ColumnIsNull(int column) const {
  return sqlite3_column_type(statement_.get(), column) == SQLITE_NULL;
}

std::int64_t Statement::ColumnInt64(int column) const {
  return sqlite3_column_int64(statement_.get(), column);
}

std::string Statement::ColumnText(int column) const {
  const unsigned char* text = sqlite3_column_text(statement_.get(), column);
  const int size = sqlite3_column_bytes(statement_.get(), column);
  if (text == nullptr || size <= 0) return std::string();
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<std::size_t>(size));
}

Bytes Statement::ColumnBlob(int column) const {
  const auto* data = static_cast<const std::uint8_t*>(
      sqlite3_column_blob(statement_.get(), column));
  const int size = sqlite3_column_bytes(statement_.get(), column);
  if (data == nullptr || size <= 0) return Bytes();
  return Bytes(data, data + size);
}

std::string_view Statement::ColumnTextView(int column) const {
  const unsigned char* text = sqlite3_column_text(statement_.get(), column);
  const int size = sqlite3_column_bytes(statement_.get(), column);
  if (text == nullptr || size <= 0) return {};
  return {reinterpret_cast<const char*>(text), static_cast<std::size_t>(size)};
}

std::span<const std::uint8_t> Statement::ColumnBlobView(int column) const {
  const auto* data = static_cast<const std::uint8_t*>(
      sqlite3_column_blob(statement_.get(), column));
  const int size = sqlite3_column_bytes(statement_.get(), column);
  if (data == nullptr || size <= 0) return {};
  return {data, static_cast<std::size_t>(size)};
}

std::optional<Bytes> Statement::ColumnOptionalBlob(int column) const {
  if (ColumnIsNull(column)) return std::nullopt;
  return ColumnBlob(column);
}

std::optional<std::int64_t> Statement::ColumnOptionalInt64(int column) const {
  if (ColumnIsNull(column)) return std::nullopt;
  return ColumnInt64(column);
}

void Statement::Reset() {
  sqlite3_reset(statement_.get());  // repeats the last step's error; ignored
  sqlite3_clear_bindings(statement_.get());
  bind_error_ = SQLITE_OK;
  last_error_ = SQLITE_OK;
}

}  // namespace cvault::store::sqlcipher
