#include "audit/audit_writer.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "audit/chain.h"

namespace cvault::audit {

AuditWriter::AuditWriter(crypto::Signer signer, std::uint64_t checkpoint_every)
    : signer_(std::move(signer)),
      checkpoint_every_(checkpoint_every == 0 ? 1 : checkpoint_every) {}

StatusOr<AuditWriter::Appended> AuditWriter::Append(store::VaultTransaction& tx,
                                                    const AccessContext& ctx,
                                                    const AuditEvent& event,
                                                    std::int64_t now_us) {
  CVAULT_ASSIGN_OR_RETURN(auto last, tx.LastAudit());
  store::AuditRow row;
  row.sequence = last ? last->sequence + 1 : 1;
  row.time_us = now_us;
  row.principal_id = ctx.principal_id;
  row.role = ctx.role;
  row.action = event.action;
  row.purpose = ctx.purpose;
  row.subject = event.subject;
  // A lookup that matched several customers names them all, joined by
  // commas in the hashed text; each is indexed on its own.
  for (std::size_t start = 0; start < event.subject.size();) {
    std::size_t comma = event.subject.find(',', start);
    if (comma == std::string::npos) comma = event.subject.size();
    if (comma > start) row.subjects.push_back(event.subject.substr(start, comma - start));
    start = comma + 1;
  }
  row.fields_requested = fmt::format("{}", fmt::join(event.fields_requested, ","));
  row.fields_returned = fmt::format("{}", fmt::join(event.fields_returned, ","));
  row.decision = event.decision;
  row.reason_code = event.reason_code;
  row.request_id = ctx.request_id;
  row.previous_hash = last ? last->entry_hash : GenesisHash();
  row.entry_hash = ComputeEntryHash(row);
  CVAULT_RETURN_IF_ERROR(tx.AppendAudit(row));
  return Appended{row.sequence, row.sequence % checkpoint_every_ == 0, row.entry_hash};
}

StatusOr<store::CheckpointRow> AuditWriter::WriteCheckpoint(store::VaultTransaction& tx,
                                                            std::int64_t now_us,
                                                            std::int64_t min_age_us) {
  CVAULT_ASSIGN_OR_RETURN(auto head, tx.LastAudit());
  if (!head) {
    return Error(Status::FailedPrecondition(
        "the audit log is empty; there is nothing to checkpoint"));
  }
  CVAULT_ASSIGN_OR_RETURN(auto last, tx.LastCheckpoint());
  if (last && (last->sequence == head->sequence || now_us - last->time_us < min_age_us)) {
    return *last;
  }
  store::CheckpointRow row;
  row.sequence = head->sequence;
  row.time_us = now_us;
  row.head_hash = head->entry_hash;
  row.signature = signer_.Sign(CheckpointMessage(row.sequence, row.head_hash, now_us));
  row.public_key = signer_.public_key();
  CVAULT_RETURN_IF_ERROR(tx.InsertCheckpoint(row));
  return row;
}

}  // namespace cvault::audit
