// The operator's key duties (Vault::operations()): KEK rotation, keyring
// resealing, database rekeying and blind-index rotation, plus the parts of
// opening a vault they leave state for (pending database keys, the blind-
// index versions). Long jobs take the vault's lock one batch at a time, so
// other calls keep running between batches. docs/key-management.md has the
// runbook.
#include <fmt/format.h>

#include <limits>

#include "domain/customer_codec.h"
#include "keys/data_keys.h"
#include "vault/vault_core.h"

namespace cvault::internal {
namespace {

namespace action = policy::action;

// One key duty (KEK rotation, index rotation, reseal, rekey) at a time in
// the whole vault, across processes.
constexpr std::string_view kKeyDutyLease = "key_duty";
constexpr char kIndexVersionKey[] = "blind_index.version";
constexpr char kIndexNextKey[] = "blind_index.next";

StatusOr<std::uint32_t> ParseVersion(const std::optional<std::string>& text) {
  if (!text || text->empty()) return std::uint32_t{0};
  try {
    unsigned long v = std::stoul(*text);
    if (v == 0 || v > 0xffffffffUL) throw std::out_of_range("version");
    return static_cast<std::uint32_t>(v);
  } catch (const std::exception&) {
    return Error(Status::Integrity("the vault's blind-index version setting is damaged"));
  }
}

}  // namespace

Status VaultCore::DecideOperation(AuditedCall& call, std::string_view act) {
  policy::Decision decision =
      decider_.Decide(call.ctx(), {act, policy::FieldUse::kWrite, {}, std::nullopt});
  if (!decision.allowed()) return std::move(call).Deny(decision);
  return Status::Ok();
}

Status VaultCore::BeginKeyDuty(AuditedCall& call) {
  CVAULT_ASSIGN_OR_RETURN(store::VaultTransaction * tx, call.Transaction());
  Status leased = TakeLease(*tx, kKeyDutyLease);
  if (!leased.ok()) return std::move(call).Fail("job_running", leased);
  // A duty saves the keyring under this process's root key: after a reseal
  // elsewhere that would undo it.
  Status sealed = CheckNotResealed();
  if (!sealed.ok()) return std::move(call).Fail("keyring_resealed", sealed);
  return Status::Ok();
}

// --- KEK rotation ---------------------------------------------------------

StatusOr<KekRotationResult> VaultCore::RotateKek(const AccessContext& in,
                                                 const ProgressFn& progress,
                                                 std::size_t batch) {
  if (batch == 0) return Error(Status::InvalidArgument("batch: must be at least 1"));
  KekRotationResult result;
  AccessContext ctx;
  std::uint64_t total = 0;
  std::optional<LeaseRelease> release;
  {
    std::lock_guard lock(mu_);
    CVAULT_ASSIGN_OR_RETURN(
        AuditedCall call, StartCall(in, action::kKeysManage,
                                    {"keys.rotate_kek", "", {}, {}, "allow", "started"}));
    ctx = call.ctx();
    CVAULT_RETURN_IF_ERROR(DecideOperation(call, action::kKeysManage));
    CVAULT_RETURN_IF_ERROR(BeginKeyDuty(call));
    release.emplace(*this, kKeyDutyLease);
    std::map<std::uint32_t, std::uint64_t> counts;
    {
      CVAULT_ASSIGN_OR_RETURN(auto ktx, backend_->key_store().Begin(/*write=*/false));
      CVAULT_ASSIGN_OR_RETURN(counts, ktx->CountDataKeysByKek());
    }
    const std::uint32_t primary = keyring_->primary_kek_version();
    for (const auto& [version, n] : counts) {
      if (version != primary) total += n;
    }
    // An earlier run (in any process) that added a KEK and stopped leaves
    // keys under an old KEK or an old KEK in the keyring: finish that
    // rotation, do not start another.
    result.resumed = total > 0 || keyring_->kek_versions().size() > 1;
    if (!result.resumed) {
      const std::uint32_t previous = keyring_->primary_kek_version();
      const std::uint32_t added = keyring_->AddKek();
      // From this save on, every process wraps new keys under the new KEK.
      Status saved = SaveKeyring(call.tx());
      if (!saved.ok()) {
        // Back to the keyring on disk: nothing was wrapped under the new KEK.
        CVAULT_RETURN_IF_ERROR(keyring_->UndoAddKek(added, previous));
        return Error(std::move(call).Fail("keyring_save_failed", saved));
      }
      for (const auto& [version, n] : counts) total += n;
    }
    result.primary_version = keyring_->primary_kek_version();
    call.event().reason_code = result.resumed ? "resumed" : "started";
    CVAULT_RETURN_IF_ERROR(std::move(call).Commit());
  }
  if (progress) progress({"rewrap", 0, total});

  // One pass in key order from a cursor, then one more from the start for
  // keys another writer added behind the cursor under the old KEK before
  // it saw the new one.
  std::optional<store::KeyTransaction::DataKeyCursor> cursor;
  bool second_pass = false;
  auto rewrap_batch = [&]() -> StatusOr<std::size_t> {
    CVAULT_RETURN_IF_ERROR(RenewLease(kKeyDutyLease));
    CVAULT_ASSIGN_OR_RETURN(auto ktx, BeginKeyWrite());
    CVAULT_ASSIGN_OR_RETURN(
        auto rows, ktx->ListDataKeysNotAtKek(result.primary_version, cursor, batch));
    if (!rows.empty()) cursor = {rows.back().customer_id, rows.back().retention_class};
    for (const store::DataKeyRow& row : rows) {
      CVAULT_ASSIGN_OR_RETURN(auto dek, UnwrapKey(row));
      CVAULT_ASSIGN_OR_RETURN(
          auto rewrapped,
          keys::WrapDataKey(*keyring_, row.customer_id,
                            static_cast<keys::RetentionClass>(row.retention_class), dek,
                            row.created_at_us));
      CVAULT_RETURN_IF_ERROR(ktx->UpdateDataKey(rewrapped));
    }
    CVAULT_RETURN_IF_ERROR(ktx->Commit());
    return rows.size();
  };
  while (true) {
    std::size_t done_now = 0;
    {
      std::lock_guard lock(mu_);
      CVAULT_RETURN_IF_ERROR(RequireOpen());
      auto done = rewrap_batch();
      if (!done) {
        // The batches are housekeeping; a failed one is the duty's refusal.
        return Error(
            StartCheckedCall(ctx, {"keys.rotate_kek", "", {}, {}, "deny", ""})
                .Fail(done.error().retryable() ? "job_running" : "rotation_failed",
                      done.error()));
      }
      done_now = *done;
    }
    if (done_now == 0) {
      if (second_pass || !cursor) break;
      second_pass = true;
      cursor.reset();
      continue;
    }
    result.rewrapped += done_now;
    if (progress)
      progress({"rewrap", std::min<std::uint64_t>(result.rewrapped, total), total});
  }

  std::lock_guard lock(mu_);
  CVAULT_RETURN_IF_ERROR(RequireOpen());
  AuditedCall call =
      StartCheckedCall(ctx, {"keys.rotate_kek", "", {}, {}, "allow", "completed"});
  CVAULT_ASSIGN_OR_RETURN(store::VaultTransaction * tx, call.Transaction());
  {
    // No key can be wrapped under an old KEK any more: every keystore write
    // since the first save read its generation and wraps under the new one.
    std::map<std::uint32_t, std::uint64_t> counts;
    CVAULT_ASSIGN_OR_RETURN(auto ktx, backend_->key_store().Begin(/*write=*/false));
    CVAULT_ASSIGN_OR_RETURN(counts, ktx->CountDataKeysByKek());
    for (std::uint32_t version : keyring_->kek_versions()) {
      if (version == result.primary_version) continue;
      auto used = counts.find(version);
      if (used != counts.end() && used->second > 0) continue;  // a writer raced us
      CVAULT_RETURN_IF_ERROR(keyring_->RetireKek(version));
      result.retired.push_back(version);
    }
    ktx.reset();
  }
  if (!result.retired.empty()) {
    Status saved = SaveKeyring(*tx);
    if (!saved.ok()) return Error(std::move(call).Fail("keyring_save_failed", saved));
  }
  CVAULT_RETURN_IF_ERROR(std::move(call).Commit());
  options_.logger->info("KEK rotation: {} data keys rewrapped, primary KEK v{}",
                        result.rewrapped, result.primary_version);
  return result;
}

// --- Reseal ---------------------------------------------------------------

Status VaultCore::ResealKeyring(const AccessContext& in, const RootKeySource& new_root,
                                PassphraseCost cost) {
  std::lock_guard lock(mu_);
  CVAULT_ASSIGN_OR_RETURN(AuditedCall call,
                          StartCall(in, action::kKeysManage,
                                    {"keys.reseal", "", {}, {}, "allow", "resealed"}));
  CVAULT_RETURN_IF_ERROR(DecideOperation(call, action::kKeysManage));
  if (!backend_->EncryptsDatabases()) {
    return std::move(call).Fail(
        "not_supported",
        store::NotSupported(backend_->name(), "re-encrypting the databases"));
  }
  CVAULT_RETURN_IF_ERROR(BeginKeyDuty(call));
  CVAULT_RETURN_IF_ERROR(call.CommitStep());  // the lease, before the file changes
  // The keys do not change, so the keyring generation stays: other
  // processes keep working with the keyring they hold. They need the new
  // root key when they next reread the file, and refuse key duties (which
  // would save it under their old root) until they reopen.
  Status sealed = ResealUnderKeystoreLock(new_root, cost);
  ReleaseLease(kKeyDutyLease);
  if (!sealed.ok()) return std::move(call).Fail("reseal_failed", sealed);
  return std::move(call).Commit();
}

// --- Database rekey -------------------------------------------------------

Status VaultCore::RekeyDatabases(const AccessContext& in) {
  std::lock_guard lock(mu_);
  CVAULT_ASSIGN_OR_RETURN(AuditedCall call,
                          StartCall(in, action::kKeysManage,
                                    {"keys.rekey_db", "", {}, {}, "allow", "rekeyed"}));
  CVAULT_RETURN_IF_ERROR(DecideOperation(call, action::kKeysManage));
  CVAULT_RETURN_IF_ERROR(BeginKeyDuty(call));
  CVAULT_RETURN_IF_ERROR(call.CommitStep());  // the lease, before the files change
  // Every other process's connections would stop reading the files: the
  // rekey needs the vault to itself.
  Status alone = holders_->AcquireExclusive();
  if (!alone.ok()) {
    ReleaseLease(kKeyDutyLease);
    return std::move(call).Fail("vault_in_use", alone);
  }
  Status s = [&]() -> Status {
    // The pending keys reach the disk before either database changes.
    keyring_->BeginDbRekey();
    Status saved =
        keyring_->Save(options_.keys_dir, options_.root_key, options_.passphrase_cost);
    if (!saved.ok()) {
      keyring_->CancelDbRekey();  // nothing was rekeyed under them
      return saved.WithContext("saving the keyring")
          .WithReasonCode("keyring_save_failed");
    }
    Status rekeyed = FinishDbRekey(/*vault_done=*/false, /*keystore_done=*/false);
    return rekeyed.WithReasonCode("rekey_failed");
  }();
  holders_->ReleaseExclusive();
  ReleaseLease(kKeyDutyLease);
  if (!s.ok()) return std::move(call).Fail(s.reason_code(), s);
  return std::move(call).Commit();
}

Status VaultCore::FinishDbRekey(bool vault_done, bool keystore_done) {
  if (!keystore_done) {
    CVAULT_RETURN_IF_ERROR(backend_->RekeyDatabase(store::Database::kKeyStore,
                                                   *keyring_->pending_keystore_db_key()));
  }
  if (!vault_done) {
    CVAULT_RETURN_IF_ERROR(backend_->RekeyDatabase(store::Database::kVault,
                                                   *keyring_->pending_vault_db_key()));
  }
  CVAULT_RETURN_IF_ERROR(keyring_->FinishDbRekey());
  CVAULT_ASSIGN_OR_RETURN(auto tx, backend_->vault_store().Begin(/*write=*/true));
  CVAULT_RETURN_IF_ERROR(SaveKeyring(*tx));
  return tx->Commit();
}

// --- Blind-index rotation -------------------------------------------------

Status VaultCore::LoadIndexers(store::VaultTransaction& tx) {
  CVAULT_ASSIGN_OR_RETURN(auto current_text, tx.GetMeta(kIndexVersionKey));
  CVAULT_ASSIGN_OR_RETURN(auto next_text, tx.GetMeta(kIndexNextKey));
  CVAULT_ASSIGN_OR_RETURN(std::uint32_t current, ParseVersion(current_text));
  CVAULT_ASSIGN_OR_RETURN(std::uint32_t next, ParseVersion(next_text));
  if (current == 0) current = keyring_->blind_index_version();
  auto indexer_for = [&](std::uint32_t v) -> StatusOr<crypto::BlindIndexer> {
    const SecretBytes* root = keyring_->blind_index_root(v);
    if (root == nullptr) {
      return Error(Status::KeyFailure(fmt::format(
          "the keyring has no blind-index key version {}, which the vault uses; open it "
          "with the keyring that rotated the index",
          v)));
    }
    return crypto::BlindIndexer::Create(*root);
  };
  CVAULT_ASSIGN_OR_RETURN(auto indexer, indexer_for(current));
  indexer_.emplace(std::move(indexer));
  index_version_ = current;
  next_indexer_.reset();
  if (next != 0) {
    CVAULT_ASSIGN_OR_RETURN(auto upcoming, indexer_for(next));
    next_indexer_.emplace(std::move(upcoming));
  }
  return Status::Ok();
}

StatusOr<IndexRotationResult> VaultCore::RotateBlindIndex(const AccessContext& in,
                                                          const ProgressFn& progress,
                                                          std::size_t batch) {
  if (batch == 0) return Error(Status::InvalidArgument("batch: must be at least 1"));
  IndexRotationResult result;
  AccessContext ctx;
  std::uint32_t next = 0;
  std::uint64_t total = 0;
  std::optional<LeaseRelease> release;
  {
    std::lock_guard lock(mu_);
    CVAULT_ASSIGN_OR_RETURN(
        AuditedCall call,
        StartCall(in, action::kKeysManage,
                  {"keys.rotate_index", "", {}, {}, "allow", "started"}));
    ctx = call.ctx();
    CVAULT_RETURN_IF_ERROR(DecideOperation(call, action::kKeysManage));
    CVAULT_RETURN_IF_ERROR(BeginKeyDuty(call));
    release.emplace(*this, kKeyDutyLease);
    store::VaultTransaction* tx = &call.tx();
    CVAULT_ASSIGN_OR_RETURN(auto next_text, tx->GetMeta(kIndexNextKey));
    CVAULT_ASSIGN_OR_RETURN(next, ParseVersion(next_text));
    result.resumed = next != 0;
    if (!result.resumed) {
      // The new key reaches the keyring file before any index uses it.
      next = keyring_->AddBlindIndexRoot();
      Status saved = SaveKeyring(*tx);
      if (!saved.ok()) {
        (void)keyring_->RetireBlindIndexRoot(next);
        return Error(std::move(call).Fail("keyring_save_failed", saved));
      }
      CVAULT_RETURN_IF_ERROR(tx->SetMeta(kIndexNextKey, std::to_string(next)));
      CVAULT_ASSIGN_OR_RETURN(
          auto upcoming, crypto::BlindIndexer::Create(*keyring_->blind_index_root(next)));
      next_indexer_.emplace(std::move(upcoming));
    }
    // The remaining work (all customers for a new rotation).
    CVAULT_ASSIGN_OR_RETURN(auto missing,
                            tx->ListCustomersMissingNextIndex(
                                std::nullopt, std::numeric_limits<std::size_t>::max()));
    total = missing.size();
    call.event().reason_code = result.resumed ? "resumed" : "started";
    // From this commit on, every write in every process maintains both
    // indexes (the save above moved the generation it reads).
    CVAULT_RETURN_IF_ERROR(std::move(call).Commit());
  }
  if (progress) progress({"reindex", 0, total});

  std::optional<std::string> after;
  auto reindex_batch = [&]() -> StatusOr<std::size_t> {
    CVAULT_RETURN_IF_ERROR(RenewLease(kKeyDutyLease));
    CVAULT_ASSIGN_OR_RETURN(auto tx, BeginWrite());
    if (!next_indexer_) {
      return Error(
          Status::Busy("the blind-index rotation was finished or abandoned elsewhere"));
    }
    // A customer erased since the last batch ends the listing after it;
    // starting over is safe, as finished customers drop out.
    std::vector<std::string> ids;
    auto listed = tx->ListCustomersMissingNextIndex(
        after ? std::optional<std::string_view>(*after) : std::nullopt, batch);
    if (listed) {
      ids = std::move(*listed);
    } else if (listed.error().code() == StatusCode::kNotFound) {
      CVAULT_ASSIGN_OR_RETURN(ids,
                              tx->ListCustomersMissingNextIndex(std::nullopt, batch));
    } else {
      return Error(listed.error());
    }
    for (const std::string& id : ids) {
      CVAULT_ASSIGN_OR_RETURN(auto row, tx->GetCustomer(id));
      if (!row) continue;
      CVAULT_ASSIGN_OR_RETURN(const SubjectKeys* keys, KeysFor(id));
      CVAULT_ASSIGN_OR_RETURN(auto indexes,
                              domain::ComputeIndexes(keys->cipher, *next_indexer_, *row));
      CVAULT_RETURN_IF_ERROR(tx->SetNextIndexes(id, indexes.email, indexes.phone));
    }
    CVAULT_RETURN_IF_ERROR(tx->Commit());
    if (!ids.empty()) after = ids.back();
    return ids.size();
  };
  while (true) {
    std::size_t done_now = 0;
    {
      std::lock_guard lock(mu_);
      CVAULT_RETURN_IF_ERROR(RequireOpen());
      auto done = reindex_batch();
      if (!done) {
        // The batches are housekeeping; a failed one is the duty's refusal.
        return Error(
            StartCheckedCall(ctx, {"keys.rotate_index", "", {}, {}, "deny", ""})
                .Fail(done.error().retryable() ? "job_running" : "rotation_failed",
                      done.error()));
      }
      done_now = *done;
    }
    if (done_now == 0) break;
    result.rebuilt += done_now;
    if (progress)
      progress({"reindex", std::min<std::uint64_t>(result.rebuilt, total), total});
  }

  std::lock_guard lock(mu_);
  CVAULT_RETURN_IF_ERROR(RequireOpen());
  {
    AuditedCall call =
        StartCheckedCall(ctx, {"keys.rotate_index", "", {}, {}, "allow", "completed"});
    CVAULT_ASSIGN_OR_RETURN(store::VaultTransaction * tx, call.Transaction());
    // Anything written between the last batch and this transaction was
    // dual-written.
    CVAULT_ASSIGN_OR_RETURN(auto left,
                            tx->ListCustomersMissingNextIndex(std::nullopt, 1));
    if (!left.empty()) {
      return Error(Status::Internal("customers were left without a next index (a bug)"));
    }
    CVAULT_RETURN_IF_ERROR(StatusOf(tx->PromoteNextIndexes()));
    CVAULT_RETURN_IF_ERROR(tx->SetMeta(kIndexVersionKey, std::to_string(next)));
    CVAULT_RETURN_IF_ERROR(tx->SetMeta(kIndexNextKey, ""));
    // Every process switches indexers with this commit.
    CVAULT_RETURN_IF_ERROR(BumpVaultGeneration(*tx));
    CVAULT_RETURN_IF_ERROR(std::move(call).Commit());
  }
  indexer_ = std::move(next_indexer_);
  next_indexer_.reset();
  // The database now names the version, so the keyring can forget the old.
  CVAULT_RETURN_IF_ERROR(keyring_->SetBlindIndexVersion(next));
  for (std::uint32_t version : keyring_->blind_index_versions()) {
    if (version == next) continue;
    CVAULT_RETURN_IF_ERROR(keyring_->RetireBlindIndexRoot(version));
    result.retired.push_back(version);
  }
  CVAULT_ASSIGN_OR_RETURN(auto save_tx, BeginWrite());
  CVAULT_RETURN_IF_ERROR(SaveKeyring(*save_tx));
  CVAULT_RETURN_IF_ERROR(save_tx->Commit());
  index_version_ = next;
  result.index_version = next;
  return result;
}

}  // namespace cvault::internal
