// Customers::Import: many creates, each checked and audited as Create
// checks and audits one, written a batch per transaction.
#include <set>
#include <utility>

#include "crypto/blind_index.h"
#include "domain/customer_codec.h"
#include "keys/data_keys.h"
#include "vault/vault_core.h"

namespace cvault::internal {
namespace {

namespace action = policy::action;

audit::AuditEvent CreateEvent(std::vector<std::string> fields_requested) {
  return {std::string(action::kCustomerCreate), "", std::move(fields_requested), {}, "allow",
          "ok"};
}

void Refuse(CheckedNewCustomer& record, std::string reason, Status status) {
  record.refused = true;
  record.reason = std::move(reason);
  record.status = std::move(status);
}

}  // namespace

StatusOr<ImportReport> VaultCore::ImportCustomers(const AccessContext& in,
                                                  std::span<const NewCustomer> records,
                                                  const ProgressFn& progress,
                                                  std::size_t batch) {
  if (batch == 0) return Error(Status::InvalidArgument("batch: must be at least 1"));
  ImportReport report;
  report.outcomes.reserve(records.size());
  AccessContext ctx = in;  // gains its request id from the first batch's check
  std::size_t done = 0;
  std::size_t attempted = records.size();  // fewer when the import stopped
  while (done < records.size()) {
    const auto chunk = records.subspan(done, std::min(batch, records.size() - done));
    Status written;
    {
      std::lock_guard lock(mu_);
      // Checked (and a changed policy file loaded) for every batch, as for
      // every call; the records' own entries follow in ImportBatch.
      auto started = StartCall(ctx, action::kCustomerCreate, CreateEvent({}));
      if (!started && done == 0) return Error(started.error());
      if (started) {
        ctx = started->ctx();
        std::move(*started).EndWithoutEntry();
        written = ImportBatch(ctx, chunk, report.outcomes);
      } else {
        written = started.error();
      }
      if (!written.ok() && started) {
        // The batch rolled back as a whole (a write that conflicted with
        // another process, a taken email that raced the check, a store
        // failure): its records go again one per transaction, so that
        // only a failure no record caused stops the import. A record gets
        // a second try, whose check then sees an email taken meanwhile.
        written = Status::Ok();
        for (std::size_t i = 0; i < chunk.size() && written.ok(); ++i) {
          written = ImportBatch(ctx, chunk.subspan(i, 1), report.outcomes);
          if (!written.ok()) written = ImportBatch(ctx, chunk.subspan(i, 1), report.outcomes);
        }
      }
    }
    if (!written.ok()) {
      report.stopped = written;
      attempted = report.outcomes.size();
      while (report.outcomes.size() < records.size()) {
        report.outcomes.push_back({std::nullopt, written, std::nullopt});
      }
      break;
    }
    done += chunk.size();
    if (progress) progress({"import", done, records.size()});
  }
  for (std::size_t i = 0; i < attempted; ++i) {
    ++(report.outcomes[i].id ? report.created : report.rejected);
  }
  return report;
}

Status VaultCore::ImportBatch(const AccessContext& ctx, std::span<const NewCustomer> records,
                              std::vector<ImportOutcome>& out) {
  struct Pending {
    CheckedNewCustomer checked;
    CustomerId id;
    store::CustomerRow row;
    std::optional<SubjectKeys> keys;
  };
  std::vector<Pending> pending(records.size());

  // Each record decided and validated; a taken email refused before any
  // data key is minted, whether another customer has it or an earlier
  // record of this import.
  {
    std::set<crypto::Bytes> emails_in_batch;
    CVAULT_ASSIGN_OR_RETURN(auto read, backend_->vault_store().Begin(/*write=*/false));
    for (std::size_t i = 0; i < records.size(); ++i) {
      CheckedNewCustomer& checked = pending[i].checked;
      checked = CheckNewCustomer(ctx, records[i]);
      if (checked.refused) continue;
      CVAULT_ASSIGN_OR_RETURN(auto email_key, domain::LookupKeyForEmail(records[i].email));
      crypto::Bytes index = indexer_->Compute(crypto::IndexedField::kEmail, email_key);
      CVAULT_ASSIGN_OR_RETURN(auto taken, read->FindByEmailIndex(index));
      if (!taken.empty() || !emails_in_batch.insert(std::move(index)).second) {
        Refuse(checked, "email_taken",
               Status::AlreadyExists("email: another customer already uses this address"));
        checked.bad_field = CustomerField::kEmail;
      }
    }
  }

  // The data keys, committed to the keystore before any row that needs
  // them, as for one create: a crash in between leaves orphan keys, which
  // the next purge removes, never an unreadable row.
  std::vector<std::string> minted;
  {
    CVAULT_ASSIGN_OR_RETURN(auto ktx, BeginKeyWrite());
    const std::int64_t now = NowMicros();
    for (Pending& p : pending) {
      if (p.checked.refused) continue;
      p.id = CustomerId::Generate();
      p.row.id = p.id.str();
      SecretBytes dek = keys::NewDataKey();
      CVAULT_ASSIGN_OR_RETURN(
          auto key_row, keys::WrapDataKey(*keyring_, p.row.id, keys::RetentionClass::kStandard,
                                          dek, now));
      CVAULT_RETURN_IF_ERROR(ktx->InsertDataKey(key_row));
      CVAULT_ASSIGN_OR_RETURN(p.keys, MakeSubjectKeys(p.row.id, std::move(dek)));
      minted.push_back(p.row.id);
    }
    if (!minted.empty()) CVAULT_RETURN_IF_ERROR(ktx->Commit());
  }

  // The rows and every record's entry, in input order, in one transaction.
  Status written = [&]() -> Status {
    CVAULT_ASSIGN_OR_RETURN(auto tx, BeginWrite());
    const std::int64_t now = NowMicros();
    bool checkpoint_due = false;
    audit::AuditWriter::Appended last;
    for (Pending& p : pending) {
      audit::AuditEvent event = CreateEvent(std::move(p.checked.entry_fields));
      if (p.checked.refused) {
        event.decision = "deny";
        event.reason_code = p.checked.reason;
      } else {
        p.row.created_at_us = p.row.updated_at_us = now;
        // Sealed inside the write transaction, under the index keys current
        // there (another process may just have rotated them).
        CVAULT_RETURN_IF_ERROR(domain::SealFields(p.keys->cipher, *indexer_, p.checked.values,
                                                  p.row,
                                                  next_indexer_ ? &*next_indexer_ : nullptr));
        CVAULT_RETURN_IF_ERROR(tx->InsertCustomer(p.row));
        event.subject = p.keys->pseudonym;
        event.fields_returned = std::move(p.checked.written_fields);
      }
      CVAULT_ASSIGN_OR_RETURN(last, audit_->Append(*tx, ctx, event, now));
      checkpoint_due = checkpoint_due || last.checkpoint_due;
    }
    CVAULT_RETURN_IF_ERROR(tx->Commit());
    tx.reset();  // the checkpoint needs the write connection
    RecordAuditHead(last);
    CheckpointAfterCommit(checkpoint_due);
    return Status::Ok();
  }();
  if (!written.ok()) {
    // Nothing of the batch was kept; its keys go now rather than at the
    // purge's orphan sweep (which skips keys this young).
    Status removed = [&]() -> Status {
      if (minted.empty()) return Status::Ok();
      CVAULT_ASSIGN_OR_RETURN(auto ktx, BeginKeyWrite());
      for (const std::string& id : minted) CVAULT_RETURN_IF_ERROR(StatusOf(ktx->DeleteDataKeys(id)));
      return ktx->Commit();
    }();
    if (!removed.ok()) {
      logger_->warn(
          "an import batch's unused data keys stay until a purge removes "
          "them: {}",
          removed.ToString());
    }
    return written;
  }

  std::size_t refused = 0;
  for (Pending& p : pending) {
    CheckedNewCustomer& checked = p.checked;
    if (checked.refused) {
      ++refused;
      out.push_back({std::nullopt, checked.status.WithReasonCode(checked.reason),
                     checked.bad_field});
    } else {
      out.push_back({std::move(p.id), Status::Ok(), std::nullopt});
    }
  }
  logger_->info("customer.create import batch: {} created, {} refused, request {}",
                records.size() - refused, refused, ctx.request_id);
  return Status::Ok();
}

}  // namespace cvault::internal
