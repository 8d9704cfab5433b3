// Appends entries to the hash-chained audit log and writes signed
// checkpoints. The entry is written inside the caller's transaction, so it
// commits (or rolls back) with the data change it records: a data operation
// whose audit entry cannot be made durable fails.
//
// Not thread-safe: the vault serialises calls. The cached head only moves
// forward when the caller reports a successful commit.
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
  // The head (sequence, hash) an append produced; hand it back to
  // Committed() once the transaction holding the entry has committed.
  struct Head {
    std::uint64_t sequence = 0;
    crypto::Bytes hash;
  };

  AuditWriter(crypto::Signer signer, std::uint64_t checkpoint_every);

  // Loads the current head and last checkpoint from the store.
  [[nodiscard]] Status Load(store::VaultStore& store);

  // Appends the entry inside `tx`.
  [[nodiscard]] StatusOr<Head> Append(store::VaultTransaction& tx,
                                      const AccessContext& ctx,
                                      const AuditEvent& event, std::int64_t now_us);
  void Committed(Head head) { head_ = std::move(head); }

  // True when `checkpoint_every` entries have passed since the last one.
  bool CheckpointDue() const;
  // Signs the current head into a checkpoint row inside `tx` (no-op when the
  // head already has one). Returns the latest checkpoint.
  [[nodiscard]] StatusOr<store::CheckpointRow> WriteCheckpoint(
      store::VaultTransaction& tx, std::int64_t now_us);
  void CheckpointCommitted(store::CheckpointRow row) { last_checkpoint_ = std::move(row); }

  const crypto::Bytes& public_key() const { return signer_.public_key(); }
  std::uint64_t head_sequence() const { return head_.sequence; }

 private:
  crypto::Signer signer_;
  std::uint64_t checkpoint_every_;
  Head head_;
  std::optional<store::CheckpointRow> last_checkpoint_;
};

}  // namespace cvault::audit

#endif  // CVAULT_AUDIT_AUDIT_WRITER_H_
