// The audited call (audited_call.h) and how VaultCore starts one: the
// context check every public call makes first, and the context of the
// vault's own entries.
#include "vault/audited_call.h"

#include <spdlog/spdlog.h>

#include <utility>

#include "domain/card_screen.h"
#include "domain/random_id.h"
#include "domain/validation.h"
#include "vault/vault_core.h"

namespace cvault::internal {
namespace {

std::string NewRequestId() { return domain::NewRandomId("req_"); }

using domain::IsIdentifier;

// The context's identifiers are written to the audit log, so each is
// screened for card numbers as well as checked for shape; the screen comes
// first, so that a card number is refused as such.
Status CheckIdentifier(std::string_view field, std::string_view value, std::size_t max,
                       std::string_view extra, const char* shape_message) {
  CVAULT_RETURN_IF_ERROR(domain::ScreenForCardNumber(field, value));
  if (!IsIdentifier(value, max, extra)) return Status::InvalidArgument(shape_message);
  return Status::Ok();
}

}  // namespace

AccessContext VaultCore::SystemContext() {
  return AccessContext{"cvault", "operator", "operations", "", NewRequestId()};
}

AccessContext VaultCore::CheckedContext(const AccessContext& in, Status* problem) {
  AccessContext checked = in;
  if (checked.request_id.empty()) checked.request_id = NewRequestId();
  // Every value that fails its check is replaced before anything is logged or
  // audited: an unchecked value could carry personal data.
  *problem = Status::Ok();
  auto check = [&](Status status, std::string& value, std::string replacement) {
    if (status.ok()) return;
    value = std::move(replacement);
    if (problem->ok()) *problem = std::move(status);
  };
  check(CheckIdentifier("principal id", in.principal_id, 64, "._:@-",
                        "principal id: 1-64 characters of letters, digits and . _ : @ - "
                        "required"),
        checked.principal_id, "(invalid)");
  check(CheckIdentifier("role", in.role, 64, "_-",
                        "role: 1-64 characters of letters, digits, _ and - required"),
        checked.role, "(invalid)");
  check(CheckIdentifier("purpose", in.purpose, 64, "_-",
                        "purpose: 1-64 characters of letters, digits, _ and - required"),
        checked.purpose, "(invalid)");
  check(CheckIdentifier(
            "request id", checked.request_id, 128, "._:-",
            "request id: at most 128 characters of letters, digits and . _ : -"),
        checked.request_id, NewRequestId());
  if (problem->ok() && !in.reason.empty()) {
    *problem = domain::ValidateText("reason", in.reason, 500, true);
  }
  return checked;
}

StatusOr<AuditedCall> VaultCore::StartCall(const AccessContext& in,
                                           std::string_view action,
                                           audit::AuditEvent event,
                                           bool* retry_exclusive) {
  CVAULT_RETURN_IF_ERROR(RequireOpen());
  Status problem;
  AccessContext checked = CheckedContext(in, &problem);
  if (retry_exclusive != nullptr) {
    // A shared call can neither reload a changed policy nor audit a bad
    // context any differently: both are left to the exclusive run.
    if (!problem.ok() || PolicyFileChanged()) {
      *retry_exclusive = true;
      return Error(Status::Busy("the call needs the vault's exclusive lock"));
    }
    return AuditedCall(*this, std::move(checked), std::move(event), nullptr,
                       retry_exclusive);
  }
  if (problem.ok()) {
    // Before anything is decided: a replaced policy file decides this call.
    Status policy = ReloadPolicyIfChanged();
    if (!policy.ok()) {
      return Error(StartCheckedCall(checked, {std::string(action), "", {}, {}, "deny", ""})
                       .Fail("policy_unloadable", policy));
    }
    return AuditedCall(*this, std::move(checked), std::move(event), nullptr);
  }
  // Recorded under the policy action, naming no fields: the request itself
  // was not understood.
  return Error(StartCheckedCall(checked, {std::string(action), "", {}, {}, "deny", ""})
                   .Fail("invalid_context", problem, AuditedCall::ReasonOnError::kOmit));
}

AuditedCall VaultCore::StartCheckedCall(const AccessContext& ctx, audit::AuditEvent event,
                                        std::unique_ptr<store::VaultTransaction> tx) {
  return AuditedCall(*this, ctx, std::move(event), std::move(tx));
}

AuditedCall::AuditedCall(VaultCore& core, AccessContext ctx, audit::AuditEvent event,
                         std::unique_ptr<store::VaultTransaction> tx,
                         bool* retry_exclusive)
    : core_(&core),
      ctx_(std::move(ctx)),
      event_(std::move(event)),
      tx_(std::move(tx)),
      retry_exclusive_(retry_exclusive) {}

AuditedCall::AuditedCall(AuditedCall&& other) noexcept
    : core_(std::exchange(other.core_, nullptr)),
      ctx_(std::move(other.ctx_)),
      event_(std::move(other.event_)),
      tx_(std::move(other.tx_)),
      finished_(other.finished_),
      write_lock_busy_(other.write_lock_busy_),
      retry_exclusive_(other.retry_exclusive_) {}

AuditedCall::~AuditedCall() {
  if (core_ == nullptr || finished_) return;
  finished_ = true;
  RecordError();
}

StatusOr<store::VaultTransaction*> AuditedCall::Transaction() {
  if (finished_) return Error(Status::Internal("the call is already finished (a bug)"));
  if (!tx_ && shared()) {
    CVAULT_ASSIGN_OR_RETURN(tx_, core_->backend_->vault_store().BeginParallelRead());
    CVAULT_ASSIGN_OR_RETURN(bool current, core_->CachesCurrentIn(*tx_));
    if (!current) return Error(NeedExclusive());
  }
  if (!tx_) {
    auto begun = core_->BeginWrite();
    if (!begun) {
      write_lock_busy_ = begun.error().code() == StatusCode::kBusy;
      return Error(begun.error());
    }
    tx_ = std::move(*begun);
  }
  return tx_.get();
}

Status AuditedCall::NeedExclusive() {
  finished_ = true;
  tx_.reset();
  *retry_exclusive_ = true;
  return Status::Busy("the call needs the vault's exclusive lock");
}

Status AuditedCall::CommitStep() {
  CVAULT_ASSIGN_OR_RETURN(auto* tx, Transaction());
  Status committed = tx->Commit();
  tx_.reset();
  return committed;
}

Status AuditedCall::Commit() && {
  CVAULT_RETURN_IF_ERROR(Finish());
  Status committed = AppendAndCommit();
  if (!committed.ok()) RecordError();
  return committed;
}

Status AuditedCall::Deny(const policy::Decision& decision) && {
  CVAULT_RETURN_IF_ERROR(Finish());
  CVAULT_RETURN_IF_ERROR(RecordRefusal(decision.reason_code));
  return Status::PermissionDenied(decision.reason_code, decision.message);
}

Status AuditedCall::Fail(std::string reason, Status status, ReasonOnError on_error) && {
  CVAULT_RETURN_IF_ERROR(Finish());
  CVAULT_RETURN_IF_ERROR(RecordRefusal(reason));
  // By default the caller gets the reason code the entry records.
  if (on_error == ReasonOnError::kAttach) return status.WithReasonCode(std::move(reason));
  return status;
}

void AuditedCall::EndWithoutEntry() && {
  finished_ = true;
  tx_.reset();
}

Status AuditedCall::Finish() {
  if (finished_) return Status::Internal("the call is already finished (a bug)");
  finished_ = true;
  return Status::Ok();
}

Status AuditedCall::AppendAndCommit() {
  VaultCore& core = *core_;
  if (shared()) {
    tx_.reset();  // the read ends before the wait for the commit
    CVAULT_RETURN_IF_ERROR(core.committer_.Submit({&ctx_, &event_}));
    core.logger_->debug("{} {} ({}) request {}", event_.action, event_.decision,
                        event_.reason_code, ctx_.request_id);
    return Status::Ok();
  }
  if (!tx_) {
    CVAULT_ASSIGN_OR_RETURN(tx_, core.BeginWrite());
  }
  auto appended = core.audit_->Append(*tx_, ctx_, event_, core.NowMicros());
  Status committed = appended ? tx_->Commit() : appended.error();
  tx_.reset();  // rolls back unless committed
  CVAULT_RETURN_IF_ERROR(committed);
  core.RecordAuditHead(*appended);
  core.logger_->debug("{} {} ({}) request {}", event_.action, event_.decision,
                      event_.reason_code, ctx_.request_id);
  core.CheckpointAfterCommit(appended->checkpoint_due);
  return Status::Ok();
}

Status VaultCore::CommitAuditGroup(std::span<const GroupCommitter::Entry> entries) {
  CVAULT_ASSIGN_OR_RETURN(auto tx, backend_->vault_store().Begin(/*write=*/true));
  bool checkpoint_due = false;
  audit::AuditWriter::Appended last;
  for (const GroupCommitter::Entry& entry : entries) {
    CVAULT_ASSIGN_OR_RETURN(last, audit_->Append(*tx, *entry.ctx, *entry.event, NowMicros()));
    checkpoint_due = checkpoint_due || last.checkpoint_due;
  }
  CVAULT_RETURN_IF_ERROR(tx->Commit());
  tx.reset();  // the checkpoint needs the write connection
  RecordAuditHead(last);
  CheckpointAfterCommit(checkpoint_due);
  return Status::Ok();
}

std::int64_t VaultCore::CheckpointIntervalMicros() const {
  return std::chrono::duration_cast<std::chrono::microseconds>(options_.checkpoint_interval)
      .count();
}

void VaultCore::CheckpointAfterCommit(bool due_by_count) {
  const std::int64_t now = NowMicros();
  const std::int64_t interval = CheckpointIntervalMicros();
  // The newest checkpoint is looked at once per interval at most.
  const bool maybe_due_by_time = interval > 0 && now >= next_checkpoint_check_us_.load();
  if (!due_by_count && !maybe_due_by_time) return;
  if (maybe_due_by_time) next_checkpoint_check_us_ = now + interval;
  auto tx = backend_->vault_store().Begin(/*write=*/true);
  Status s = tx ? StatusOf(audit_->WriteCheckpoint(**tx, now, due_by_count ? 0 : interval))
                : tx.error();
  if (s.ok()) s = (*tx)->Commit();
  if (!s.ok()) logger_->error("writing an audit checkpoint: {}", s.ToString());
}

Status AuditedCall::RecordRefusal(std::string reason) {
  tx_.reset();  // nothing the call wrote is kept
  event_.decision = "deny";
  event_.reason_code = std::move(reason);
  event_.fields_returned.clear();
  core_->logger_->info("{} {} ({}) request {}", event_.action, event_.decision,
                       event_.reason_code, ctx_.request_id);
  Status recorded = AppendAndCommit();
  if (!recorded.ok()) return recorded.WithContext("recording the audit entry");
  return Status::Ok();
}

void AuditedCall::RecordError() {
  if (!core_->open_) {
    // Only a key duty's later step can find the vault closed, and it checks
    // first; there is no store left to record into.
    tx_.reset();
    core_->logger_->error("{}: the vault closed before the failed call was audited",
                          event_.action);
    return;
  }
  if (write_lock_busy_) {
    // The call could not take the vault's write lock within the wait, so it
    // wrote nothing; waiting as long again for its entry would double every
    // such caller's wait under contention.
    core_->logger_->warn(
        "{} request {}: not audited, the vault's write lock was busy before the call "
        "wrote "
        "anything",
        event_.action, ctx_.request_id);
    return;
  }
  Status recorded = RecordRefusal("error");
  if (!recorded.ok()) {
    // The caller already has the call's own error; this one is only logged
    // (action, request id and status; no personal data).
    core_->logger_->error("{} request {}: the failed call was not audited: {}",
                          event_.action, ctx_.request_id, recorded.ToString());
  }
}

}  // namespace cvault::internal
