// Turns SQLite result codes into cvault::Status values.
//
// Messages name the database by its role and file ("vault database
// (vault.db)"), the action that failed and, for errors opening or writing a
// file, the likely cause; they use sqlite3_errstr() of the code, never SQL
// text or a row value.
#ifndef CVAULT_STORE_SQLCIPHER_ERRORS_H_
#define CVAULT_STORE_SQLCIPHER_ERRORS_H_

#include <string_view>

#include "cvault/status.h"

namespace cvault::store::sqlcipher {

// Maps an (extended) SQLite result code:
//   SQLITE_NOTADB                      -> KeyFailure (wrong key or page size,
//                                         not a database, damaged first page)
//   SQLITE_CORRUPT                     -> Integrity
//   SQLITE_CONSTRAINT_UNIQUE / _PRIMARYKEY -> AlreadyExists
//   SQLITE_BUSY, LOCKED, IOERR, FULL, CANTOPEN, READONLY, NOMEM, PERM
//                                      -> Unavailable (FULL and
//                                         IOERR_SHMSIZE name the full disk)
//   anything else                      -> Internal
// `role` is "vault database" or "keystore database"; `action` says what was
// being done, e.g. "insert a customer".
Status StatusFromSqlite(int code, std::string_view role,
                        std::string_view action);

// True for the codes StatusFromSqlite maps to AlreadyExists.
bool IsUniquenessViolation(int code);

}  // namespace cvault::store::sqlcipher

#endif  // CVAULT_STORE_SQLCIPHER_ERRORS_H_
