// The operator's duties (Vault::operations()): key rotation, keyring
// resealing, database rekeying, blind-index rotation, backup and restore.
// Value types and the progress callback. docs/key-management.md has the
// runbook.
#ifndef CVAULT_OPERATIONS_H_
#define CVAULT_OPERATIONS_H_

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace cvault {

// Where a long job is: `done` of `total` units of `stage` ("rewrap",
// "reindex"). Called between batches, on the calling thread, with no lock
// held.
struct JobProgress {
  std::string_view stage;
  std::uint64_t done = 0;
  std::uint64_t total = 0;
};
using ProgressFn = std::function<void(const JobProgress&)>;

struct KekRotationResult {
  std::uint32_t primary_version = 0;  // the KEK every data key is now under
  bool resumed = false;               // finished a rotation an earlier run began
  std::uint64_t rewrapped = 0;        // data keys rewrapped by this run
  std::vector<std::uint32_t> retired; // KEK versions removed from the keyring
};

struct IndexRotationResult {
  std::uint32_t index_version = 0;  // the blind-index key lookups now use
  bool resumed = false;
  std::uint64_t rebuilt = 0;        // customers re-indexed by this run
  std::vector<std::uint32_t> retired;
};

struct BackupResult {
  std::filesystem::path dir;
  std::uint64_t ledger_entries = 0;  // erasures the backup already reflects
  std::string manifest_sha256;       // hex, of manifest.json
};

struct RestoreResult {
  std::uint64_t ledger_replayed = 0;  // erasures re-applied from the ledger
  std::uint64_t customers_erased = 0; // customers the replay erased again
};

}  // namespace cvault

#endif  // CVAULT_OPERATIONS_H_
