// State several processes share through one vault, and this process's
// caches of it (docs/architecture.md, "Many processes on one vault").
//
// Per-process caches, each with what refreshes it:
//   keyring_                 the keyring file; reread when the keystore's
//                            keyring generation moved (checked inside every
//                            keystore write transaction) or the vault's did,
//                            and when a data key names a KEK it lacks
//   indexer_, next_indexer_  the blind-index versions in the vault's meta;
//                            reloaded when the vault's generation moved
//                            (checked inside every vault write transaction)
//   subject_keys_, financial_keys_
//                            unwrapped data keys: a key never changes for
//                            its owner, so an entry stays right until the
//                            owner is erased, after which nothing reads it
//   ledger_                  the erasure ledger's prefix read so far; every
//                            append first reads what others appended
//   decider_                 the policy file (Options::policy_file); reread
//                            when its stamp (inode, size, mtime) changed,
//                            checked at the start of every call
// Not cached: the audit chain head and checkpoints (read inside the write
// transaction that appends), leases (read inside the transaction that takes
// them).
#include <sys/stat.h>

#include <algorithm>

#include <fmt/format.h>

#include "keys/data_keys.h"
#include "policy/policy_file.h"
#include "vault/vault_core.h"

namespace cvault::internal {
namespace {

// Moved by every change to the blind-index state or the keyring.
constexpr char kVaultGenerationKey[] = "shared.generation";
// Moved by every save of the keyring file, inside the keystore transaction
// that holds the keystore's write lock during the save.
constexpr char kKeyringGenerationKey[] = "keyring.generation";
// Moved by every reseal (the same keys under a new root key).
constexpr char kKeyringSealKey[] = "keyring.seal";
// How long a lease lasts without renewal. A holder that died is noticed at
// once (VaultHolders::IsLive); the expiry only frees a lease whose holder
// hangs.
constexpr std::int64_t kLeaseMicros = 10LL * 60 * 1000 * 1000;

template <class Tx>
StatusOr<std::uint64_t> ReadGeneration(Tx& tx, std::string_view key) {
  CVAULT_ASSIGN_OR_RETURN(auto text, tx.GetMeta(key));
  if (!text || text->empty()) return std::uint64_t{0};
  try {
    return static_cast<std::uint64_t>(std::stoull(*text));
  } catch (const std::exception&) {
    return Error(Status::Integrity(fmt::format("the vault's {} setting is damaged", key)));
  }
}

template <class Tx>
StatusOr<std::uint64_t> BumpGeneration(Tx& tx, std::string_view key) {
  CVAULT_ASSIGN_OR_RETURN(std::uint64_t g, ReadGeneration(tx, key));
  CVAULT_RETURN_IF_ERROR(tx.SetMeta(key, std::to_string(g + 1)));
  return g + 1;
}

RootKeySource CopyRootKey(const RootKeySource& root) {
  if (const auto* p = std::get_if<Passphrase>(&root)) {
    return Passphrase{SecretBytes::CopyFrom(p->text.Reveal())};
  }
  if (const auto* f = std::get_if<KeyFile>(&root)) return KeyFile{f->path};
  if (const auto* r = std::get_if<RawRootKey>(&root)) {
    return RawRootKey{SecretBytes::CopyFrom(r->key.Reveal())};
  }
  return std::monostate{};
}

struct Lease {
  std::string holder;  // a VaultHolders token, or empty
  std::int64_t expires_at_us = 0;
};

std::string LeaseKey(std::string_view lease) { return fmt::format("lease.{}", lease); }

StatusOr<Lease> ReadLease(store::VaultTransaction& tx, std::string_view lease) {
  CVAULT_ASSIGN_OR_RETURN(auto text, tx.GetMeta(LeaseKey(lease)));
  Lease out;
  if (!text || text->empty()) return out;
  const std::size_t space = text->find(' ');
  try {
    if (space == std::string::npos) throw std::invalid_argument("lease");
    out.holder = text->substr(0, space);
    out.expires_at_us = std::stoll(text->substr(space + 1));
  } catch (const std::exception&) {
    return Error(Status::Integrity(fmt::format("the vault's {} lease is damaged", lease)));
  }
  return out;
}

Status WriteLease(store::VaultTransaction& tx, std::string_view lease, const Lease& value) {
  return tx.SetMeta(LeaseKey(lease),
                    value.holder.empty()
                        ? std::string()
                        : fmt::format("{} {}", value.holder, value.expires_at_us));
}

}  // namespace

KeyringStamp KeyringStamp::Of(const std::filesystem::path& file) {
  struct stat st {};
  KeyringStamp stamp;
  if (::stat(file.c_str(), &st) != 0) return stamp;
  stamp.inode = st.st_ino;
  stamp.size = st.st_size;
  stamp.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 +
                   st.st_mtim.tv_nsec;
  return stamp;
}

Status VaultCore::ReloadPolicyIfChanged() {
  if (!options_.policy_file) return Status::Ok();
  const KeyringStamp stamp = KeyringStamp::Of(*options_.policy_file);
  if (stamp == policy_stamp_) return Status::Ok();
  auto policy = policy::LoadPolicyFile(*options_.policy_file);
  if (!policy) {
    // The stamp stays old, so every call retries the file until it loads.
    return policy.error().WithContext(
        "the access policy file changed and no longer loads; calls are refused until it "
        "is fixed");
  }
  decider_ = policy::AccessDecider(std::move(*policy));
  policy_stamp_ = stamp;
  logger_->info("access policy reloaded from {}", options_.policy_file->string());
  return Status::Ok();
}

bool VaultCore::PolicyFileChanged() const {
  return options_.policy_file && KeyringStamp::Of(*options_.policy_file) != policy_stamp_;
}

StatusOr<bool> VaultCore::CachesCurrentIn(store::VaultTransaction& tx) const {
  CVAULT_ASSIGN_OR_RETURN(std::uint64_t g, ReadGeneration(tx, kVaultGenerationKey));
  return g == vault_generation_;
}

StatusOr<std::unique_ptr<store::VaultTransaction>> VaultCore::BeginWrite() {
  CVAULT_ASSIGN_OR_RETURN(auto tx, backend_->vault_store().Begin(/*write=*/true));
  CVAULT_ASSIGN_OR_RETURN(std::uint64_t g, ReadGeneration(*tx, kVaultGenerationKey));
  if (g != vault_generation_) {
    CVAULT_RETURN_IF_ERROR(ReloadKeyring());
    CVAULT_RETURN_IF_ERROR(LoadIndexers(*tx));
    vault_generation_ = g;
  }
  return tx;
}

StatusOr<std::unique_ptr<store::KeyTransaction>> VaultCore::BeginKeyWrite() {
  CVAULT_ASSIGN_OR_RETURN(auto tx, backend_->key_store().Begin(/*write=*/true));
  CVAULT_ASSIGN_OR_RETURN(std::uint64_t g, ReadGeneration(*tx, kKeyringGenerationKey));
  if (g != keyring_generation_) {
    CVAULT_RETURN_IF_ERROR(ReloadKeyring());
    keyring_generation_ = g;
  }
  return tx;
}

Status VaultCore::LoadGenerations() {
  {
    CVAULT_ASSIGN_OR_RETURN(auto tx, backend_->vault_store().Begin(/*write=*/false));
    CVAULT_ASSIGN_OR_RETURN(vault_generation_, ReadGeneration(*tx, kVaultGenerationKey));
    CVAULT_RETURN_IF_ERROR(LoadIndexers(*tx));
  }
  CVAULT_ASSIGN_OR_RETURN(auto ktx, backend_->key_store().Begin(/*write=*/false));
  CVAULT_ASSIGN_OR_RETURN(keyring_generation_, ReadGeneration(*ktx, kKeyringGenerationKey));
  CVAULT_ASSIGN_OR_RETURN(keyring_seal_, ReadGeneration(*ktx, kKeyringSealKey));
  ktx.reset();
  // A save between this process reading the keyring file and reading the
  // generation would otherwise go unnoticed.
  return ReloadKeyring();
}

Status VaultCore::ReloadKeyring() {
  const std::filesystem::path file = options_.keys_dir / keys::kKeyringFileName;
  const KeyringStamp stamp = KeyringStamp::Of(file);
  if (stamp == keyring_stamp_) return Status::Ok();
  auto reopened = keys::Keyring::Open(options_.keys_dir, options_.root_key);
  if (!reopened) {
    return reopened.error().WithContext(
        "another process changed the keyring and this process cannot reopen it (resealed "
        "under another root key?): restart it with the keyring's current root key");
  }
  if (!std::ranges::equal(reopened->vault_id(), keyring_->vault_id())) {
    return Status::KeyFailure(
        "the keyring file was replaced by another vault's keyring; restore this vault's "
        "keyring");
  }
  keyring_.emplace(std::move(*reopened));
  keyring_stamp_ = stamp;
  return Status::Ok();
}

StatusOr<SecretBytes> VaultCore::UnwrapKey(const store::DataKeyRow& row) {
  if (keyring_->kek(row.kek_version) == nullptr) CVAULT_RETURN_IF_ERROR(ReloadKeyring());
  return keys::UnwrapDataKey(*keyring_, row);
}

Status VaultCore::CheckNotResealed() {
  CVAULT_ASSIGN_OR_RETURN(auto ktx, backend_->key_store().Begin(/*write=*/false));
  CVAULT_ASSIGN_OR_RETURN(std::uint64_t seal, ReadGeneration(*ktx, kKeyringSealKey));
  if (seal == keyring_seal_) return Status::Ok();
  return Status::KeyFailure(
      "another process resealed the keyring under a new root key since this one opened "
      "the vault: reopen it with the new root key before running a key duty");
}

Status VaultCore::ResealUnderKeystoreLock(const RootKeySource& new_root,
                                          PassphraseCost cost) {
  CVAULT_ASSIGN_OR_RETURN(auto ktx, backend_->key_store().Begin(/*write=*/true));
  CVAULT_RETURN_IF_ERROR(keyring_->Reseal(options_.keys_dir, new_root, cost));
  keyring_stamp_ = KeyringStamp::Of(options_.keys_dir / keys::kKeyringFileName);
  options_.root_key = CopyRootKey(new_root);
  options_.passphrase_cost = cost;
  CVAULT_ASSIGN_OR_RETURN(keyring_seal_, BumpGeneration(*ktx, kKeyringSealKey));
  return ktx->Commit();
}

Status VaultCore::SaveKeyring(store::VaultTransaction& vtx) {
  // The keystore's write lock orders this save against every key another
  // process wraps: it reads the generation this commit moves.
  CVAULT_ASSIGN_OR_RETURN(auto ktx, backend_->key_store().Begin(/*write=*/true));
  Status saved =
      keyring_->Save(options_.keys_dir, options_.root_key, options_.passphrase_cost);
  if (!saved.ok()) {
    // The keyring in memory differs from the file now: the next reload
    // must reread it.
    keyring_stamp_ = {};
    return saved.WithContext("saving the keyring");
  }
  keyring_stamp_ = KeyringStamp::Of(options_.keys_dir / keys::kKeyringFileName);
  CVAULT_ASSIGN_OR_RETURN(keyring_generation_, BumpGeneration(*ktx, kKeyringGenerationKey));
  CVAULT_RETURN_IF_ERROR(ktx->Commit());
  return BumpVaultGeneration(vtx);
}

Status VaultCore::BumpVaultGeneration(store::VaultTransaction& vtx) {
  // If `vtx` rolls back, the cached value is simply off by one and the next
  // BeginWrite reloads: harmless.
  CVAULT_ASSIGN_OR_RETURN(vault_generation_, BumpGeneration(vtx, kVaultGenerationKey));
  return Status::Ok();
}

Status VaultCore::TakeLease(store::VaultTransaction& tx, std::string_view lease) {
  CVAULT_ASSIGN_OR_RETURN(Lease held, ReadLease(tx, lease));
  const std::int64_t now = NowMicros();
  // A live holder's unexpired lease (this one's too: another thread of
  // this process is running the duty) keeps it.
  if (!held.holder.empty() && held.expires_at_us > now &&
      holders_->IsLive(held.holder, /*absent=*/backend_->SharedAcrossHosts())) {
    return Status::Busy(fmt::format(
        "another process (vault holder {}) is running the {} duty on this vault; retry "
        "when it is done",
        held.holder, lease));
  }
  if (!held.holder.empty() && held.holder != holders_->token()) {
    logger_->warn("taking over the {} lease from holder {}, which is gone", lease,
                  held.holder);
  }
  return WriteLease(tx, lease, {holders_->token(), now + kLeaseMicros});
}

Status VaultCore::RenewLease(std::string_view lease) {
  CVAULT_ASSIGN_OR_RETURN(auto tx, BeginWrite());
  CVAULT_ASSIGN_OR_RETURN(Lease held, ReadLease(*tx, lease));
  if (held.holder != holders_->token()) {
    return Status::Busy(fmt::format(
        "this process lost the {} lease to another (it was presumed hung); the duty goes "
        "on there",
        lease));
  }
  CVAULT_RETURN_IF_ERROR(
      WriteLease(*tx, lease, {holders_->token(), NowMicros() + kLeaseMicros}));
  return tx->Commit();
}

void VaultCore::ReleaseLease(std::string_view lease) {
  if (!open_) return;
  auto released = [&]() -> Status {
    CVAULT_ASSIGN_OR_RETURN(auto tx, BeginWrite());
    CVAULT_ASSIGN_OR_RETURN(Lease held, ReadLease(*tx, lease));
    if (held.holder != holders_->token()) return Status::Ok();
    CVAULT_RETURN_IF_ERROR(WriteLease(*tx, lease, {}));
    return tx->Commit();
  }();
  if (!released.ok()) {
    logger_->warn("could not release the {} lease (it ends with this process): {}", lease,
                  released.ToString());
  }
}

}  // namespace cvault::internal
