// The audit head file: <vault_dir>/audit-head, the last audit entry (its
// sequence and chain hash) a process of this vault saw committed, kept
// outside vault.db. SQLite drops the transactions after a damaged or missing
// write-ahead-log frame without a word, and a vault.db put back from an
// older copy looks like any other: an open compares the database's audit log
// with this file and refuses a log that ends before the recorded entry or
// holds another entry under its sequence.
//
// Embedded vaults only (a PostgreSQL server keeps its own WAL). The file is
// written after each commit, in place and without fsync: it must never be
// ahead of the database (the commit is durable first), and a stale, lower
// value only checks less. Several processes write it; a lower value written
// after a higher one is harmless in the same way. Not a defence against
// someone who can rewrite both files (exported audit checkpoints are).
//
// Thread-safe.
#ifndef CVAULT_VAULT_AUDIT_HEAD_H_
#define CVAULT_VAULT_AUDIT_HEAD_H_

#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <span>
#include <string>

#include "cvault/status.h"
#include "store/store.h"

namespace cvault::internal {

inline constexpr char kAuditHeadFile[] = "audit-head";

struct AuditHead {
  std::uint64_t sequence = 0;
  std::string hash_hex;  // the entry's chain hash, lowercase hex
};

class AuditHeadFile {
 public:
  // Reads `file`: nullopt when it does not exist; Integrity when it is not a
  // regular file of the expected form.
  [[nodiscard]] static StatusOr<std::optional<AuditHead>> Read(
      const std::filesystem::path& file);

  // Checks `head` against the audit log in `tx`: Integrity, naming both
  // sequences, when the log ends before it or holds another entry at its
  // sequence.
  [[nodiscard]] static Status CheckAgainst(const AuditHead& head,
                                           store::VaultTransaction& tx);

  AuditHeadFile() = default;
  ~AuditHeadFile();
  AuditHeadFile(const AuditHeadFile&) = delete;
  AuditHeadFile& operator=(const AuditHeadFile&) = delete;

  // Opens (creating, mode 0600) `file` for Record. Unavailable on failure.
  [[nodiscard]] Status OpenForWriting(const std::filesystem::path& file);
  // Records `sequence` and `hash` when newer than what this object wrote
  // last. Best effort: false when the write failed (the caller logs it).
  bool Record(std::uint64_t sequence, std::span<const std::uint8_t> hash);

 private:
  std::mutex mu_;
  int fd_ = -1;
  std::uint64_t written_ = 0;
};

}  // namespace cvault::internal

#endif  // CVAULT_VAULT_AUDIT_HEAD_H_
