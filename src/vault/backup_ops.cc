// Backup and restore (Vault::operations().Backup, Vault::Restore).
//
// A backup folder holds the backend's copies of its databases (the
// embedded backend: vault.db and keystore.db, copied with SQLite's online
// backup, each still encrypted under its database key), and manifest.json: format, vault
// id, time, how many erasure-ledger entries the copy already reflects, each file's size
// and BLAKE2b-256, fingerprints of the database keys, signed (Ed25519, the audit signing
// key) in manifest.sig. The keyring and the erasure ledger are not in it: the keyring has
// its own backup cycle, and the ledger must outlive every backup so a restore can replay
// it.
#include <fmt/format.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "crypto/bytes.h"
#include "crypto/hash.h"
#include "crypto/signer.h"
#include "domain/backup_manifest.h"
#include "keys/private_file.h"
#include "policy/policy_file.h"
#include "vault/vault_core.h"

namespace cvault::internal {
namespace {

namespace action = policy::action;
using nlohmann::json;

constexpr char kManifestFile[] = "manifest.json";
constexpr char kSignatureFile[] = "manifest.sig";
constexpr std::size_t kMaxManifestSize = 64 * 1024;

StatusOr<std::pair<std::string, std::uintmax_t>> HashFile(
    const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return Error(Status::NotFound("cannot read " + file.string()));
  crypto::Blake2bStream stream;
  std::vector<char> chunk(1 << 16);
  std::uintmax_t size = 0;
  while (in) {
    in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    std::streamsize n = in.gcount();
    if (n <= 0) break;
    size += static_cast<std::uintmax_t>(n);
    stream.Update(std::span(reinterpret_cast<const std::uint8_t*>(chunk.data()),
                            static_cast<std::size_t>(n)));
  }
  if (in.bad()) return Error(Status::Unavailable("cannot read " + file.string()));
  return std::pair(crypto::ToHex(stream.Final()), size);
}

// A short public fingerprint of a 256-bit database key: which keys a
// backup needs, without revealing them.
std::string Fingerprint(const SecretBytes& key) {
  crypto::Blake2bStream stream;
  stream.Update(std::string_view("cvault-db-key-fingerprint-v1"));
  stream.Update(key.Reveal());
  crypto::Bytes digest = stream.Final();
  digest.resize(8);
  return crypto::ToHex(digest);
}

StatusOr<std::string> ReadSmallFile(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    return Error(Status::NotFound("the backup has no " + file.filename().string()));
  }
  std::string text(kMaxManifestSize + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > kMaxManifestSize) {
    return Error(Status::Integrity(file.filename().string() + " is too large"));
  }
  return text;
}

}  // namespace

StatusOr<BackupResult> VaultCore::Backup(const AccessContext& in,
                                         const std::filesystem::path& dir) {
  std::lock_guard lock(mu_);
  const audit::AuditEvent event{"vault.backup", "", {}, {}, "allow", "ok"};
  CVAULT_ASSIGN_OR_RETURN(AuditedCall call, StartCall(in, action::kVaultBackup, event));
  const AccessContext ctx = call.ctx();
  CVAULT_RETURN_IF_ERROR(DecideOperation(call, action::kVaultBackup));
  std::error_code ec;
  if (std::filesystem::exists(dir, ec) && !std::filesystem::is_empty(dir, ec)) {
    return Error(std::move(call).Fail(
        "invalid_input", Status::AlreadyExists("backup folder: " + dir.string() +
                                               " exists and is not empty")));
  }
  Status made = keys::EnsurePrivateDirectory(dir);
  if (!made.ok()) return Error(std::move(call).Fail("backup_failed", made));

  // The entry goes in first, so the backup records that it was taken.
  CVAULT_ASSIGN_OR_RETURN(auto* tx, call.Transaction());
  CVAULT_ASSIGN_OR_RETURN(const std::uint64_t ledger_applied, LedgerApplied(*tx));
  CVAULT_RETURN_IF_ERROR(std::move(call).Commit());
  auto failed = [&](Status s) {
    // Only what this call wrote: the folder was empty.
    std::vector<std::filesystem::path> written;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
      written.push_back(entry.path());
    }
    for (const auto& file : written) std::filesystem::remove(file, ec);
    std::string reason =
        s.reason_code() == "not_supported" ? "not_supported" : "backup_failed";
    // The backup's entry is committed already; the failure is one more.
    return StartCheckedCall(ctx, event).Fail(reason, std::move(s));
  };
  auto copied = backend_->CopyDatabasesTo(dir);
  if (!copied) return Error(failed(copied.error()));

  json files = json::object();
  for (const std::string& name : *copied) {
    auto hashed = HashFile(dir / name);
    if (!hashed) return Error(failed(hashed.error()));
    files[name] = {{"blake2b256", hashed->first}, {"size", hashed->second}};
  }
  json manifest = {
      {"format", domain::kBackupFormat},
      {"vault_id", crypto::ToHex(keyring_->vault_id())},
      {"created_at", FormatTimestamp(Timestamp(std::chrono::microseconds(NowMicros())))},
      {"erasure_ledger_applied", ledger_applied},
      {"vault_db_key", Fingerprint(keyring_->vault_db_key())},
      {"keystore_db_key", Fingerprint(keyring_->keystore_db_key())},
      {"kek_versions", keyring_->kek_versions()},
      {"files", files}};
  const std::string text = manifest.dump(2) + "\n";
  auto signer = crypto::Signer::FromSeed(keyring_->audit_signing_seed());
  if (!signer) return Error(failed(signer.error()));
  const std::string signature = crypto::ToHex(signer->Sign(crypto::AsBytes(text))) + "\n";
  Status written = keys::CreateOwnerOnlyFile(dir / kManifestFile, crypto::AsBytes(text));
  if (written.ok()) {
    written = keys::CreateOwnerOnlyFile(dir / kSignatureFile, crypto::AsBytes(signature));
  }
  if (!written.ok()) return Error(failed(written));

  BackupResult result;
  result.dir = dir;
  result.ledger_entries = ledger_applied;
  result.manifest_sha256 = crypto::ToHex(crypto::Sha256(crypto::AsBytes(text)));
  logger_->info("backup written to {}", dir.string());
  return result;
}

StatusOr<std::unique_ptr<VaultCore>> VaultCore::Restore(
    Options options, const std::filesystem::path& backup_dir, const AccessContext& ctx_in,
    RestoreResult* result) {
  std::filesystem::path vault_dir = options.vault_dir;
  // Checked as every call's context is, though a refusal cannot be audited
  // into a vault that is not restored yet.
  Status problem;
  const AccessContext ctx = CheckedContext(ctx_in, &problem);
  CVAULT_RETURN_IF_ERROR(problem);
  std::optional<VaultHolders> alone;
  {
    // Decided before anything is read or replaced. The vault cannot be
    // audited into until it is restored, so a denial is only returned.
    policy::AccessDecider decider(policy::Policy::Default());
    if (options.policy_file) {
      CVAULT_ASSIGN_OR_RETURN(auto loaded, policy::LoadPolicyFile(*options.policy_file));
      decider = policy::AccessDecider(std::move(loaded));
    }
    policy::Decision decision = decider.Decide(
        ctx, {action::kVaultRestore, policy::FieldUse::kWrite, {}, std::nullopt});
    if (!decision.allowed()) {
      return Error(Status::PermissionDenied(decision.reason_code, decision.message));
    }
    CVAULT_ASSIGN_OR_RETURN(auto keyring,
                            keys::Keyring::Open(options.keys_dir, options.root_key));

    CVAULT_ASSIGN_OR_RETURN(std::string text, ReadSmallFile(backup_dir / kManifestFile));
    CVAULT_ASSIGN_OR_RETURN(std::string sig_text,
                            ReadSmallFile(backup_dir / kSignatureFile));
    while (!sig_text.empty() && (sig_text.back() == '\n' || sig_text.back() == ' ')) {
      sig_text.pop_back();
    }
    auto signature = crypto::FromHex(sig_text);
    CVAULT_ASSIGN_OR_RETURN(auto signer,
                            crypto::Signer::FromSeed(keyring.audit_signing_seed()));
    if (!signature || !crypto::VerifySignature(signer.public_key(), crypto::AsBytes(text),
                                               *signature)) {
      return Error(Status::Integrity(
          "backup manifest: the signature does not verify under this vault's signing key "
          "(altered, or made by another vault)"));
    }
    CVAULT_ASSIGN_OR_RETURN(const domain::BackupManifest manifest,
                            domain::ParseBackupManifest(text));
    if (manifest.vault_id != crypto::ToHex(keyring.vault_id())) {
      return Error(
          Status::KeyFailure("the backup belongs to another vault (vault ids differ)"));
    }
    const SecretBytes* pending_vault = keyring.pending_vault_db_key();
    const std::string& want_vault_key = manifest.vault_db_key;
    const std::string& want_keystore_key = manifest.keystore_db_key;
    bool keys_held =
        (want_vault_key == Fingerprint(keyring.vault_db_key()) ||
         (pending_vault && want_vault_key == Fingerprint(*pending_vault))) &&
        (want_keystore_key == Fingerprint(keyring.keystore_db_key()) ||
         (keyring.pending_keystore_db_key() &&
          want_keystore_key == Fingerprint(*keyring.pending_keystore_db_key())));
    if (!keys_held) {
      return Error(Status::KeyFailure(
          "the backup's databases are under keys this keyring no longer holds (rekeyed "
          "since); restore with the keyring backed up at the time of the backup"));
    }
    auto site = store::SiteFor(options);
    CVAULT_ASSIGN_OR_RETURN(auto names, site->BackupFileNames());
    for (const std::string& name : names) {
      CVAULT_ASSIGN_OR_RETURN(auto hashed, HashFile(backup_dir / name));
      auto want = manifest.files.find(name);
      if (want == manifest.files.end() || want->second.blake2b256 != hashed.first ||
          want->second.size != hashed.second) {
        return Error(Status::Integrity(fmt::format(
            "backup file {}: its hash does not match the signed manifest", name)));
      }
    }
    CVAULT_RETURN_IF_ERROR(keys::EnsurePrivateDirectory(vault_dir));
    // No other process may have the files open while they are replaced:
    // the restore fails, naming them, rather than wait.
    CVAULT_ASSIGN_OR_RETURN(
        auto holders,
        VaultHolders::Join(vault_dir, /*exclusive=*/true, std::chrono::milliseconds(0)));
    alone.emplace(std::move(holders));
    CVAULT_RETURN_IF_ERROR(site->ReplaceDatabasesWith(backup_dir));
    // The restored log is older than the one the head file records.
    std::error_code removed;
    std::filesystem::remove(vault_dir / kAuditHeadFile, removed);
  }
  // Opening replays the erasure ledger, still alone; others may open after.
  CVAULT_ASSIGN_OR_RETURN(auto core, Open(std::move(options), std::move(*alone)));
  core->holders_->ReleaseExclusive();
  {
    std::lock_guard lock(core->mu_);
    CVAULT_RETURN_IF_ERROR(core->StartCheckedCall(ctx, {"vault.restore",
                                                        "",
                                                        {},
                                                        {},
                                                        "allow",
                                                        core->replayed_erasures_ > 0
                                                            ? "restored_ledger_replayed"
                                                            : "restored"})
                               .Commit());
    if (result != nullptr) {
      result->ledger_replayed = core->replayed_entries_;
      result->customers_erased = core->replayed_erasures_;
    }
  }
  return core;
}

}  // namespace cvault::internal
