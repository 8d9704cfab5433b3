// RawStore: a raw SQLCipher database for the data-subject-rights baselines
// (bench/dsr_baselines.h). Keyed with a random raw 32-byte key (x'..' form),
// cipher_page_size 4096, WAL, and the vault's connection settings (8 MiB page
// cache, secure_delete, temp_store MEMORY, foreign_keys), at the synchronous
// setting given. No field crypto, no policy, no audit: the row work alone.
//
// One connection, kept open. Neither copyable nor movable (prepared
// statements point into it); hold it by unique_ptr. Single-threaded.
#ifndef CVAULT_BENCH_RAW_STORE_H_
#define CVAULT_BENCH_RAW_STORE_H_

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "cvault/options.h"
#include "cvault/secret_bytes.h"
#include "cvault/status.h"
#include "store/sqlcipher/sqlite_api.h"

namespace cvault::bench {

struct StatementFinalizer {
  void operator()(sqlite3_stmt* s) const noexcept { sqlite3_finalize(s); }
};
using RawStatement = std::unique_ptr<sqlite3_stmt, StatementFinalizer>;

// Binding and reading helpers. The bound text and blobs must outlive the
// statement's next step (SQLITE_STATIC).
void BindText(sqlite3_stmt* s, int index, std::string_view text);
void BindBlob(sqlite3_stmt* s, int index, std::span<const std::uint8_t> bytes);
std::string ColumnText(sqlite3_stmt* s, int column);

// SQLCipher's raw-key form x'<64 hex digits>' of `key`, kept in SecretBytes,
// for sqlite3_key.
SecretBytes RawKeyLiteral(const SecretBytes& key);

class RawStore {
 public:
  // Creates `file` (it must not exist) and its schema, `schema_sql`.
  [[nodiscard]] static StatusOr<std::unique_ptr<RawStore>> Create(
      const std::filesystem::path& file, Durability durability,
      std::string_view schema_sql);

  RawStore(const RawStore&) = delete;
  RawStore& operator=(const RawStore&) = delete;
  ~RawStore();

  [[nodiscard]] Status Exec(const std::string& sql);
  [[nodiscard]] StatusOr<RawStatement> Prepare(std::string_view sql);

  // BEGIN IMMEDIATE / COMMIT / ROLLBACK through statements prepared once.
  [[nodiscard]] Status Begin();
  [[nodiscard]] Status Commit();
  void Rollback();

  // Steps a statement without result rows to completion and rewinds it.
  [[nodiscard]] Status Run(sqlite3_stmt* s);
  // One step of a query: true on a row, false when done (the statement is
  // then rewound); an error otherwise.
  [[nodiscard]] StatusOr<bool> Step(sqlite3_stmt* s);

  // PRAGMA wal_checkpoint(TRUNCATE): what the vault does after a shred.
  [[nodiscard]] Status TruncateLog();
  // Fails unless the file on disk is encrypted (no plain SQLite header), so
  // the baseline is the raw SQLCipher its name says.
  [[nodiscard]] Status CheckEncrypted() const;

  std::int64_t changes() const;

 private:
  RawStore(sqlite3* db, std::filesystem::path file);
  Status Failure(std::string_view what) const;

  sqlite3* db_;
  std::filesystem::path file_;
  RawStatement begin_, commit_, rollback_;
};

}  // namespace cvault::bench

#endif  // CVAULT_BENCH_RAW_STORE_H_
