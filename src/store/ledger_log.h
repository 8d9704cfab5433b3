// LedgerLog: an append-only log of text lines kept outside the vault's
// databases, where restoring those cannot rewind it. The erasure ledger
// (vault/erasure_ledger.h) keeps its lines in one; each backend provides its
// own (store/backend.h): the embedded one a file in the vault folder, the
// PostgreSQL one a table in a schema of its own.
//
// Processes and hosts share a log through the log's own lock. A LedgerLog
// object reads sequentially: `from` is always the number of lines this
// object has handed out so far. Not thread-safe (the vault serialises it).
#ifndef CVAULT_STORE_LEDGER_LOG_H_
#define CVAULT_STORE_LEDGER_LOG_H_

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cvault/status.h"

namespace cvault::store {

class LedgerLog {
 public:
  virtual ~LedgerLog() = default;

  // The lines past the first `from`, in order. Integrity when the log holds
  // fewer than `from` lines (it was truncated or replaced); Unavailable for
  // I/O or connection errors. The file log reads on from where its last
  // call ended, so `from` must be that place, or 0 for the whole log again.
  [[nodiscard]] virtual StatusOr<std::vector<std::string>> ReadAfter(std::uint64_t from) = 0;

  // Under the log's exclusive lock: reads the lines past `from`, hands them
  // to `make`, and appends the line `make` returns (no newline in it),
  // durably, before the lock is released. Nothing is appended when `make`
  // fails. Returns the lines read.
  using MakeLine = std::function<StatusOr<std::string>(const std::vector<std::string>& newer)>;
  [[nodiscard]] virtual StatusOr<std::vector<std::string>> AppendAfter(std::uint64_t from,
                                                                       const MakeLine& make) = 0;
};

// The log in `file` (created with mode 0600 by the first append; a missing
// file is an empty log). Every reader and writer holds an exclusive flock
// on it. Lines are JSON values: a last line without its newline that is not
// one is torn (its writer died mid-append) and dropped by the next reader;
// one that is (only the newline is missing) is kept, its newline added.
std::unique_ptr<LedgerLog> OpenFileLedgerLog(std::filesystem::path file);

}  // namespace cvault::store

#endif  // CVAULT_STORE_LEDGER_LOG_H_
