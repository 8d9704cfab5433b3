// Connection: one open, keyed SQLCipher database. Owns the sqlite3 handle
// through std::unique_ptr with a non-throwing deleter (sqlite3_close_v2) and
// caches the prepared statements of the hot paths.
//
// Open() keys the file, pins the cipher settings before the first read,
// verifies the key with a read, then sets WAL mode, synchronous, foreign
// keys, secure delete, in-memory temp storage, cache size and busy timeout.
//
// Move-only through its unique_ptr; not thread-safe (SQLITE_OPEN_NOMUTEX):
// one thread at a time.
#ifndef CVAULT_STORE_SQLCIPHER_CONNECTION_H_
#define CVAULT_STORE_SQLCIPHER_CONNECTION_H_

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "cvault/secret_bytes.h"
#include "cvault/status.h"
#include "store/sqlcipher/sqlcipher_store.h"
#include "store/sqlcipher/statement.h"

struct sqlite3;

namespace cvault::store::sqlcipher {

// A cached statement on loan: reset (and its bindings cleared) when the lease
// ends, so the next user starts clean. Move-only.
class StatementLease {
 public:
  explicit StatementLease(Statement* statement, bool* in_use)
      : statement_(statement), in_use_(in_use) {}
  StatementLease(StatementLease&& other) noexcept
      : statement_(std::exchange(other.statement_, nullptr)),
        in_use_(std::exchange(other.in_use_, nullptr)) {}
  StatementLease& operator=(StatementLease&&) = delete;
  StatementLease(const StatementLease&) = delete;
  StatementLease& operator=(const StatementLease&) = delete;
  ~StatementLease() {
    if (statement_ != nullptr) statement_->Reset();
    if (in_use_ != nullptr) *in_use_ = false;
  }

  Statement* operator->() const { return statement_; }
  Statement& operator*() const { return *statement_; }

 private:
  Statement* statement_;
  bool* in_use_;
};

// Removes a database file and its -wal, -shm and -journal companions,
// ignoring the ones that do not exist. For undoing a failed creation.
void RemoveDatabaseFiles(const std::filesystem::path& file);

class Connection {
 public:
  // Opens `file` as described in sqlcipher_store.h (create / NotFound /
  // AlreadyExists rules, mode 0600, key checks). `role` ("vault database",
  // "keystore database") names the file in every error message.
  [[nodiscard]] static StatusOr<std::unique_ptr<Connection>> Open(
      const std::filesystem::path& file, const SecretBytes& key, bool create,
      const SqlcipherSettings& settings, std::string_view role);

  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  // Runs SQL without parameters (one or more statements), e.g. a migration.
  // Never pass values in `sql`: bind them through Prepare().
  [[nodiscard]] Status Execute(std::string_view sql, std::string_view action);

  // The cached statement for `sql`, compiled on first use. Internal error if
  // the same statement is already on loan (a bug).
  [[nodiscard]] StatusOr<StatementLease> Prepare(std::string_view sql);

  // Maintenance (store.h, StoreMaintenance). REQUIRE no open transaction.
  // PRAGMA rekey to `new_key` (kSqlcipherKeySize bytes). InvalidArgument and
  // FailedPrecondition leave the connection as it was. Any other error means
  // the change failed or could not be confirmed, and SQLCipher may have left
  // this connection writing under the new key while reading under the old:
  // close it and reopen the file (under the old key, else the new one).
  [[nodiscard]] Status Rekey(const SecretBytes& new_key);
  // sqlite3_backup into a new file keyed with `key` (this database's key)
  // and the same pinned cipher settings; AlreadyExists if `file` exists.
  [[nodiscard]] Status BackupTo(const std::filesystem::path& file, const SecretBytes& key);
  // PRAGMA wal_checkpoint(TRUNCATE); Unavailable if readers kept it from
  // completing.
  [[nodiscard]] Status CheckpointTruncate();
  // PRAGMA integrity_check: reads every page in use (SQLCipher checks each
  // page's MAC as it decrypts it) and the structure of every table and
  // index. Returns what SQLite reports wrong (page numbers, table and index
  // names, row ids: never a value), at most 100 lines; empty when sound. An
  // error when a page cannot be read at all.
  [[nodiscard]] StatusOr<std::vector<std::string>> CheckPages();

  // Rows changed by the last INSERT, UPDATE or DELETE.
  std::int64_t changes() const;
  // True while a transaction is open on this connection.
  bool in_transaction() const;
  // The message of the last error, naming the table and column for a
  // constraint failure; never a value.
  std::string_view last_error_message() const;

  const std::string& role() const { return role_; }
  const std::filesystem::path& file() const { return file_; }

 private:
  struct Closer {
    void operator()(sqlite3* db) const noexcept;
  };
  struct CachedStatement {
    std::unique_ptr<Statement> statement;
    bool in_use = false;
  };

  // role_ is `role` naming the file too ("vault database (vault.db)"), so
  // that every message says which file it is about.
  Connection(sqlite3* db, std::filesystem::path file, std::string_view role);

  [[nodiscard]] static StatusOr<std::unique_ptr<Connection>> OpenExisting(
      const std::filesystem::path& file, const SecretBytes& key,
      const SqlcipherSettings& settings, std::string_view role);
  [[nodiscard]] Status ApplyKeyAndCipherSettings(const SecretBytes& key);
  [[nodiscard]] Status ApplyConnectionSettings(
      const SqlcipherSettings& settings);
  [[nodiscard]] StatusOr<std::string> QueryText(std::string_view sql,
                                                std::string_view action);

  std::unique_ptr<sqlite3, Closer> db_;
  std::filesystem::path file_;
  std::string role_;
  // Declared after db_ so statements are finalized before the handle closes.
  std::unordered_map<std::string, CachedStatement> statements_;
};

}  // namespace cvault::store::sqlcipher

#endif  // CVAULT_STORE_SQLCIPHER_CONNECTION_H_
