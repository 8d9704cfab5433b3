#include "store/sqlcipher/errors.h"

#include <string>

#include "store/sqlcipher/sqlite_api.h"

namespace cvault::store::sqlcipher {

bool IsUniquenessViolation(int code) {
  return code == SQLITE_CONSTRAINT_UNIQUE ||
         code == SQLITE_CONSTRAINT_PRIMARYKEY;
}

Status StatusFromSqlite(int code, std::string_view role,
                        std::string_view action) {
  const std::string role_text(role);
  const std::string action_text(action);
  const std::string detail = std::string(sqlite3_errstr(code)) +
                             " (SQLite code " + std::to_string(code) + ")";
  if (IsUniquenessViolation(code)) {
    return Status::AlreadyExists(role_text + ": could not " + action_text +
                                 ": a row with the same unique value exists");
  }
  switch (code & 0xff) {
    case SQLITE_NOTADB:
      return Status::KeyFailure(
          role_text +
          " could not be opened: wrong database key, or the file is not a "
          "cvault database (or its first page is damaged)");
    case SQLITE_CORRUPT:
      return Status::Integrity(
          role_text + " is corrupted (found while trying to " + action_text +
          "): restore it from a backup; " + detail);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status::Busy(role_text + ": could not " + action_text +
                          ": another process or connection held the database "
                          "lock past the wait limit; nothing was written, retry; " +
                          detail);
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_NOMEM:
    case SQLITE_PERM:
      return Status::Unavailable(role_text + ": could not " + action_text +
                                 ": " + detail);
    default:
      return Status::Internal(role_text + ": could not " + action_text + ": " +
                              detail);
  }
}

}  // namespace cvault::store::sqlcipher
