// The erasure ledger: one line per erasure (and per purged retention hold,
// and per erasure withdrawn because it failed after its line was written)
// in the backend's ledger log (store/ledger_log.h: the embedded backend's
// <vault_dir>/erasure-ledger.jsonl, the PostgreSQL backend's ledger schema),
// outside the vault's databases so restoring a backup never rewinds it. Opening a vault replays the entries its database
// has not applied yet, so a backup taken before an erasure cannot bring the
// customer back (docs/erasure.md).
//
// No personal data: an erasure is recorded by a pseudonym, the keyed BLAKE2b
// of the customer id under a key derived from the keyring's ledger key,
// which only this vault's keyring can recompute. Each line carries a MAC
// over itself and the previous line's MAC, so an edited, reordered or
// removed line is an integrity error; a torn last line (a crash while
// appending, before the erasure committed) is dropped, but a whole one that
// only lacks its newline is kept and checked like any other.
//
// Several processes append to one ledger: every read and append holds the
// log's exclusive lock, and an append first reads the lines other processes
// added since, so sequences and the MAC chain stay one. The in-memory
// entries are a per-process cache of the log's prefix; Refresh() brings
// them up to date. A line that fails its checks breaks the ledger object
// for good: every later call repeats the error.
//
// Not thread-safe: the vault serialises access within a process.
#ifndef CVAULT_VAULT_ERASURE_LEDGER_H_
#define CVAULT_VAULT_ERASURE_LEDGER_H_

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cvault/secret_bytes.h"
#include "cvault/status.h"
#include "store/ledger_log.h"

namespace cvault::internal {

// The vault meta key that counts the ledger entries the vault has applied.
inline constexpr char kLedgerAppliedKey[] = "erasure_ledger.applied";
// The error (Busy) when the ledger holds entries the vault has not applied:
// an erasure or hold purge stopped after its ledger line was written (its
// process died, or its commit failed). Erase and Purge finish such entries
// before they start, so a retry goes through.
inline constexpr char kLedgerAheadMessage[] =
    "the erasure ledger records an erasure or hold purge that the vault has not "
    "applied yet (it stopped part-way); retry, and the retry finishes it first";

struct LedgerEntry {
  // kErasureWithdrawn: the erasure `id`, whose line came before, failed
  // after its line was written and reported so; no replay carries it out.
  enum class Kind { kErasure, kHoldPurged, kErasureWithdrawn };
  std::uint64_t seq = 0;   // 1, 2, 3, ...
  Kind kind = Kind::kErasure;
  std::string id;          // "era_..." (erasure, withdrawn) or "hld_..." (purged hold)
  std::string subject;     // erasure: hex pseudonym of the customer id
  std::int64_t at_us = 0;
  std::optional<std::int64_t> hold_until_us;  // erasure that kept records
};

class ErasureLedger {
 public:
  // Reads and checks the lines of `log` (which must outlive the ledger).
  //   Integrity - a line that does not parse or whose MAC fails (the
  //               message names the line number).
  //   Unavailable - I/O errors.
  [[nodiscard]] static StatusOr<ErasureLedger> Open(store::LedgerLog& log,
                                                    const SecretBytes& ledger_key);

  ErasureLedger(ErasureLedger&&) noexcept = default;
  ErasureLedger& operator=(ErasureLedger&&) noexcept = default;

  const std::vector<LedgerEntry>& entries() const { return entries_; }

  // The pseudonym an erasure of `customer_id` is recorded under.
  std::string SubjectOf(std::string_view customer_id) const;

  // Reads the lines appended (by any process) since the last read.
  // Integrity and Unavailable as for Open.
  [[nodiscard]] Status Refresh();

  // Reads what other processes appended, assigns the next seq, appends the
  // line and fsyncs before returning.
  [[nodiscard]] StatusOr<LedgerEntry> Append(LedgerEntry entry);

 private:
  ErasureLedger(store::LedgerLog* log, SecretBytes subject_key, SecretBytes mac_key)
      : log_(log), subject_key_(std::move(subject_key)), mac_key_(std::move(mac_key)) {}

  std::string Mac(std::string_view body) const;
  // Parses and checks `lines`, which follow entries_, and appends them.
  [[nodiscard]] Status Take(const std::vector<std::string>& lines);

  store::LedgerLog* log_;
  SecretBytes subject_key_;
  SecretBytes mac_key_;
  std::string last_mac_;
  std::vector<LedgerEntry> entries_;
  Status broken_;  // the first integrity failure, repeated by every call
};

}  // namespace cvault::internal

#endif  // CVAULT_VAULT_ERASURE_LEDGER_H_
