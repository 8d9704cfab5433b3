// The one place that includes the SQLCipher C API. sqlite3_key() is declared
// only when SQLITE_HAS_CODEC is defined, so every file of this backend goes
// through this header instead of including <sqlcipher/sqlite3.h> directly.
// Never link libsqlite3 next to it: the symbols clash.
#ifndef CVAULT_STORE_SQLCIPHER_SQLITE_API_H_
#define CVAULT_STORE_SQLCIPHER_SQLITE_API_H_

#ifndef SQLITE_HAS_CODEC
#define SQLITE_HAS_CODEC 1
#endif
#include <sqlcipher/sqlite3.h>

#endif  // CVAULT_STORE_SQLCIPHER_SQLITE_API_H_
