#include "store/sqlcipher/errors.h"

#include <string>

#include "store/sqlcipher/sqlite_api.h"

namespace cvault::store::sqlcipher {
namespace {

// The likely cause when SQLite cannot open or write a file it needs.
constexpr char kAccessAdvice[] =
    "check that this user may read and write the database file, its folder "
    "and the file's -wal and -shm companions: a -shm or -wal file left by "
    "another user (say, after the vault was opened as root) blocks every "
    "open; remove those two only while no process has the vault open";

}  // namespace

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
  // SQLite cannot grow the -shm file of a database it creates or opens
  // (a backup's copy, say) when the disk is full: the same advice applies.
  if (code == SQLITE_IOERR_SHMSIZE) code = SQLITE_FULL;
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
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_IOERR:
      return Status::Unavailable(role_text + ": could not " + action_text +
                                 ": " + detail + "; " + kAccessAdvice);
    case SQLITE_FULL:
      return Status::Unavailable(role_text + ": could not " + action_text +
                                 ": " + detail +
                                 "; the disk or file system holding the vault "
                                 "folder is full: free space and retry");
    case SQLITE_NOMEM:
      return Status::Unavailable(role_text + ": could not " + action_text +
                                 ": " + detail);
    default:
      return Status::Internal(role_text + ": could not " + action_text + ": " +
                              detail);
  }
}

}  // namespace cvault::store::sqlcipher
