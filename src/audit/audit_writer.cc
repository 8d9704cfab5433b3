#include "audit/audit_writer.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "audit/chain.h"

namespace cvault::audit {

AuditWriter::AuditWriter(crypto::Signer signer, std::uint64_t checkpoint_every)
    : signer_(std::move(signer)),
      checkpoint_every_(checkpoint_every == 0 ? 1 : checkpoint_every) {
  head_.hash = GenesisHash();
}

Status AuditWriter::Load(store::VaultStore& store) {
  CVAULT_ASSIGN_OR_RETURN(auto tx, store.Begin(/*write=*/false));
  CVAULT_ASSIGN_OR_RETURN(auto last, tx->LastAudit());
  if (last) {
    head_ = Head{last->sequence, last->entry_hash};
  } else {
    head_ = Head{0, GenesisHash()};
  }
  CVAULT_ASSIGN_OR_RETURN(auto checkpoints, tx->ListCheckpoints());
  if (!checkpoints.empty()) last_checkpoint_ = checkpoints.back();
  return Status::Ok();
}

StatusOr<AuditWriter::Head> AuditWriter::Append(store::VaultTransaction& tx,
                                                const AccessContext& ctx,
                                                const AuditEvent& event,
                                                std::int64_t now_us) {
  store::AuditRow row;
  row.sequence = head_.sequence + 1;
  row.time_us = now_us;
  row.principal_id = ctx.principal_id;
  row.role = ctx.role;
  row.action = event.action;
  row.purpose = ctx.purpose;
  row.subject = event.subject;
  row.fields_requested = fmt::format("{}", fmt::join(event.fields_requested, ","));
  row.fields_returned = fmt::format("{}", fmt::join(event.fields_returned, ","));
  row.decision = event.decision;
  row.reason_code = event.reason_code;
  row.request_id = ctx.request_id;
  row.previous_hash = head_.hash;
  row.entry_hash = ComputeEntryHash(row);
  CVAULT_RETURN_IF_ERROR(tx.AppendAudit(row));
  return Head{row.sequence, row.entry_hash};
}

bool AuditWriter::CheckpointDue() const {
  std::uint64_t last = last_checkpoint_ ? last_checkpoint_->sequence : 0;
  return head_.sequence - last >= checkpoint_every_;
}

StatusOr<store::CheckpointRow> AuditWriter::WriteCheckpoint(
    store::VaultTransaction& tx, std::int64_t now_us) {
  if (last_checkpoint_ && last_checkpoint_->sequence == head_.sequence) {
    return *last_checkpoint_;
  }
  if (head_.sequence == 0) {
    return Error(Status::FailedPrecondition(
        "the audit log is empty; there is nothing to checkpoint"));
  }
  store::CheckpointRow row;
  row.sequence = head_.sequence;
  row.time_us = now_us;
  row.head_hash = head_.hash;
  row.signature = signer_.Sign(CheckpointMessage(row.sequence, row.head_hash, now_us));
  row.public_key = signer_.public_key();
  CVAULT_RETURN_IF_ERROR(tx.InsertCheckpoint(row));
  return row;
}

}  // namespace cvault::audit
