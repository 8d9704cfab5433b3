// The operator's key duties (Vault::operations()) on keys: KEK rotation,
// keyring resealing and database rekeying, plus finishing a rekey an
// interrupted process left (opening calls it). Blind-index rotation is in
// blind_index_ops.cc. Long jobs take the vault's lock one batch at a time,
// so other calls keep running between batches; each locked step that
// records an entry is an audited call of its own. docs/key-management.md
// has the runbook.
#include "keys/data_keys.h"
#include "vault/vault_core.h"

namespace cvault::internal {
namespace {

namespace action = policy::action;

}  // namespace

Status VaultCore::BeginKeyDuty(AuditedCall& call) {
  CVAULT_ASSIGN_OR_RETURN(auto* tx, call.Transaction());
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
    if (progress) {
      progress({"rewrap", std::min<std::uint64_t>(result.rewrapped, total), total});
    }
  }

  std::lock_guard lock(mu_);
  CVAULT_RETURN_IF_ERROR(RequireOpen());
  AuditedCall call =
      StartCheckedCall(ctx, {"keys.rotate_kek", "", {}, {}, "allow", "completed"});
  CVAULT_ASSIGN_OR_RETURN(auto* tx, call.Transaction());
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
  logger_->info("KEK rotation: {} data keys rewrapped, primary KEK v{}", result.rewrapped,
                result.primary_version);
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
  // Checked before the keyring records pending keys no database would take.
  if (!backend_->EncryptsDatabases()) {
    return std::move(call).Fail(
        "not_supported",
        store::NotSupported(backend_->name(), "re-encrypting the databases"));
  }
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

}  // namespace cvault::internal
