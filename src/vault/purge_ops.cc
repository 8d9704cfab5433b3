// The purge job: the sweep of erased customers' remaining rows, retention
// holds past their end, and consents past their end.
//
// The sweep finishes what an erasure left: the customer's keys are already
// shredded, so their tickets and consent events are ciphertext without a
// key; the sweep deletes them, and minimises the refund cases (sealed under
// the hold's key) and moves them under the hold, in transactions of at most
// kSweepBatch rows. Holds are purged after the sweep, so none expires with
// cases still outside it.
#include <cstdint>

#include <fmt/format.h>

#include "domain/case_documents.h"
#include "domain/consent_receipt.h"
#include "domain/retention.h"
#include "keys/data_keys.h"
#include "vault/vault_core.h"

namespace cvault::internal {
namespace {

namespace action = policy::action;

constexpr int kFinancial = static_cast<int>(keys::RetentionClass::kFinancial);
// Rows per sweep transaction: bounds how long one holds the vault's lock.
constexpr std::size_t kSweepBatch = 500;
constexpr std::string_view kPurgeLease = "purge";

}  // namespace

StatusOr<PurgeResult> VaultCore::Purge(const AccessContext& in) {
  PurgeResult result;
  AccessContext ctx;
  std::optional<LeaseRelease> release;
  {
    std::lock_guard lock(mu_);
    CVAULT_ASSIGN_OR_RETURN(ctx, CheckContext(in, action::kDsrPurge));
    audit::AuditEvent event{"dsr.purge", "", {}, {}, "allow", "ok"};
    policy::Decision decision =
        decider_.Decide(ctx, {action::kDsrPurge, policy::FieldUse::kWrite, {}, std::nullopt});
    if (!decision.allowed()) return Error(Deny(ctx, event, decision));
    // One purge at a time across processes; an erasure another process left
    // half-done is finished before any hold purge extends the ledger.
    CVAULT_RETURN_IF_ERROR(StatusOf(ReplayLedger()));
    CVAULT_ASSIGN_OR_RETURN(auto tx, BeginWrite());
    Status leased = TakeLease(*tx, kPurgeLease);
    if (!leased.ok()) {
      tx.reset();
      return Error(Fail(ctx, event, "job_running", leased));
    }
    CVAULT_RETURN_IF_ERROR(CommitWithAudit(*tx, ctx, event));
    release.emplace(*this, kPurgeLease);
  }
  // Erasures whose rows are still to go, in bounded transactions. First,
  // so that every refund case is under its hold before holds expire.
  bool swept = false;
  while (true) {
    std::lock_guard lock(mu_);
    CVAULT_RETURN_IF_ERROR(RequireOpen());
    CVAULT_ASSIGN_OR_RETURN(auto tx, BeginWrite());
    CVAULT_ASSIGN_OR_RETURN(auto pending, tx->ListPendingErasures(1));
    if (pending.empty()) break;
    CVAULT_ASSIGN_OR_RETURN(std::size_t rows,
                            SweepErasureStep(*tx, ctx, pending.front(), kSweepBatch));
    swept = true;
    result.rows_swept += rows;
    if (rows == 0) result.erasures_swept += 1;
  }
  if (swept) {
    std::lock_guard lock(mu_);
    ForgetDeletedContent();
  }
  // Holds past their end, one at a time.
  while (true) {
    std::lock_guard lock(mu_);
    CVAULT_RETURN_IF_ERROR(RequireOpen());
    CVAULT_ASSIGN_OR_RETURN(auto tx, BeginWrite());
    CVAULT_ASSIGN_OR_RETURN(auto due, tx->ListHoldsDueBy(NowMicros()));
    if (due.empty()) break;
    CVAULT_ASSIGN_OR_RETURN(std::size_t shredded, PurgeHold(*tx, ctx, due.front(), nullptr));
    result.holds_expired += 1;
    result.records_shredded += shredded;
  }
  // Consents past their end without an "expired" event.
  std::lock_guard lock(mu_);
  CVAULT_ASSIGN_OR_RETURN(auto tx, BeginWrite());
  const std::int64_t now = NowMicros();
  CVAULT_ASSIGN_OR_RETURN(auto lapsed, tx->ListLapsedConsents(now));
  for (const store::ConsentEventRow& last_clear : lapsed) {
    // The listed row has no receipt; read the full last event.
    CVAULT_ASSIGN_OR_RETURN(auto chain, tx->ListConsentEventsFor(last_clear.customer_id,
                                                                  last_clear.purpose, now));
    if (chain.empty()) continue;
    const store::ConsentEventRow& last = chain.back();
    CVAULT_ASSIGN_OR_RETURN(const SubjectKeys* keys, KeysFor(last.customer_id));
    CVAULT_ASSIGN_OR_RETURN(auto receipt, domain::OpenReceipt(keys->cipher, last));
    receipt.actor = "cvault-purge";
    store::ConsentEventRow expired;
    expired.event_id = domain::NewConsentEventId();
    expired.consent_id = last.consent_id;
    expired.customer_id = last.customer_id;
    expired.purpose = last.purpose;
    expired.event_type = "expired";
    expired.time_us = now;
    expired.expires_at_us = last.expires_at_us;
    expired.previous_event_id = last.event_id;
    CVAULT_ASSIGN_OR_RETURN(expired.receipt,
                            domain::SealReceipt(keys->cipher, expired, receipt));
    CVAULT_RETURN_IF_ERROR(tx->AppendConsentEvent(expired));
    audit::AuditEvent event{"consent.expire", keys->pseudonym,
                            {"consent:" + last.purpose}, {}, "allow", "expired_by_purge"};
    CVAULT_RETURN_IF_ERROR(CommitWithAudit(*tx, ctx, event));
    result.consents_expired += 1;
    CVAULT_ASSIGN_OR_RETURN(tx, BeginWrite());
  }
  return result;
}

StatusOr<std::size_t> VaultCore::PurgeHold(store::VaultTransaction& tx,
                                           const AccessContext& ctx,
                                           const store::HoldRow& hold,
                                           const LedgerEntry* replay) {
  std::uint64_t applied = 0;
  if (replay == nullptr) {
    LedgerEntry entry;
    entry.kind = LedgerEntry::Kind::kHoldPurged;
    entry.id = hold.hold_id;
    entry.at_us = NowMicros();
    CVAULT_ASSIGN_OR_RETURN(applied, AppendLedger(tx, std::move(entry)));
  } else {
    applied = replay->seq;
  }
  CVAULT_ASSIGN_OR_RETURN(std::size_t cases, tx.DeleteCases(hold.hold_id, domain::kRefundKind, SIZE_MAX));
  CVAULT_RETURN_IF_ERROR(StatusOf(tx.DeleteHold(hold.hold_id)));
  CVAULT_RETURN_IF_ERROR(tx.SetMeta(kLedgerAppliedKey, std::to_string(applied)));
  audit::AuditEvent event{"dsr.purge_hold", hold.hold_id, {}, {}, "allow",
                          replay ? "hold_expired_ledger_replay" : "hold_expired"};
  CVAULT_RETURN_IF_ERROR(CommitWithAudit(tx, ctx, event));
  CVAULT_RETURN_IF_ERROR(ShredKeysOf(hold.hold_id));
  return cases;
}

StatusOr<std::size_t> VaultCore::SweepErasureStep(store::VaultTransaction& tx,
                                                  const AccessContext& ctx,
                                                  const store::PendingErasureRow& p,
                                                  std::size_t limit) {
  std::size_t done = 0;
  if (!p.hold_id.empty()) {
    CVAULT_ASSIGN_OR_RETURN(auto hold, tx.GetHold(p.hold_id));
    // Without the hold (purged since) the cases have no key left: they are
    // deleted below like the rest.
    if (hold) {
      CVAULT_ASSIGN_OR_RETURN(auto refunds, tx.ListCases(p.customer_id, domain::kRefundKind));
      if (!refunds.empty()) {
        CVAULT_ASSIGN_OR_RETURN(const crypto::FieldCipher* cipher,
                                FinancialCipherFor(p.hold_id));
        for (const store::CaseRow& row : refunds) {
          if (done == limit) break;
          CVAULT_ASSIGN_OR_RETURN(auto refund, domain::OpenRefundCase(*cipher, row));
          store::CaseRow kept = row;
          kept.customer_id = p.hold_id;
          kept.retention_class = kFinancial;
          kept.update_due_at_us.reset();
          kept.processing_due_at_us.reset();
          CVAULT_ASSIGN_OR_RETURN(
              kept.document,
              domain::SealRefundCase(*cipher, kept, domain::MinimiseForHold(refund, p.hold_id)));
          CVAULT_RETURN_IF_ERROR(tx.ReassignCase(kept));
          ++done;
        }
      }
    }
  }
  for (std::string_view kind : {domain::kRefundKind, domain::kTicketKind}) {
    CVAULT_ASSIGN_OR_RETURN(std::size_t n, tx.DeleteCases(p.customer_id, kind, limit - done));
    done += n;
  }
  CVAULT_ASSIGN_OR_RETURN(std::size_t events,
                          tx.DeleteConsentEvents(p.customer_id, limit - done));
  done += events;
  if (done > 0) {
    CVAULT_RETURN_IF_ERROR(tx.Commit());
    return done;
  }
  CVAULT_RETURN_IF_ERROR(StatusOf(tx.DeletePendingErasure(p.customer_id)));
  // Names the erasure, which the customer's result named; not the customer.
  audit::AuditEvent event{"dsr.erase_sweep", p.erasure_id, {}, {}, "allow", "rows_swept"};
  CVAULT_RETURN_IF_ERROR(CommitWithAudit(tx, ctx, event));
  return std::size_t{0};
}

}  // namespace cvault::internal
