// The purge job: the sweep of erased customers' remaining rows, retention
// holds past their end, and consents past their end.
//
// The sweep finishes what an erasure left: the customer's keys are already
// shredded, so their tickets and consent events are ciphertext without a
// key; the sweep deletes them, and minimises the refund cases (sealed under
// the hold's key) and moves them under the hold, in transactions of at most
// kSweepBatch rows. Holds are purged after the sweep, so none expires with
// cases still outside it.
#include <fmt/format.h>

#include <cstdint>
#include <functional>

#include "domain/case_documents.h"
#include "domain/consent_receipt.h"
#include "domain/consent_state.h"
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
// A data key younger than this with no customer row may belong to a create
// still in flight in another process; the orphan sweep leaves it alone.
constexpr std::int64_t kOrphanGraceMicros = 10LL * 60 * 1000 * 1000;
constexpr std::size_t kOrphanBatch = 500;

// Moves the erased customer's cases of one financial `kind` under the hold,
// at most `limit - done` of them (counted in `done`): `minimise` reseals the
// kept row (already owned by the hold) from the row as it was.
Status MoveUnderHold(
    store::VaultTransaction& tx, const store::PendingErasureRow& p, std::string_view kind,
    std::size_t limit, std::size_t& done,
    const std::function<Status(const store::CaseRow&, store::CaseRow&)>& minimise) {
  CVAULT_ASSIGN_OR_RETURN(auto rows, tx.ListCases(p.customer_id, kind));
  for (const store::CaseRow& row : rows) {
    if (done == limit) break;
    store::CaseRow kept = row;
    kept.customer_id = p.hold_id;
    kept.retention_class = kFinancial;
    CVAULT_RETURN_IF_ERROR(minimise(row, kept));
    CVAULT_RETURN_IF_ERROR(tx.ReassignCase(kept));
    ++done;
  }
  return Status::Ok();
}

}  // namespace

StatusOr<PurgeResult> VaultCore::Purge(const AccessContext& in) {
  PurgeResult result;
  AccessContext ctx;
  std::optional<LeaseRelease> release;
  {
    std::lock_guard lock(mu_);
    CVAULT_ASSIGN_OR_RETURN(
        AuditedCall call,
        StartCall(in, action::kDsrPurge, {"dsr.purge", "", {}, {}, "allow", "ok"}));
    CVAULT_RETURN_IF_ERROR(DecideOperation(call, action::kDsrPurge));
    // One purge at a time across processes; an erasure another process left
    // half-done is finished before any hold purge extends the ledger.
    CVAULT_RETURN_IF_ERROR(StatusOf(ReplayLedger()));
    CVAULT_ASSIGN_OR_RETURN(auto* tx, call.Transaction());
    Status leased = TakeLease(*tx, kPurgeLease);
    if (!leased.ok()) return Error(std::move(call).Fail("job_running", leased));
    ctx = call.ctx();
    CVAULT_RETURN_IF_ERROR(std::move(call).Commit());
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
    CVAULT_ASSIGN_OR_RETURN(
        std::size_t rows,
        SweepErasureStep(std::move(tx), ctx, pending.front(), kSweepBatch));
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
    CVAULT_ASSIGN_OR_RETURN(std::size_t shredded,
                            PurgeHold(std::move(tx), ctx, due.front(), nullptr));
    result.holds_expired += 1;
    result.records_shredded += shredded;
  }
  CVAULT_ASSIGN_OR_RETURN(result.orphan_keys_removed, RemoveOrphanKeys(ctx));
  // Consents past their end without an "expired" event, one call each.
  std::lock_guard lock(mu_);
  CVAULT_RETURN_IF_ERROR(RequireOpen());
  const std::int64_t now = NowMicros();
  std::vector<store::ConsentEventRow> lapsed;
  {
    CVAULT_ASSIGN_OR_RETURN(auto tx, BeginWrite());
    CVAULT_ASSIGN_OR_RETURN(lapsed, tx->ListLapsedConsents(now));
  }
  for (const store::ConsentEventRow& last_clear : lapsed) {
    CVAULT_ASSIGN_OR_RETURN(auto tx, BeginWrite());
    // The listed row has no receipt; read the full chain, in the
    // transaction that extends it (another process may have renewed or
    // expired it since the listing).
    CVAULT_ASSIGN_OR_RETURN(
        auto chain,
        tx->ListConsentEventsFor(last_clear.customer_id, last_clear.purpose, now));
    if (chain.empty() || chain.back().event_type == "expired" ||
        domain::DeriveConsentState(chain, now).status != ConsentStatus::kExpired) {
      continue;
    }
    const store::ConsentEventRow& last = chain.back();
    AuditedCall call = StartCheckedCall(ctx,
                                        {"consent.expire",
                                         "",
                                         {"consent:" + last.purpose},
                                         {},
                                         "allow",
                                         "expired_by_purge"},
                                        std::move(tx));
    CVAULT_ASSIGN_OR_RETURN(SubjectKeysPtr keys, KeysFor(last.customer_id));
    call.event().subject = keys->pseudonym;
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
    CVAULT_RETURN_IF_ERROR(call.tx().AppendConsentEvent(expired));
    CVAULT_RETURN_IF_ERROR(std::move(call).Commit());
    result.consents_expired += 1;
  }
  return result;
}

StatusOr<std::size_t> VaultCore::RemoveOrphanKeys(const AccessContext& ctx) {
  // A data key whose customer row never committed (a crash between the two
  // files' commits, a create whose insert failed) is deleted
  // (docs/architecture.md, "Write ordering"). (Rows whose key is gone only
  // arise from erasure, which does its own recovery.) A walk over every
  // key, so it runs here, in the daily job, and never at open; one batch
  // per lock.
  std::size_t removed_keys = 0;
  std::optional<std::string> after;
  while (true) {
    std::lock_guard lock(mu_);
    CVAULT_RETURN_IF_ERROR(RequireOpen());
    const std::int64_t cutoff = NowMicros() - kOrphanGraceMicros;
    CVAULT_ASSIGN_OR_RETURN(auto ktx, backend_->key_store().Begin(/*write=*/false));
    CVAULT_ASSIGN_OR_RETURN(
        auto ids, ktx->ListKeyedCustomerIds(
                      after ? std::optional<std::string_view>(*after) : std::nullopt,
                      kOrphanBatch));
    ktx.reset();
    if (ids.empty()) break;
    after = ids.back();
    CVAULT_ASSIGN_OR_RETURN(auto vtx, backend_->vault_store().Begin(/*write=*/false));
    std::vector<std::string> orphans;
    for (const std::string& id : ids) {
      // A key belongs to a customer or, after an erasure, a retention hold.
      bool owned = false;
      if (domain::IsHoldId(id)) {
        CVAULT_ASSIGN_OR_RETURN(auto hold, vtx->GetHold(id));
        owned = hold.has_value();
      } else {
        CVAULT_ASSIGN_OR_RETURN(auto row, vtx->GetCustomer(id));
        owned = row.has_value();
      }
      if (!owned) orphans.push_back(id);
    }
    vtx.reset();
    if (!orphans.empty()) {
      CVAULT_ASSIGN_OR_RETURN(auto wtx, backend_->key_store().Begin(/*write=*/true));
      for (const std::string& id : orphans) {
        const auto cls = domain::IsHoldId(id) ? keys::RetentionClass::kFinancial
                                              : keys::RetentionClass::kStandard;
        CVAULT_ASSIGN_OR_RETURN(auto key, wtx->GetDataKey(id, static_cast<int>(cls)));
        if (key && key->created_at_us > cutoff) continue;
        CVAULT_ASSIGN_OR_RETURN(auto n, wtx->DeleteDataKeys(id));
        removed_keys += n;
      }
      CVAULT_RETURN_IF_ERROR(wtx->Commit());
    }
    if (ids.size() < kOrphanBatch) break;
  }
  if (removed_keys == 0) return removed_keys;
  std::lock_guard lock(mu_);
  logger_->warn("removed {} orphaned data keys left by an interrupted write",
                removed_keys);
  CVAULT_RETURN_IF_ERROR(
      StartCheckedCall(ctx, {"vault.recover", "", {}, {}, "allow", "orphans_removed"})
          .Commit());
  return removed_keys;
}

StatusOr<std::size_t> VaultCore::PurgeHold(std::unique_ptr<store::VaultTransaction> tx,
                                           const AccessContext& ctx,
                                           const store::HoldRow& hold,
                                           const LedgerEntry* replay) {
  AuditedCall call =
      StartCheckedCall(ctx,
                       {"dsr.purge_hold",
                        hold.hold_id,
                        {},
                        {},
                        "allow",
                        replay ? "hold_expired_ledger_replay" : "hold_expired"},
                       std::move(tx));
  std::uint64_t applied = 0;
  if (replay == nullptr) {
    LedgerEntry entry;
    entry.kind = LedgerEntry::Kind::kHoldPurged;
    entry.id = hold.hold_id;
    entry.at_us = NowMicros();
    CVAULT_ASSIGN_OR_RETURN(applied, AppendLedger(call.tx(), std::move(entry)));
  } else {
    applied = replay->seq;
  }
  CVAULT_ASSIGN_OR_RETURN(
      std::size_t cases,
      call.tx().DeleteCases(hold.hold_id, domain::kRefundKind, SIZE_MAX));
  CVAULT_ASSIGN_OR_RETURN(
      std::size_t purchases,
      call.tx().DeleteCases(hold.hold_id, domain::kPurchaseKind, SIZE_MAX));
  cases += purchases;
  CVAULT_RETURN_IF_ERROR(StatusOf(call.tx().DeleteHold(hold.hold_id)));
  CVAULT_RETURN_IF_ERROR(call.tx().SetMeta(kLedgerAppliedKey, std::to_string(applied)));
  CVAULT_RETURN_IF_ERROR(std::move(call).Commit());
  CVAULT_RETURN_IF_ERROR(ShredKeysOf(hold.hold_id));
  return cases;
}

StatusOr<std::size_t> VaultCore::SweepErasureStep(
    std::unique_ptr<store::VaultTransaction> tx, const AccessContext& ctx,
    const store::PendingErasureRow& p, std::size_t limit) {
  std::size_t done = 0;
  if (!p.hold_id.empty()) {
    CVAULT_ASSIGN_OR_RETURN(auto hold, tx->GetHold(p.hold_id));
    // Without the hold (purged since) the cases have no key left: they are
    // deleted below like the rest.
    if (hold) {
      // Fetched with the first row: FinancialCipherFor mints a key it does
      // not find.
      const crypto::FieldCipher* cipher = nullptr;
      auto open_cipher = [&]() -> Status {
        if (cipher == nullptr) {
          CVAULT_ASSIGN_OR_RETURN(cipher, FinancialCipherFor(p.hold_id));
        }
        return Status::Ok();
      };
      // Purchase records first: a refund case moved under the hold finds
      // its order's purchase record there (ReadOrderRecords).
      CVAULT_RETURN_IF_ERROR(MoveUnderHold(
          *tx, p, domain::kPurchaseKind, limit, done,
          [&](const store::CaseRow& row, store::CaseRow& kept) -> Status {
            CVAULT_RETURN_IF_ERROR(open_cipher());
            CVAULT_ASSIGN_OR_RETURN(auto purchase, domain::OpenPurchase(*cipher, row));
            CVAULT_ASSIGN_OR_RETURN(
                kept.document,
                domain::SealPurchase(*cipher, kept,
                                     domain::MinimiseForHold(purchase, p.hold_id)));
            return Status::Ok();
          }));
      CVAULT_RETURN_IF_ERROR(MoveUnderHold(
          *tx, p, domain::kRefundKind, limit, done,
          [&](const store::CaseRow& row, store::CaseRow& kept) -> Status {
            CVAULT_RETURN_IF_ERROR(open_cipher());
            CVAULT_ASSIGN_OR_RETURN(auto refund, domain::OpenRefundCase(*cipher, row));
            // No one is left to send updates to; a refund still owed keeps
            // its processing promise (it is paid under the hold).
            kept.update_due_at_us.reset();
            if (refund.status != RefundStatus::kApproved &&
                refund.status != RefundStatus::kProcessing) {
              kept.processing_due_at_us.reset();
            }
            CVAULT_ASSIGN_OR_RETURN(
                kept.document,
                domain::SealRefundCase(*cipher, kept,
                                       domain::MinimiseForHold(refund, p.hold_id)));
            return Status::Ok();
          }));
    }
  }
  for (std::string_view kind :
       {domain::kPurchaseKind, domain::kRefundKind, domain::kTicketKind}) {
    CVAULT_ASSIGN_OR_RETURN(std::size_t n,
                            tx->DeleteCases(p.customer_id, kind, limit - done));
    done += n;
  }
  CVAULT_ASSIGN_OR_RETURN(std::size_t events,
                          tx->DeleteConsentEvents(p.customer_id, limit - done));
  done += events;
  if (done > 0) {
    // A batch of the sweep: housekeeping, recorded when the sweep ends.
    CVAULT_RETURN_IF_ERROR(tx->Commit());
    return done;
  }
  // Names the erasure, which the customer's result named; not the customer.
  AuditedCall call = StartCheckedCall(
      ctx, {"dsr.erase_sweep", p.erasure_id, {}, {}, "allow", "rows_swept"},
      std::move(tx));
  CVAULT_RETURN_IF_ERROR(StatusOf(call.tx().DeletePendingErasure(p.customer_id)));
  CVAULT_RETURN_IF_ERROR(std::move(call).Commit());
  return std::size_t{0};
}

}  // namespace cvault::internal
