// Erasure (GDPR Art. 17), the purge job and the erasure ledger's replay.
//
// An erasure, in order (each step safe to interrupt):
//   1. The refund cases move under a new retention hold: minimised and
//      sealed under a new financial key owned by the hold (key committed to
//      the keystore first, as for any new key).
//   2. The ledger line is appended and synced.
//   3. In one vault transaction: tickets, consent events and the customer
//      row (with its blind indexes) deleted, the held cases and the hold
//      written, the ledger position advanced, the audit entry appended.
//   4. The customer's data keys are deleted from the keystore (the shred),
//      and both write-ahead logs truncated.
// A crash after 2 is finished by the next open (ReplayLedger); one after 3
// leaves keys without a customer row, which orphan removal deletes.
#include <fmt/format.h>

#include "crypto/bytes.h"
#include "crypto/random.h"
#include "domain/case_documents.h"
#include "domain/consent_receipt.h"
#include "domain/customer_codec.h"
#include "domain/retention.h"
#include "keys/data_keys.h"
#include "vault/vault_core.h"

namespace cvault::internal {
namespace {

namespace action = policy::action;

constexpr char kLedgerAppliedKey[] = "erasure_ledger.applied";
constexpr int kFinancial = static_cast<int>(keys::RetentionClass::kFinancial);
constexpr std::uint32_t kHoldKeyId = 2;  // as the customer's financial key

std::string NewErasureId() { return "era_" + crypto::ToHex(crypto::RandomBytes(16)); }

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
                                                const CustomerId& id) {
  std::lock_guard lock(mu_);
  CVAULT_ASSIGN_OR_RETURN(AccessContext ctx, CheckContext(in, action::kDsrErase));
  audit::AuditEvent event{"dsr.erase", "", {}, {}, "allow", "erased"};
  CVAULT_ASSIGN_OR_RETURN(
      Decided d,
      BeginForSubject(ctx, id, {action::kDsrErase, policy::FieldUse::kWrite, {}, std::nullopt},
                      event, /*ignore_restriction=*/true));
  return EraseDecided(std::move(d), id, ctx, event, /*replay=*/nullptr);
}

StatusOr<ErasureResult> VaultCore::EraseDecided(Decided d, const CustomerId& id,
                                                const AccessContext& ctx,
                                                audit::AuditEvent event,
                                                const LedgerEntry* replay) {
  store::VaultTransaction& tx = *d.tx;
  const store::CustomerRow& row = *d.subject.row;
  const crypto::FieldCipher& cipher = d.subject.keys->cipher;
  const std::int64_t now = NowMicros();
  auto fail = [&](Status status) {
    d.tx.reset();
    return Fail(ctx, event, "erasure_failed", std::move(status));
  };

  ErasureResult result;
  result.erasure_id = replay ? replay->id : NewErasureId();
  result.customer = id;
  result.erased_at = At(replay ? replay->at_us : now);

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

  auto tickets = tx.ListCases(id.str(), domain::kTicketKind);
  if (!tickets) return Error(fail(tickets.error()));
  auto refunds = tx.ListCases(id.str(), domain::kRefundKind);
  if (!refunds) return Error(fail(refunds.error()));
  auto consents = tx.ListConsentEvents(id.str());
  if (!consents) return Error(fail(consents.error()));

  // 1. Refund cases move under a retention hold.
  GroupErasure financial{std::string(FieldGroupName(FieldGroup::kFinancial)),
                         ErasureOutcome::kNoneHeld, 0, "", std::nullopt, ""};
  std::optional<store::HoldRow> hold;
  if (!refunds->empty()) {
    domain::RetentionRule rule = domain::FinancialRetentionFor(options_.retention, country);
    hold.emplace();
    hold->hold_id = domain::NewHoldId();
    hold->erasure_id = result.erasure_id;
    hold->jurisdiction = rule.jurisdiction;
    hold->legal_reason = options_.retention.financial_legal_reason;
    hold->created_at_us = now;
    hold->until_us = replay && replay->hold_until_us
                         ? *replay->hold_until_us
                         : domain::AddYears(now, rule.years);
    auto old_cipher = FinancialCipherFor(id.str());
    if (!old_cipher) return Error(fail(old_cipher.error()));
    SecretBytes hold_key = keys::NewDataKey();
    auto key_row = keys::WrapDataKey(*keyring_, hold->hold_id,
                                     keys::RetentionClass::kFinancial, hold_key, now);
    if (!key_row) return Error(fail(key_row.error()));
    auto hold_cipher = crypto::FieldCipher::Create(kHoldKeyId, std::move(hold_key));
    if (!hold_cipher) return Error(fail(hold_cipher.error()));
    {
      auto ktx = key_store_->Begin(/*write=*/true);
      if (!ktx) return Error(fail(ktx.error()));
      Status s = (*ktx)->InsertDataKey(*key_row);
      if (s.ok()) s = (*ktx)->Commit();
      if (!s.ok()) return Error(fail(s));
    }
    for (const store::CaseRow& case_row : *refunds) {
      auto refund = domain::OpenRefundCase(**old_cipher, case_row);
      if (!refund) return Error(fail(refund.error()));
      store::CaseRow kept = case_row;
      kept.customer_id = hold->hold_id;
      kept.retention_class = kFinancial;
      kept.update_due_at_us.reset();
      kept.processing_due_at_us.reset();
      auto sealed = domain::SealRefundCase(
          *hold_cipher, kept, domain::MinimiseForHold(*refund, hold->hold_id));
      if (!sealed) return Error(fail(sealed.error()));
      kept.document = std::move(*sealed);
      Status s = tx.ReassignCase(kept);
      if (!s.ok()) return Error(fail(s));
    }
    financial.outcome = ErasureOutcome::kRetained;
    financial.records = refunds->size();
    financial.legal_reason = hold->legal_reason;
    financial.retained_until = At(hold->until_us);
    financial.hold_id = hold->hold_id;
  }

  // 2. The ledger line, synced before the vault commits.
  CVAULT_ASSIGN_OR_RETURN(std::uint64_t applied, LedgerApplied(tx));
  if (replay == nullptr) {
    LedgerEntry entry;
    entry.kind = LedgerEntry::Kind::kErasure;
    entry.id = result.erasure_id;
    entry.subject = ledger_->SubjectOf(id.str());
    entry.at_us = now;
    if (hold) entry.hold_until_us = hold->until_us;
    if (applied != ledger_->entries().size()) {
      return Error(fail(Status::Integrity(
          "the erasure ledger and the vault disagree on how many erasures were applied")));
    }
    auto appended = ledger_->Append(std::move(entry));
    if (!appended) return Error(fail(appended.error()));
    applied = appended->seq;
  } else {
    applied = replay->seq;
  }

  // 3. Everything else, in this transaction.
  auto deleted_tickets = tx.DeleteCases(id.str(), domain::kTicketKind);
  if (!deleted_tickets) return Error(fail(deleted_tickets.error()));
  auto deleted_events = tx.DeleteConsentEvents(id.str());
  if (!deleted_events) return Error(fail(deleted_events.error()));
  auto deleted_customer = tx.DeleteCustomer(id.str());
  if (!deleted_customer) return Error(fail(deleted_customer.error()));
  if (hold) {
    Status s = tx.InsertHold(*hold);
    if (!s.ok()) return Error(fail(s));
  }
  Status s = tx.SetMeta(kLedgerAppliedKey, std::to_string(applied));
  if (!s.ok()) return Error(fail(s));
  event.reason_code = replay ? "erased_ledger_replay" : "erased";
  CVAULT_RETURN_IF_ERROR(CommitWithAudit(tx, ctx, event));
  d.tx.reset();

  // 4. The shred.
  CVAULT_RETURN_IF_ERROR(ShredKeysOf(id.str()));

  auto outcome = [](std::size_t n) {
    return n > 0 ? ErasureOutcome::kErased : ErasureOutcome::kNoneHeld;
  };
  auto group = [&](std::string name, std::size_t n) {
    return GroupErasure{std::move(name), outcome(n), n, "", std::nullopt, ""};
  };
  result.groups.push_back(group(std::string(FieldGroupName(FieldGroup::kIdentity)), identity));
  result.groups.push_back(group(std::string(FieldGroupName(FieldGroup::kContact)), contact));
  // No customer field belongs to the marketing profile; marketing consent
  // is in the consent records.
  result.groups.push_back(
      group(std::string(FieldGroupName(FieldGroup::kMarketingProfile)), 0));
  result.groups.push_back(group(std::string(FieldGroupName(FieldGroup::kSupportEvidence)),
                                *deleted_tickets));
  result.groups.push_back(group("consent_records", *deleted_events));
  result.groups.push_back(std::move(financial));
  options_.logger->info("erasure {} done ({} held records)", result.erasure_id,
                        hold ? refunds->size() : 0);
  return result;
}

Status VaultCore::ShredKeysOf(std::string_view owner) {
  subject_keys_.Evict(owner);
  financial_keys_.Evict(owner);
  {
    CVAULT_ASSIGN_OR_RETURN(auto ktx, key_store_->Begin(/*write=*/true));
    CVAULT_RETURN_IF_ERROR(StatusOf(ktx->DeleteDataKeys(owner)));
    CVAULT_RETURN_IF_ERROR(ktx->Commit());
  }
  // Deleted pages are zeroed in the databases (secure_delete); the WAL
  // still holds their earlier images until it is checkpointed away.
  for (Status t : {key_store_->TruncateLog(), vault_store_->TruncateLog()}) {
    if (!t.ok()) {
      options_.logger->warn("could not truncate a write-ahead log after a shred: {}",
                            t.ToString());
    }
  }
  return Status::Ok();
}

StatusOr<PurgeResult> VaultCore::Purge(const AccessContext& in) {
  PurgeResult result;
  AccessContext ctx;
  {
    std::lock_guard lock(mu_);
    CVAULT_ASSIGN_OR_RETURN(ctx, CheckContext(in, action::kDsrPurge));
    audit::AuditEvent event{"dsr.purge", "", {}, {}, "allow", "ok"};
    policy::Decision decision =
        decider_.Decide(ctx, {action::kDsrPurge, policy::FieldUse::kWrite, {}, std::nullopt});
    if (!decision.allowed()) return Error(Deny(ctx, event, decision));
    CVAULT_ASSIGN_OR_RETURN(auto tx, vault_store_->Begin(/*write=*/true));
    CVAULT_RETURN_IF_ERROR(CommitWithAudit(*tx, ctx, event));
  }
  // Holds past their end, one at a time.
  while (true) {
    std::lock_guard lock(mu_);
    CVAULT_RETURN_IF_ERROR(RequireOpen());
    CVAULT_ASSIGN_OR_RETURN(auto tx, vault_store_->Begin(/*write=*/true));
    CVAULT_ASSIGN_OR_RETURN(auto due, tx->ListHoldsDueBy(NowMicros()));
    if (due.empty()) break;
    CVAULT_ASSIGN_OR_RETURN(std::size_t shredded, PurgeHold(*tx, ctx, due.front(), nullptr));
    result.holds_expired += 1;
    result.records_shredded += shredded;
  }
  // Consents past their end without an "expired" event.
  std::lock_guard lock(mu_);
  CVAULT_ASSIGN_OR_RETURN(auto tx, vault_store_->Begin(/*write=*/true));
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
    CVAULT_ASSIGN_OR_RETURN(tx, vault_store_->Begin(/*write=*/true));
  }
  return result;
}

StatusOr<std::size_t> VaultCore::PurgeHold(store::VaultTransaction& tx,
                                           const AccessContext& ctx,
                                           const store::HoldRow& hold,
                                           const LedgerEntry* replay) {
  CVAULT_ASSIGN_OR_RETURN(std::uint64_t applied, LedgerApplied(tx));
  if (replay == nullptr) {
    if (applied != ledger_->entries().size()) {
      return Error(Status::Integrity(
          "the erasure ledger and the vault disagree on how many erasures were applied"));
    }
    LedgerEntry entry;
    entry.kind = LedgerEntry::Kind::kHoldPurged;
    entry.id = hold.hold_id;
    entry.at_us = NowMicros();
    CVAULT_ASSIGN_OR_RETURN(auto appended, ledger_->Append(std::move(entry)));
    applied = appended.seq;
  } else {
    applied = replay->seq;
  }
  CVAULT_ASSIGN_OR_RETURN(std::size_t cases, tx.DeleteCases(hold.hold_id, domain::kRefundKind));
  CVAULT_RETURN_IF_ERROR(StatusOf(tx.DeleteHold(hold.hold_id)));
  CVAULT_RETURN_IF_ERROR(tx.SetMeta(kLedgerAppliedKey, std::to_string(applied)));
  audit::AuditEvent event{"dsr.purge_hold", hold.hold_id, {}, {}, "allow",
                          replay ? "hold_expired_ledger_replay" : "hold_expired"};
  CVAULT_RETURN_IF_ERROR(CommitWithAudit(tx, ctx, event));
  CVAULT_RETURN_IF_ERROR(ShredKeysOf(hold.hold_id));
  return cases;
}

StatusOr<std::uint64_t> VaultCore::ReplayLedger() {
  CVAULT_ASSIGN_OR_RETURN(auto ledger,
                          ErasureLedger::Open(options_.vault_dir / kErasureLedgerFile,
                                              keyring_->erasure_ledger_key()));
  ledger_.emplace(std::move(ledger));
  std::uint64_t applied = 0;
  {
    CVAULT_ASSIGN_OR_RETURN(auto tx, vault_store_->Begin(/*write=*/false));
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

  // Pseudonyms of the erasures still to apply, then one pass over the
  // customers to find whom they name.
  std::map<std::string, const LedgerEntry*> pending;
  for (std::size_t i = applied; i < entries.size(); ++i) {
    if (entries[i].kind == LedgerEntry::Kind::kErasure) pending[entries[i].subject] = &entries[i];
  }
  std::map<std::uint64_t, CustomerId> found;  // ledger seq -> customer
  std::optional<std::string> after;
  while (!pending.empty()) {
    CVAULT_ASSIGN_OR_RETURN(auto tx, vault_store_->Begin(/*write=*/false));
    CVAULT_ASSIGN_OR_RETURN(
        auto ids, tx->ListCustomerIds(after ? std::optional<std::string_view>(*after)
                                            : std::nullopt,
                                      1000));
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
  for (std::size_t i = applied; i < entries.size(); ++i) {
    const LedgerEntry& entry = entries[i];
    CVAULT_ASSIGN_OR_RETURN(auto tx, vault_store_->Begin(/*write=*/true));
    auto who = found.find(entry.seq);
    if (entry.kind == LedgerEntry::Kind::kErasure && who != found.end()) {
      audit::AuditEvent event{"dsr.erase", "", {}, {}, "allow", "erased_ledger_replay"};
      Decided d;
      d.tx = std::move(tx);
      CVAULT_ASSIGN_OR_RETURN(d.subject, LoadSubject(*d.tx, who->second.str(), ctx, event));
      CVAULT_ASSIGN_OR_RETURN(auto done, EraseDecided(std::move(d), who->second, ctx, event, &entry));
      (void)done;
      ++erased;
      continue;
    }
    if (entry.kind == LedgerEntry::Kind::kHoldPurged) {
      CVAULT_ASSIGN_OR_RETURN(auto hold, tx->GetHold(entry.id));
      if (hold) {
        CVAULT_ASSIGN_OR_RETURN(auto n, PurgeHold(*tx, ctx, *hold, &entry));
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
  replayed_entries_ = entries.size() - applied;
  replayed_erasures_ = erased;
  options_.logger->warn("replayed {} erasure ledger entries ({} customers erased again)",
                        replayed_entries_, erased);
  return erased;
}

}  // namespace cvault::internal
