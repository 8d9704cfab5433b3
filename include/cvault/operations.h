// The operator's duties (Vault::operations()): key rotation, keyring
// resealing, database rekeying, blind-index rotation, backup and restore,
// and the full check of everything stored.
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

// One thing Operations::Check found damaged: where (a file, table or the
// keystore, and the record's id: never a value) and what is wrong.
struct CheckProblem {
  std::string where;      // "vault.db", "customers", "consent_events", "cases",
                          // "keystore", "erasure ledger", "audit log"
  std::string record_id;  // customer, event or case id; empty for a whole file
  std::string problem;    // e.g. "phone does not decrypt"
};

// What Operations::Check read and found. `ok` when `problems` is empty.
struct CheckReport {
  bool ok = true;
  std::uint64_t customers = 0;       // customer records read
  std::uint64_t fields = 0;          // field ciphertexts decrypted
  std::uint64_t indexes = 0;         // blind indexes recomputed and compared
  std::uint64_t consent_events = 0;  // consent receipts decrypted
  std::uint64_t cases = 0;           // tickets, refund cases, purchases decrypted
  std::uint64_t ledger_entries = 0;  // erasure-ledger lines authenticated
  std::uint64_t audit_entries = 0;   // audit entries whose chain was walked
  // At most kMaxCheckProblems; `problems_found` counts them all.
  std::vector<CheckProblem> problems;
  std::uint64_t problems_found = 0;
};
inline constexpr std::size_t kMaxCheckProblems = 1000;

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
