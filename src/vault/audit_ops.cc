// The AuditLog operations of VaultCore. Reading and verifying the log are
// themselves audited.
#include <algorithm>

#include "audit/chain.h"
#include "audit/verifier.h"
#include "vault/vault_core.h"

namespace cvault::internal {
namespace {
namespace action = policy::action;
}  // namespace

StatusOr<AuditVerifyReport> VaultCore::VerifyAudit(
    const AccessContext& in, const std::optional<AuditCheckpoint>& trusted) {
  std::lock_guard lock(mu_);
  CVAULT_ASSIGN_OR_RETURN(
      AuditedCall call,
      StartCall(in, action::kAuditVerify,
                {std::string(action::kAuditVerify), "", {}, {}, "allow", "ok"}));
  policy::Decision decision = decider_.Decide(
      call.ctx(), {action::kAuditVerify, policy::FieldUse::kRead, {}, std::nullopt});
  if (!decision.allowed()) return Error(std::move(call).Deny(decision));
  CVAULT_ASSIGN_OR_RETURN(
      auto report,
      audit::VerifyAuditLog(backend_->vault_store(), audit_->public_key(), trusted));
  if (!report.ok) {
    // Do not extend a broken chain; report without appending to it.
    options_.logger->error("audit log verification failed at entry {}",
                           report.first_bad_sequence.value_or(0));
    std::move(call).EndWithoutEntry();
    return report;
  }
  CVAULT_RETURN_IF_ERROR(std::move(call).Commit());
  return report;
}

StatusOr<std::vector<AuditEntry>> VaultCore::TailAudit(const AccessContext& in,
                                                       std::size_t count) {
  std::lock_guard lock(mu_);
  CVAULT_ASSIGN_OR_RETURN(
      AuditedCall call,
      StartCall(in, action::kAuditRead,
                {std::string(action::kAuditRead), "", {}, {}, "allow", "ok"}));
  policy::Decision decision = decider_.Decide(
      call.ctx(), {action::kAuditRead, policy::FieldUse::kRead, {}, std::nullopt});
  if (!decision.allowed()) return Error(std::move(call).Deny(decision));
  count = std::min<std::size_t>(count, 10000);
  CVAULT_ASSIGN_OR_RETURN(auto* tx, call.Transaction());
  CVAULT_ASSIGN_OR_RETURN(auto last, tx->LastAudit());
  std::uint64_t head = last ? last->sequence : 0;
  std::uint64_t from = head >= count ? head - count + 1 : 1;
  CVAULT_ASSIGN_OR_RETURN(auto rows, tx->ReadAudit(from, count));
  std::vector<AuditEntry> entries;
  entries.reserve(rows.size());
  for (const store::AuditRow& row : rows) entries.push_back(audit::ToAuditEntry(row));
  CVAULT_RETURN_IF_ERROR(std::move(call).Commit());
  return entries;
}

StatusOr<AuditCheckpoint> VaultCore::Checkpoint(const AccessContext& in) {
  std::lock_guard lock(mu_);
  {
    CVAULT_ASSIGN_OR_RETURN(
        AuditedCall call,
        StartCall(in, action::kAuditCheckpoint,
                  {std::string(action::kAuditCheckpoint), "", {}, {}, "allow", "ok"}));
    policy::Decision decision = decider_.Decide(
        call.ctx(),
        {action::kAuditCheckpoint, policy::FieldUse::kRead, {}, std::nullopt});
    if (!decision.allowed()) return Error(std::move(call).Deny(decision));
    // The request is recorded first, so the checkpoint covers it.
    CVAULT_RETURN_IF_ERROR(std::move(call).Commit());
  }
  CVAULT_ASSIGN_OR_RETURN(auto tx, BeginWrite());
  CVAULT_ASSIGN_OR_RETURN(auto row, audit_->WriteCheckpoint(*tx, NowMicros()));
  CVAULT_RETURN_IF_ERROR(tx->Commit());
  return audit::ToAuditCheckpoint(row);
}

}  // namespace cvault::internal
