// AuditedCall: the decide-and-audit step every vault call shares. One is
// made per public call (VaultCore::StartCall checks the context first); it
// holds the checked context, the audit event the call will record and the
// call's write transaction, and every way out of the call leaves exactly one
// audit entry:
//   Commit()        the event is appended in the call's transaction, which
//                   then commits (and a due checkpoint is written);
//   Deny(), Fail()  the transaction rolls back and the refusal is recorded
//                   in a transaction of its own (fail closed: an audit
//                   failure is returned instead of the caller's error);
//   destruction     with none of these run (an early error return): the
//                   transaction rolls back and the event is recorded as
//                   "deny" / "error", best effort (a failure is logged; a
//                   call that never got the write lock is only logged).
// So an operation cannot forget its entry or leave its transaction open.
//
// A call is exclusive or shared. An exclusive call holds the vault's lock
// exclusively for its whole life, from creation to destruction (it writes
// through the core's stores); a long duty makes one per locked step. A
// shared call (a parallel read) holds the lock shared: it reads in a
// parallel read transaction of its own, never writes, and hands its entry
// to the group committer, which returns once the commit that holds it is
// durable. When a shared call finds it needs more (a data key not cached,
// caches another process made stale, a changed policy file) it ends
// without an entry through NeedExclusive(), and the operation runs again as
// an exclusive call. Movable (out of StartCall), not copyable; one thread
// at a time.
#ifndef CVAULT_VAULT_AUDITED_CALL_H_
#define CVAULT_VAULT_AUDITED_CALL_H_

#include <memory>
#include <string>

#include "audit/audit_writer.h"
#include "cvault/access.h"
#include "cvault/status.h"
#include "policy/decision.h"
#include "store/store.h"

namespace cvault::internal {

class VaultCore;

class AuditedCall {
 public:
  // Whether a refusal's error carries the reason code its entry records.
  // (The customer operations' errors never did; the tool prints them plain.)
  enum class ReasonOnError { kAttach, kOmit };

  AuditedCall(AuditedCall&& other) noexcept;
  AuditedCall& operator=(AuditedCall&&) = delete;
  AuditedCall(const AuditedCall&) = delete;
  AuditedCall& operator=(const AuditedCall&) = delete;
  // Records an unfinished call as "deny" / "error" (see above).
  ~AuditedCall();

  // The checked context (with a request id).
  const AccessContext& ctx() const { return ctx_; }
  // The entry the call will record; the operation fills in what it learns
  // (subject pseudonym, fields returned, reason code).
  audit::AuditEvent& event() { return event_; }

  // The call's write transaction, begun on first use through
  // VaultCore::BeginWrite (so the shared-state caches are fresh inside it).
  // A shared call's is a parallel read transaction; if the caches are stale
  // in it, the call ends through NeedExclusive() and that is returned.
  [[nodiscard]] StatusOr<store::VaultTransaction*> Transaction();
  // Ends a shared call's read transaction once the operation has read all
  // it needs, so its decryption and deciding hold no connection. Nothing
  // for an exclusive call (its transaction takes the entry).
  void EndRead() {
    if (shared()) tx_.reset();
  }
  // Whether this is a shared call (a parallel read).
  bool shared() const { return retry_exclusive_ != nullptr; }
  // Ends a shared call without an entry and asks for the operation to run
  // again as an exclusive call; returns the Busy status the operation
  // returns on its way out (never seen by the caller).
  // REQUIRES: shared().
  [[nodiscard]] Status NeedExclusive();
  // REQUIRES: Transaction() succeeded since the call began or last
  // committed a step.
  store::VaultTransaction& tx() { return *tx_; }

  // Commits the transaction so far without the call's entry, for a step
  // that must be durable before work outside the database (a key duty's
  // lease). The call stays open: its entry still comes at its end, and
  // Transaction() begins a new transaction.
  [[nodiscard]] Status CommitStep();

  // The ways to finish. Each consumes the call (`std::move(call).Commit()`):
  // a finished call writes nothing more, and a second finish is Internal.
  //
  // Appends the event in the call's transaction (begun if it was not) and
  // commits. On failure nothing of the call is kept, the failure is
  // recorded as "deny" / "error" (best effort), and the error returned.
  [[nodiscard]] Status Commit() &&;
  // Records a policy denial and returns PermissionDenied with its reason.
  [[nodiscard]] Status Deny(const policy::Decision& decision) &&;
  // Records the refusal as "deny" / `reason` and returns `status`.
  [[nodiscard]] Status Fail(std::string reason, Status status,
                            ReasonOnError on_error = ReasonOnError::kAttach) &&;
  // Rolls back and records nothing. Only for a call whose entry would do
  // harm (a verification that found the audit chain broken: an entry would
  // extend the broken chain), and for the check that opens each batch of
  // an import, whose records then record one entry each.
  void EndWithoutEntry() &&;

 private:
  friend class VaultCore;
  // `retry_exclusive` non-null makes a shared call; NeedExclusive() sets it.
  AuditedCall(VaultCore& core, AccessContext ctx, audit::AuditEvent event,
              std::unique_ptr<store::VaultTransaction> tx,
              bool* retry_exclusive = nullptr);

  // Marks the call finished; Internal if it already was.
  [[nodiscard]] Status Finish();
  // Appends the event in the call's transaction (begun if needed), commits
  // and writes a checkpoint when one is due. Drops the transaction. A
  // shared call ends its read and hands the event to the group committer.
  [[nodiscard]] Status AppendAndCommit();
  // Rolls back and records the event as "deny" / `reason` in a transaction
  // of its own; returns the audit failure, if any.
  [[nodiscard]] Status RecordRefusal(std::string reason);
  // RecordRefusal("error"), logging rather than returning its failure.
  void RecordError();

  VaultCore* core_;  // null once moved from
  AccessContext ctx_;
  audit::AuditEvent event_;
  std::unique_ptr<store::VaultTransaction> tx_;
  bool finished_ = false;
  // Transaction() found the vault's write lock held past the wait: the
  // call wrote nothing, and an entry would wait as long again (skipped).
  bool write_lock_busy_ = false;
  bool* retry_exclusive_ = nullptr;  // set for a shared call
};

}  // namespace cvault::internal

#endif  // CVAULT_VAULT_AUDITED_CALL_H_
