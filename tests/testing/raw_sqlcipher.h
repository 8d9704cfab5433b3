// Direct SQL on a vault's database file, bypassing the library: tests use it
// to play an attacker who holds the database key (a DBA, a stolen backup plus
// key) and edits rows behind the vault's back.
#ifndef CVAULT_TESTS_TESTING_RAW_SQLCIPHER_H_
#define CVAULT_TESTS_TESTING_RAW_SQLCIPHER_H_

#define SQLITE_HAS_CODEC 1
#include <sqlcipher/sqlite3.h>

#include <filesystem>
#include <string>

#include "crypto/bytes.h"
#include "cvault/secret_bytes.h"
#include "keys/keyring.h"

namespace cvault::testing {

// Runs `sql` on the SQLCipher file; returns the SQLite result code.
inline int RunRawSql(const std::filesystem::path& file, const SecretBytes& key,
                     const std::string& sql) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr);
  if (rc == SQLITE_OK) {
    std::string raw = "x'" + crypto::ToHex(key.Reveal()) + "'";
    rc = sqlite3_key(db, raw.data(), static_cast<int>(raw.size()));
  }
  if (rc == SQLITE_OK) rc = sqlite3_exec(db, "PRAGMA cipher_page_size = 4096;", nullptr, nullptr, nullptr);
  if (rc == SQLITE_OK) rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
  sqlite3_close_v2(db);
  return rc;
}

// The vault database key, read through the keyring with the test's root key.
inline SecretBytes VaultDbKey(const std::filesystem::path& keys_dir,
                              const std::filesystem::path& key_file) {
  auto keyring = keys::Keyring::Open(keys_dir, KeyFile{key_file});
  if (!keyring) return SecretBytes();
  return keyring->vault_db_key().Clone();
}

}  // namespace cvault::testing

#endif  // CVAULT_TESTS_TESTING_RAW_SQLCIPHER_H_
