// Erasure (GDPR Art. 17) and the erasure ledger's replay. Its cost does not
// depend on how many records the customer has: it touches a fixed number of
// rows and keys, and leaves the customer's other rows, by then ciphertext
// without a key, to the purge's sweep (purge_ops.cc).
//
// An erasure, in order (each step safe to interrupt):
//   1. With refund cases or purchase records: a retention hold is made, and the customer's
//      financial data key is wrapped again under the hold's id (committed
//      to the keystore first, as for any new key). The cases stay sealed
//      under that key; the sweep minimises them and moves them to the hold.
//   2. The ledger line is appended and synced.
//   3. In one vault transaction: the customer row (with its blind indexes)
//      deleted, the hold and the pending sweep recorded, the ledger position
//      advanced, the audit entry appended.
//   4. The customer's data keys are deleted from the keystore (the shred),
//      and both write-ahead logs truncated. From here nothing the customer
//      left can be decrypted but the held financial records, which are read
//      minimised and only for a legal obligation.
// A crash after 2 is finished by the next open (ReplayLedger); one after 3
// leaves keys without a customer row, which the purge's orphan sweep deletes.
// A failure the call reports after 2 (a store error, a failed commit)
// withdraws the ledger line first, so no replay carries out an erasure the
// caller was told failed; a failure of 4 is logged and the erasure reported
// done, since it is committed and the purge finishes the shred.
#include <map>
#include <set>

#include <fmt/format.h>

#include "domain/case_documents.h"
#include "domain/consent_receipt.h"
#include "domain/customer_codec.h"
#include "domain/random_id.h"
#include "domain/retention.h"
#include "keys/data_keys.h"
#include "vault/vault_core.h"

namespace cvault::internal {
namespace {

namespace action = policy::action;

constexpr int kFinancial = static_cast<int>(keys::RetentionClass::kFinancial);

std::string NewErasureId() { return domain::NewRandomId("era_"); }

Timestamp At(std::int64_t us) { return Timestamp(std::chrono::microseconds(us)); }

}  // namespace

StatusOr<std::uint64_t> VaultCore::LedgerApplied(store::VaultTransaction& tx) {
  CVAULT_ASSIGN_OR_RETURN(auto value, tx.GetMeta(kLedgerAppliedKey));
  if (!value) return std::uint64_t{0};
  try {
    return static_cast<std::uint64_t>(std::stoull(*value));
  } catch (const std::exception&) {
    return Error(Status::Integrity("the vault's erasure ledger position is damaged"));
  }
}

StatusOr<ErasureResult> VaultCore::EraseSubject(const AccessContext& in,
                                                const CustomerId& id,
                                                std::string_view request_id) {
  std::lock_guard lock(mu_);
  CVAULT_ASSIGN_OR_RETURN(
      AuditedCall call,
      StartCall(in, action::kDsrErase, {"dsr.erase", "", {}, {}, "allow", "erased"}));
  // An erasure another process recorded but did not finish is finished
  // first, so this one's ledger line follows it.
  CVAULT_RETURN_IF_ERROR(StatusOf(ReplayLedger()));
  CVAULT_ASSIGN_OR_RETURN(
      Decided d,
      BeginForSubject(call, id,
                      {action::kDsrErase, policy::FieldUse::kWrite, {}, std::nullopt},
                      /*ignore_restriction=*/true));
  static constexpr std::array kAnswers = {DsrKind::kErasure};
  CVAULT_ASSIGN_OR_RETURN(auto request, BeginFulfilment(call, request_id, id, kAnswers));
  return EraseDecided(std::move(call), d.subject, id, /*replay=*/nullptr,
                      request ? &*request : nullptr);
}

StatusOr<ErasureResult> VaultCore::EraseDecided(AuditedCall call, const Subject& subject,
                                                const CustomerId& id,
                                                const LedgerEntry* replay,
                                                store::DsrRequestRow* fulfils) {
  store::VaultTransaction& tx = call.tx();
  const store::CustomerRow& row = *subject.row;
  const crypto::FieldCipher& cipher = subject.keys->cipher;
  const std::int64_t now = NowMicros();
  auto fail = [&](Status status) {
    return std::move(call).Fail("erasure_failed", std::move(status));
  };

  ErasureResult result;
  result.erasure_id = replay ? replay->id : NewErasureId();
  result.customer = id;
  result.erased_at = At(replay ? replay->at_us : now);
  // Before the ledger line: a request that cannot be closed stops the
  // erasure while nothing of it is recorded anywhere.
  if (fulfils != nullptr) {
    Status fulfilled = FinishFulfilment(call, *fulfils, result.erasure_id);
    if (!fulfilled.ok()) return Error(fail(fulfilled));
  }

  std::size_t identity = 0;
  std::size_t contact = 0;
  std::string country;
  for (CustomerField field : kAllCustomerFields) {
    if (!row.fields[static_cast<std::size_t>(field)]) continue;
    (GroupOf(field) == FieldGroup::kContact ? contact : identity) += 1;
    if (field == CustomerField::kCountry) {
      auto plain = domain::OpenField(cipher, row, field);
      if (!plain) return Error(fail(plain.error()));
      if (*plain) country = std::string((*plain)->RevealAsText());
    }
  }

  // Counted, not read: the rows themselves are left to the purge's sweep.
  auto tickets = tx.CountCases(id.str(), domain::kTicketKind);
  if (!tickets) return Error(fail(tickets.error()));
  // Refund cases and purchase records: the financial records a hold keeps.
  auto refund_cases = tx.CountCases(id.str(), domain::kRefundKind);
  if (!refund_cases) return Error(fail(refund_cases.error()));
  auto purchases = tx.CountCases(id.str(), domain::kPurchaseKind);
  if (!purchases) return Error(fail(purchases.error()));
  const std::size_t financial_records = *refund_cases + *purchases;
  auto consents = tx.CountConsentEvents(id.str());
  if (!consents) return Error(fail(consents.error()));

  // 1. The refund cases' retention hold, given the customer's financial key.
  GroupErasure financial{std::string(FieldGroupName(FieldGroup::kFinancial)),
                         ErasureOutcome::kNoneHeld,
                         0,
                         "",
                         std::nullopt,
                         ""};
  std::optional<store::HoldRow> hold;
  if (financial_records > 0) {
    domain::RetentionRule rule =
        domain::FinancialRetentionFor(options_.retention, country);
    hold.emplace();
    hold->hold_id = domain::NewHoldId();
    hold->erasure_id = result.erasure_id;
    hold->jurisdiction = rule.jurisdiction;
    hold->legal_reason = options_.retention.financial_legal_reason;
    hold->created_at_us = now;
    hold->until_us = replay && replay->hold_until_us ? *replay->hold_until_us
                                                     : domain::AddYears(now, rule.years);
    Status s = GiveFinancialKeyToHold(id.str(), hold->hold_id, now);
    if (!s.ok()) return Error(fail(s));
    financial.outcome = ErasureOutcome::kRetained;
    financial.records = financial_records;
    financial.legal_reason = hold->legal_reason;
    financial.retained_until = At(hold->until_us);
    financial.hold_id = hold->hold_id;
  }

  // 2. The ledger line, synced before the vault commits.
  std::uint64_t applied = 0;
  if (replay == nullptr) {
    LedgerEntry entry;
    entry.kind = LedgerEntry::Kind::kErasure;
    entry.id = result.erasure_id;
    entry.subject = ledger_->SubjectOf(id.str());
    entry.at_us = now;
    if (hold) entry.hold_until_us = hold->until_us;
    auto appended = AppendLedger(tx, std::move(entry));
    if (!appended) return Error(fail(appended.error()));
    applied = *appended;
  } else {
    applied = replay->seq;
  }
  // From here the ledger holds this erasure. A failure withdraws it before
  // the transaction rolls back (no replay can take it up in between), so
  // what the call reports is what happens. A replay's failure withdraws
  // nothing: the next open tries again.
  auto fail_recorded = [&](Status status) {
    if (replay == nullptr) {
      status = WithdrawErasure(result.erasure_id, applied, std::move(status));
    }
    return fail(std::move(status));
  };

  // 3. The customer row and its blind indexes, the hold, and the rows left
  //    for the sweep, in this transaction.
  auto deleted_customer = tx.DeleteCustomer(id.str());
  if (!deleted_customer) return Error(fail_recorded(deleted_customer.error()));
  if (hold) {
    Status s = tx.InsertHold(*hold);
    if (!s.ok()) return Error(fail_recorded(s));
  }
  if (*tickets + financial_records + *consents > 0) {
    Status s = tx.InsertPendingErasure(
        {id.str(), result.erasure_id, hold ? hold->hold_id : "", now});
    if (!s.ok()) return Error(fail_recorded(s));
  }
  Status s = tx.SetMeta(kLedgerAppliedKey, std::to_string(applied));
  if (!s.ok()) return Error(fail_recorded(s));
  call.event().reason_code = replay ? "erased_ledger_replay" : "erased";
  Status committed = std::move(call).Commit();
  if (!committed.ok()) {
    // The commit rolled the transaction back itself.
    if (replay == nullptr) {
      committed = WithdrawErasure(result.erasure_id, applied, std::move(committed));
    }
    return Error(committed);
  }

  // 4. The shred: every row left behind is ciphertext without a key. The
  //    erasure is committed, so it is reported done even when the shred
  //    fails: the purge's orphan sweep deletes keys no customer owns.
  Status shredded = ShredKeysOf(id.str());
  if (!shredded.ok()) {
    logger_->warn(
        "erasure {}: committed, but deleting its data keys failed ({}); the next "
        "purge deletes them",
        result.erasure_id, shredded.ToString());
  }

  auto outcome = [](std::size_t n) {
    return n > 0 ? ErasureOutcome::kErased : ErasureOutcome::kNoneHeld;
  };
  auto group = [&](std::string name, std::size_t n) {
    return GroupErasure{std::move(name), outcome(n), n, "", std::nullopt, ""};
  };
  result.groups.push_back(
      group(std::string(FieldGroupName(FieldGroup::kIdentity)), identity));
  result.groups.push_back(
      group(std::string(FieldGroupName(FieldGroup::kContact)), contact));
  // No customer field belongs to the marketing profile; marketing consent
  // is in the consent records.
  result.groups.push_back(
      group(std::string(FieldGroupName(FieldGroup::kMarketingProfile)), 0));
  result.groups.push_back(
      group(std::string(FieldGroupName(FieldGroup::kSupportEvidence)), *tickets));
  result.groups.push_back(group("consent_records", *consents));
  result.groups.push_back(std::move(financial));
  logger_->info("erasure {} done ({} held records)", result.erasure_id, financial_records);
  return result;
}

Status VaultCore::GiveFinancialKeyToHold(std::string_view customer_id,
                                         std::string_view hold_id, std::int64_t now) {
  SecretBytes dek;
  {
    CVAULT_ASSIGN_OR_RETURN(auto ktx, backend_->key_store().Begin(/*write=*/false));
    CVAULT_ASSIGN_OR_RETURN(auto key_row, ktx->GetDataKey(customer_id, kFinancial));
    if (!key_row) {
      return Status::Integrity(
          "the customer's financial data key is missing from the keystore; their "
          "financial records cannot be kept under a hold");
    }
    CVAULT_ASSIGN_OR_RETURN(dek, UnwrapKey(*key_row));
  }
  // Committed before the hold row that needs it, as for any new key: a
  // crash in between leaves an orphan key that the next purge removes.
  CVAULT_ASSIGN_OR_RETURN(auto ktx, BeginKeyWrite());
  CVAULT_ASSIGN_OR_RETURN(
      auto hold_row,
      keys::WrapDataKey(*keyring_, hold_id, keys::RetentionClass::kFinancial, dek, now));
  CVAULT_RETURN_IF_ERROR(ktx->InsertDataKey(hold_row));
  return ktx->Commit();
}

Status VaultCore::ShredKeysOf(std::string_view owner) {
  subject_keys_.Evict(owner);
  financial_keys_.Evict(owner);
  {
    CVAULT_ASSIGN_OR_RETURN(auto ktx, backend_->key_store().Begin(/*write=*/true));
    CVAULT_RETURN_IF_ERROR(StatusOf(ktx->DeleteDataKeys(owner)));
    CVAULT_RETURN_IF_ERROR(ktx->Commit());
  }
  ForgetDeletedContent();
  return Status::Ok();
}

void VaultCore::ForgetDeletedContent() {
  Status s = backend_->ForgetDeletedContent();
  if (!s.ok() && s.reason_code() != "not_supported") {
    logger_->warn("could not drop deleted content from the store's logs: {}",
                  s.ToString());
  }
}

StatusOr<std::uint64_t> VaultCore::AppendLedger(store::VaultTransaction& tx,
                                                LedgerEntry entry) {
  // Only writers holding the vault's write lock append, so under it the
  // ledger's length and the vault's position agree unless a writer died
  // between its line and its commit.
  CVAULT_RETURN_IF_ERROR(ledger_->Refresh());
  CVAULT_ASSIGN_OR_RETURN(std::uint64_t applied, LedgerApplied(tx));
  if (applied != ledger_->entries().size()) {
    return Error(Status::Busy(kLedgerAheadMessage));
  }
  CVAULT_ASSIGN_OR_RETURN(auto appended, ledger_->Append(std::move(entry)));
  return appended.seq;
}

Status VaultCore::WithdrawErasure(const std::string& erasure_id, std::uint64_t seq,
                                  Status cause) {
  LedgerEntry withdrawal;
  withdrawal.kind = LedgerEntry::Kind::kErasureWithdrawn;
  withdrawal.id = erasure_id;
  withdrawal.at_us = NowMicros();
  auto appended = ledger_->Append(std::move(withdrawal));
  if (!appended) {
    logger_->error("erasure {}: failed, and its ledger line could not be withdrawn: {}",
                           erasure_id, appended.error().ToString());
    return Status::Unavailable(fmt::format(
        "erasure: failed after its ledger line was written ({}), and the line could not be "
        "withdrawn; the erasure will be finished when the vault is next opened or "
        "erases again",
        cause.message()));
  }
  auto tx = backend_->vault_store().Begin(/*write=*/false);
  if (!tx) return cause;
  auto now_applied = LedgerApplied(**tx);
  if (now_applied && *now_applied >= seq) {
    return Status::Unavailable(
        "erasure: this call failed to commit, but another process finished the erasure "
        "from the ledger meanwhile; the customer is erased");
  }
  return cause;
}

StatusOr<std::uint64_t> VaultCore::ReplayLedger() {
  if (!ledger_) {
    CVAULT_ASSIGN_OR_RETURN(auto ledger,
                            ErasureLedger::Open(backend_->ledger_log(),
                                                keyring_->erasure_ledger_key()));
    ledger_.emplace(std::move(ledger));
  } else {
    CVAULT_RETURN_IF_ERROR(ledger_->Refresh());
  }
  std::uint64_t applied = 0;
  {
    CVAULT_ASSIGN_OR_RETURN(auto tx, backend_->vault_store().Begin(/*write=*/false));
    CVAULT_ASSIGN_OR_RETURN(applied, LedgerApplied(*tx));
  }
  const auto& entries = ledger_->entries();
  if (applied > entries.size()) {
    return Error(Status::Integrity(fmt::format(
        "the erasure ledger holds {} entries but the vault has applied {}: the ledger "
        "was truncated or replaced; restore it from its own copy",
        entries.size(), applied)));
  }
  if (applied == entries.size()) return std::uint64_t{0};
  const std::size_t first = applied;
  const std::size_t end = entries.size();

  // Pseudonyms of the erasures still to apply, then one pass over the
  // customers to find whom they name.
  // Withdrawn erasures (failed and reported so) are skipped: only the
  // position moves past them.
  std::set<std::string> withdrawn;
  for (std::size_t i = first; i < end; ++i) {
    if (entries[i].kind == LedgerEntry::Kind::kErasureWithdrawn) {
      withdrawn.insert(entries[i].id);
    }
  }
  std::map<std::string, const LedgerEntry*> pending;
  for (std::size_t i = first; i < end; ++i) {
    if (entries[i].kind == LedgerEntry::Kind::kErasure &&
        !withdrawn.contains(entries[i].id)) {
      pending[entries[i].subject] = &entries[i];
    }
  }
  std::map<std::uint64_t, CustomerId> found;  // ledger seq -> customer
  std::optional<std::string> after;
  while (!pending.empty()) {
    CVAULT_ASSIGN_OR_RETURN(auto tx, backend_->vault_store().Begin(/*write=*/false));
    CVAULT_ASSIGN_OR_RETURN(
        auto ids,
        tx->ListCustomerIds(
            after ? std::optional<std::string_view>(*after) : std::nullopt, 1000));
    if (ids.empty()) break;
    after = ids.back();
    for (const std::string& id : ids) {
      auto it = pending.find(ledger_->SubjectOf(id));
      if (it == pending.end()) continue;
      CVAULT_ASSIGN_OR_RETURN(auto parsed, CustomerId::Parse(id));
      found.emplace(it->second->seq, std::move(parsed));
    }
  }

  std::uint64_t erased = 0;
  const AccessContext ctx = SystemContext();
  for (std::size_t i = first; i < end; ++i) {
    const LedgerEntry& entry = entries[i];
    CVAULT_ASSIGN_OR_RETURN(auto tx, BeginWrite());
    // Another process may have applied it meanwhile (it was still
    // committing when this one read the position).
    CVAULT_ASSIGN_OR_RETURN(std::uint64_t now_applied, LedgerApplied(*tx));
    if (now_applied >= entry.seq) continue;
    if (now_applied + 1 != entry.seq) {
      return Error(
          Status::Integrity("the vault's erasure ledger position moved backwards"));
    }
    auto who = found.find(entry.seq);
    if (entry.kind == LedgerEntry::Kind::kErasure && who != found.end()) {
      CVAULT_ASSIGN_OR_RETURN(auto row, tx->GetCustomer(who->second.str()));
      if (row) {
        AuditedCall call = StartCheckedCall(
            ctx, {"dsr.erase", "", {}, {}, "allow", "erased_ledger_replay"},
            std::move(tx));
        CVAULT_ASSIGN_OR_RETURN(Subject subject, LoadSubject(call, who->second.str()));
        CVAULT_ASSIGN_OR_RETURN(
            auto done, EraseDecided(std::move(call), subject, who->second, &entry));
        (void)done;
        ++erased;
        continue;
      }
      // Gone already: only the position moves.
    }
    if (entry.kind == LedgerEntry::Kind::kHoldPurged) {
      CVAULT_ASSIGN_OR_RETURN(auto hold, tx->GetHold(entry.id));
      if (hold) {
        CVAULT_ASSIGN_OR_RETURN(auto n, PurgeHold(std::move(tx), ctx, *hold, &entry));
        (void)n;
        continue;
      }
      // The hold is not in this database: shred any key a backup brought back.
      CVAULT_RETURN_IF_ERROR(tx->SetMeta(kLedgerAppliedKey, std::to_string(entry.seq)));
      CVAULT_RETURN_IF_ERROR(tx->Commit());
      CVAULT_RETURN_IF_ERROR(ShredKeysOf(entry.id));
      continue;
    }
    // Nobody left to erase (already gone in this database).
    CVAULT_RETURN_IF_ERROR(tx->SetMeta(kLedgerAppliedKey, std::to_string(entry.seq)));
    CVAULT_RETURN_IF_ERROR(tx->Commit());
  }
  replayed_entries_ = end - first;
  replayed_erasures_ = erased;
  logger_->warn("replayed {} erasure ledger entries ({} customers erased again)",
                replayed_entries_, erased);
  return erased;
}

}  // namespace cvault::internal
