// Appends entries to the hash-chained audit log and writes signed
// checkpoints. The entry is written inside the caller's transaction, so it
// commits (or rolls back) with the data change it records: a data operation
// whose audit entry cannot be made durable fails.
//
// Holds no chain state of its own: several processes append to one log, so
// the head (last sequence and hash) and the last checkpoint are read inside
// the write transaction that extends them, where no other writer can move
// them before the commit.
//
// Thread-compatible: its only state (the signer) is immutable; the caller's
// transaction is used by one thread at a time.
#ifndef CVAULT_AUDIT_AUDIT_WRITER_H_
#define CVAULT_AUDIT_AUDIT_WRITER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "crypto/bytes.h"
#include "crypto/signer.h"
#include "cvault/access.h"
#include "cvault/audit.h"
#include "store/store.h"

namespace cvault::audit {

// What one decision looks like before it is chained.
struct AuditEvent {
  std::string action;
  std::string subject;  // hex pseudonym, or empty
  std::vector<std::string> fields_requested;
  std::vector<std::string> fields_returned;
  std::string decision;     // "allow", "partial", "deny"
  std::string reason_code;  // "ok", "role_not_permitted", ...
};

class AuditWriter {
 public:
  // What an append produced.
  struct Appended {
    std::uint64_t sequence = 0;
    // The entry's sequence is a multiple of `checkpoint_every`: a checkpoint
    // is due once the transaction commits. Sequences are global, so exactly
    // one appender (in whichever process) sees each due point.
    bool checkpoint_due = false;
    store::Bytes entry_hash;  // the entry's chain hash
  };

  AuditWriter(crypto::Signer signer, std::uint64_t checkpoint_every);

  // Appends the entry inside `tx`, chained to the head read in `tx`.
  // REQUIRES: `tx` is a write transaction.
  [[nodiscard]] StatusOr<Appended> Append(store::VaultTransaction& tx,
                                          const AccessContext& ctx,
                                          const AuditEvent& event, std::int64_t now_us);

  // Signs the head read in `tx` into a checkpoint row inside `tx`, unless
  // that head already has one (written by any process), or the newest
  // checkpoint is younger than `min_age_us`: the newest is returned
  // instead. FailedPrecondition when the log is empty.
  [[nodiscard]] StatusOr<store::CheckpointRow> WriteCheckpoint(
      store::VaultTransaction& tx, std::int64_t now_us, std::int64_t min_age_us = 0);

  const crypto::Bytes& public_key() const { return signer_.public_key(); }

 private:
  crypto::Signer signer_;
  std::uint64_t checkpoint_every_;
};

}  // namespace cvault::audit

#endif  // CVAULT_AUDIT_AUDIT_WRITER_H_
