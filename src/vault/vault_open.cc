// Opening and closing a vault: creating its files, opening the stores under
// the keyring's database keys, checking that keyring and vault belong
// together, finishing what an interrupted process left (the erasure
// ledger) and the closing checkpoint.
#include <system_error>
#include <variant>

#include "crypto/bytes.h"
#include "crypto/signer.h"
#include "domain/case_documents.h"
#include "keys/data_keys.h"
#include "policy/policy_file.h"
#include "vault/vault_core.h"

namespace cvault::internal {
namespace {

// How long opening waits for a restore or rekey in another process.
constexpr auto kJoinWait = std::chrono::milliseconds(5000);

// Creates `dir` (and its parents) with mode 0700.
Status MakePrivateFolder(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (!ec) {
    std::filesystem::permissions(dir, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::replace, ec);
  }
  if (ec) {
    return Status::Unavailable("cannot create the vault folder " + dir.string() + ": " +
                               ec.message());
  }
  return Status::Ok();
}

}  // namespace

StatusOr<std::unique_ptr<VaultCore>> VaultCore::Create(Options options) {
  std::unique_ptr<VaultCore> core(new VaultCore(std::move(options)));
  const Options& o = core->options_;
  CVAULT_RETURN_IF_ERROR(core->LoadPolicy());
  std::error_code ec;
  if (core->site_->Exists()) {
    return Error(
        Status::AlreadyExists("a vault already exists in " + o.vault_dir.string()));
  }
  if (!std::filesystem::exists(o.vault_dir, ec)) {
    CVAULT_RETURN_IF_ERROR(MakePrivateFolder(o.vault_dir));
  }
  CVAULT_ASSIGN_OR_RETURN(
      auto holders, VaultHolders::Join(o.vault_dir, /*exclusive=*/false, kJoinWait));
  core->holders_.emplace(std::move(holders));
  CVAULT_ASSIGN_OR_RETURN(
      auto keyring, keys::Keyring::Create(o.keys_dir, o.root_key, o.passphrase_cost,
                                          o.development_keyring, core->NowMicros()));
  core->keyring_.emplace(std::move(keyring));
  core->keyring_stamp_ = KeyringStamp::Of(o.keys_dir / keys::kKeyringFileName);
  Status made = core->FinishCreate();
  if (!made.ok()) {
    // Everything this call created goes, so `init` can simply be run again.
    core->ledger_.reset();
    core->backend_.reset();
    core->site_->DiscardCreated();
    std::filesystem::remove(o.keys_dir / keys::kKeyringFileName, ec);
    return Error(made);
  }
  core->logger_->info("created vault in {}", o.vault_dir.string());
  return core;
}

Status VaultCore::FinishCreate() {
  CVAULT_RETURN_IF_ERROR(OpenStores(/*create=*/true));
  CVAULT_RETURN_IF_ERROR(CheckVaultIdentity(/*create=*/true));
  CVAULT_RETURN_IF_ERROR(GuardAuditHead());
  std::lock_guard lock(mu_);
  open_ = true;
  CVAULT_RETURN_IF_ERROR(
      StartCheckedCall(SystemContext(), {"vault.create", "", {}, {}, "allow", "ok"})
          .Commit());
  // A ledger left in the folder by another vault fails here (its MACs do
  // not check under this keyring).
  return StatusOf(ReplayLedger());
}

StatusOr<std::unique_ptr<VaultCore>> VaultCore::Open(Options options) {
  // Registering would create the folder: for the embedded backend, whose
  // data lives in it, a missing one is reported here. A server backend's
  // folder is only this host's record of its open vaults; a host opening
  // the shared vault for the first time makes it.
  std::error_code ec;
  if (!std::filesystem::is_directory(options.vault_dir, ec)) {
    if (std::holds_alternative<EmbeddedStore>(options.store)) {
      return Error(Status::NotFound("no vault in " + options.vault_dir.string() +
                                    ": run `cvault init` first"));
    }
    CVAULT_RETURN_IF_ERROR(MakePrivateFolder(options.vault_dir));
  }
  CVAULT_ASSIGN_OR_RETURN(
      auto holders,
      VaultHolders::Join(options.vault_dir, /*exclusive=*/false, kJoinWait));
  return Open(std::move(options), std::move(holders));
}

StatusOr<std::unique_ptr<VaultCore>> VaultCore::Open(Options options,
                                                     VaultHolders holders) {
  std::unique_ptr<VaultCore> core(new VaultCore(std::move(options)));
  core->holders_.emplace(std::move(holders));
  const Options& o = core->options_;
  CVAULT_RETURN_IF_ERROR(core->LoadPolicy());
  core->keyring_stamp_ = KeyringStamp::Of(o.keys_dir / keys::kKeyringFileName);
  CVAULT_ASSIGN_OR_RETURN(auto keyring, keys::Keyring::Open(o.keys_dir, o.root_key));
  core->keyring_.emplace(std::move(keyring));
  if (core->keyring_->development()) {
    core->logger_->warn("this vault uses a DEVELOPMENT keyring: not for production data");
  }
  CVAULT_RETURN_IF_ERROR(core->OpenStores(/*create=*/false));
  CVAULT_RETURN_IF_ERROR(core->CheckVaultIdentity(/*create=*/false));
  CVAULT_RETURN_IF_ERROR(core->GuardAuditHead());
  std::lock_guard lock(core->mu_);
  core->open_ = true;
  CVAULT_RETURN_IF_ERROR(StatusOf(core->ReplayLedger()));
  return core;
}

Status VaultCore::LoadPolicy() {
  const RefundPolicyOptions& r = options_.refund_policy;
  if (r.reasonable_timeframe_days < 1 || r.processing_min_business_days < 1 ||
      r.processing_max_business_days < r.processing_min_business_days ||
      r.max_update_gap_business_days < 1) {
    return Status::InvalidArgument(
        "refund policy options: the timeframe, the update gap and the processing days "
        "must be at least 1, and the processing maximum at least the minimum");
  }
  if (!options_.policy_file) return Status::Ok();
  policy_stamp_ = KeyringStamp::Of(*options_.policy_file);
  CVAULT_ASSIGN_OR_RETURN(auto policy, policy::LoadPolicyFile(*options_.policy_file));
  decider_ = policy::AccessDecider(std::move(policy));
  logger_->info("access policy loaded from {}", options_.policy_file->string());
  return Status::Ok();
}

Status VaultCore::OpenStores(bool create) {
  store::DatabaseKeys keys{&keyring_->vault_db_key(), &keyring_->keystore_db_key(),
                           keyring_->pending_vault_db_key(),
                           keyring_->pending_keystore_db_key()};
  ledger_.reset();  // it reads the log of the backend it was opened on
  CVAULT_ASSIGN_OR_RETURN(backend_, site_->Open(keys, create));
  if (keys.pending_vault != nullptr) {
    // A rekey that stopped part-way: finishing it needs the vault to itself.
    CVAULT_RETURN_IF_ERROR(holders_->AcquireExclusive());
    Status finished =
        FinishDbRekey(backend_->OpenedUnderPendingKey(store::Database::kVault),
                      backend_->OpenedUnderPendingKey(store::Database::kKeyStore));
    holders_->ReleaseExclusive();
    CVAULT_RETURN_IF_ERROR(finished);
  }

  CVAULT_RETURN_IF_ERROR(LoadGenerations());
  CVAULT_ASSIGN_OR_RETURN(auto signer,
                          crypto::Signer::FromSeed(keyring_->audit_signing_seed()));
  audit_.emplace(std::move(signer), options_.checkpoint_every);
  return Status::Ok();
}

Status VaultCore::GuardAuditHead() {
  if (!std::holds_alternative<EmbeddedStore>(options_.store)) return Status::Ok();
  const std::filesystem::path file = options_.vault_dir / kAuditHeadFile;
  CVAULT_ASSIGN_OR_RETURN(auto head, AuditHeadFile::Read(file));
  if (head) {
    CVAULT_ASSIGN_OR_RETURN(auto tx, backend_->vault_store().Begin(/*write=*/false));
    Status checked = AuditHeadFile::CheckAgainst(*head, *tx);
    if (!checked.ok()) {
      if (options_.durability == Durability::kFull) return checked;
      logger_->warn("{} (durability normal: a power loss may take the last transactions)",
                    checked.message());
    }
  }
  Status opened = audit_head_.OpenForWriting(file);
  if (!opened.ok()) logger_->warn("{}", opened.message());
  return Status::Ok();
}

void VaultCore::RecordAuditHead(const audit::AuditWriter::Appended& appended) {
  if (!audit_head_.Record(appended.sequence, appended.entry_hash)) {
    logger_->warn("vault/{}: the last audit entry could not be recorded", kAuditHeadFile);
  }
}

Status VaultCore::CheckVaultIdentity(bool create) {
  std::string id = crypto::ToHex(keyring_->vault_id());
  CVAULT_ASSIGN_OR_RETURN(auto tx, backend_->vault_store().Begin(/*write=*/create));
  if (create) {
    CVAULT_RETURN_IF_ERROR(tx->SetMeta("vault_id", id));
    return tx->Commit();
  }
  CVAULT_ASSIGN_OR_RETURN(auto stored, tx->GetMeta("vault_id"));
  if (!stored || *stored != id) {
    return Status::KeyFailure(
        "the keyring does not belong to this vault (vault ids differ): check "
        "--keys and --vault");
  }
  return Status::Ok();
}

Status VaultCore::Close() {
  std::lock_guard lock(mu_);
  if (!open_) return Status::FailedPrecondition("the vault is already closed");
  return CloseLocked();
}

Status VaultCore::CloseLocked() {
  open_ = false;
  Status result;
  if (audit_) {
    // Any process's checkpoint at the current head will do, and so will one
    // younger than the interval (a short-lived process adds none).
    auto tx = backend_->vault_store().Begin(/*write=*/true);
    if (tx) {
      auto cp = audit_->WriteCheckpoint(**tx, NowMicros(), CheckpointIntervalMicros());
      if (cp) {
        result = (*tx)->Commit();
      } else if (cp.error().code() != StatusCode::kFailedPrecondition) {  // not empty
        result = cp.error();
      }
    } else {
      result = tx.error();
    }
  }
  // The stores close whatever happened to the checkpoint.
  subject_keys_.Clear();
  financial_keys_.Clear();
  ledger_.reset();
  backend_.reset();
  holders_.reset();
  return result.WithContext("writing the closing audit checkpoint");
}

}  // namespace cvault::internal
