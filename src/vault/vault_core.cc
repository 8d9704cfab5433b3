#include "vault/vault_core.h"

#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include <system_error>

#include "crypto/bytes.h"
#include "crypto/hash.h"
#include "crypto/kdf.h"
#include "crypto/random.h"
#include "crypto/signer.h"
#include "domain/case_documents.h"
#include "domain/consent_state.h"
#include "domain/validation.h"
#include "keys/data_keys.h"
#include "policy/policy_file.h"

namespace cvault::internal {
namespace {

// Each cached key is a guarded allocation (a few memory mappings), so the
// cache stays well under the kernel's default map count.
constexpr std::size_t kSubjectKeyCacheSize = 4096;
constexpr std::size_t kFinancialKeyCacheSize = 1024;
constexpr std::uint32_t kFinancialKeyId = 2;
constexpr std::uint32_t kDataKeyId = 1;
// A data key younger than this with no customer row may belong to a create
// still in flight in another process; orphan removal leaves it alone.
constexpr std::int64_t kOrphanGraceMicros = 10LL * 60 * 1000 * 1000;
constexpr std::size_t kOrphanBatch = 500;
// How long opening waits for a restore or rekey in another process.
constexpr auto kJoinWait = std::chrono::milliseconds(5000);

std::string NewRequestId() { return "req_" + crypto::ToHex(crypto::RandomBytes(12)); }

bool IsIdentifier(std::string_view s, std::size_t max, std::string_view extra) {
  if (s.empty() || s.size() > max) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || extra.find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

}  // namespace

VaultCore::VaultCore(Options options)
    : options_(std::move(options)),
      decider_(policy::Policy::Default()),
      subject_keys_(kSubjectKeyCacheSize),
      financial_keys_(kFinancialKeyCacheSize) {
  site_ = store::SiteFor(options_);
  if (!options_.clock) options_.clock = SystemClock();
  if (!options_.logger) {
    options_.logger = std::make_shared<spdlog::logger>(
        "cvault", std::make_shared<spdlog::sinks::null_sink_mt>());
  }
}

VaultCore::~VaultCore() {
  std::lock_guard lock(mu_);
  if (!open_) return;
  Status s = CloseLocked();
  if (!s.ok()) options_.logger->error("closing the vault: {}", s.ToString());
}

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
    std::filesystem::create_directories(o.vault_dir, ec);
    if (!ec) {
      std::filesystem::permissions(o.vault_dir, std::filesystem::perms::owner_all,
                                   std::filesystem::perm_options::replace, ec);
    }
    if (ec) {
      return Error(Status::Unavailable("cannot create the vault folder " +
                                       o.vault_dir.string() + ": " + ec.message()));
    }
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
    core->backend_.reset();
    core->site_->DiscardCreated();
    std::filesystem::remove(o.keys_dir / keys::kKeyringFileName, ec);
    return Error(made);
  }
  core->options_.logger->info("created vault in {}", o.vault_dir.string());
  return core;
}

Status VaultCore::FinishCreate() {
  CVAULT_RETURN_IF_ERROR(OpenStores(/*create=*/true));
  CVAULT_RETURN_IF_ERROR(CheckVaultIdentity(/*create=*/true));
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
  // Registering would create the folder: a missing one is reported here.
  std::error_code ec;
  if (!std::filesystem::is_directory(options.vault_dir, ec)) {
    return Error(Status::NotFound("no vault in " + options.vault_dir.string() +
                                  ": run `cvault init` first"));
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
    core->options_.logger->warn(
        "this vault uses a DEVELOPMENT keyring: not for production data");
  }
  CVAULT_RETURN_IF_ERROR(core->OpenStores(/*create=*/false));
  CVAULT_RETURN_IF_ERROR(core->CheckVaultIdentity(/*create=*/false));
  std::lock_guard lock(core->mu_);
  core->open_ = true;
  CVAULT_RETURN_IF_ERROR(StatusOf(core->ReplayLedger()));
  CVAULT_RETURN_IF_ERROR(core->RemoveOrphans());
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
  CVAULT_ASSIGN_OR_RETURN(auto policy, policy::LoadPolicyFile(*options_.policy_file));
  decider_ = policy::AccessDecider(std::move(policy));
  options_.logger->info("access policy loaded from {}", options_.policy_file->string());
  return Status::Ok();
}

Status VaultCore::OpenStores(bool create) {
  store::DatabaseKeys keys{&keyring_->vault_db_key(), &keyring_->keystore_db_key(),
                           keyring_->pending_vault_db_key(),
                           keyring_->pending_keystore_db_key()};
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

Status VaultCore::RemoveOrphans() {
  // A data key whose customer row never committed (a crash between the two
  // files' commits) is deleted (docs/architecture.md, "Write ordering").
  // (Rows whose key is gone only arise from erasure, which does its own
  // recovery.)
  std::size_t removed_keys = 0;
  std::int64_t cutoff = NowMicros() - kOrphanGraceMicros;
  std::optional<std::string> after;
  while (true) {
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
    if (orphans.empty()) continue;
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
    if (ids.size() < kOrphanBatch) break;
  }
  if (removed_keys == 0) return Status::Ok();
  options_.logger->warn("removed {} orphaned data keys left by an interrupted write",
                        removed_keys);
  return StartCheckedCall(SystemContext(),
                          {"vault.recover", "", {}, {}, "allow", "orphans_removed"})
      .Commit();
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
    // Any process's checkpoint at the current head will do.
    auto tx = backend_->vault_store().Begin(/*write=*/true);
    if (tx) {
      auto cp = audit_->WriteCheckpoint(**tx, NowMicros());
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
  backend_.reset();
  holders_.reset();
  return result.WithContext("writing the closing audit checkpoint");
}

AccessContext VaultCore::SystemContext() {
  return AccessContext{"cvault", "operator", "operations", "", NewRequestId()};
}

std::int64_t VaultCore::NowMicros() const {
  return options_.clock->Now().time_since_epoch().count();
}

Status VaultCore::RequireOpen() const {
  if (!open_) return Status::FailedPrecondition("the vault is closed");
  return Status::Ok();
}

AccessContext VaultCore::CheckedContext(const AccessContext& in, Status* problem) {
  AccessContext checked = in;
  if (checked.request_id.empty()) checked.request_id = NewRequestId();
  // Every value that fails its check is replaced before anything is logged or
  // audited: an unchecked value could carry personal data.
  *problem = Status::Ok();
  auto check = [&](bool ok, std::string& value, std::string replacement,
                   const char* message) {
    if (ok) return;
    value = std::move(replacement);
    if (problem->ok()) *problem = Status::InvalidArgument(message);
  };
  check(IsIdentifier(in.principal_id, 64, "._:@-"), checked.principal_id, "(invalid)",
        "principal id: 1-64 characters of letters, digits and . _ : @ - required");
  check(IsIdentifier(in.role, 64, "_-"), checked.role, "(invalid)",
        "role: 1-64 characters of letters, digits, _ and - required");
  check(IsIdentifier(in.purpose, 64, "_-"), checked.purpose, "(invalid)",
        "purpose: 1-64 characters of letters, digits, _ and - required");
  check(IsIdentifier(checked.request_id, 128, "._:-"), checked.request_id, NewRequestId(),
        "request id: at most 128 characters of letters, digits and . _ : -");
  if (problem->ok() && !in.reason.empty()) {
    *problem = domain::ValidateText("reason", in.reason, 500, true);
  }
  return checked;
}

StatusOr<AuditedCall> VaultCore::StartCall(const AccessContext& in,
                                           std::string_view action,
                                           audit::AuditEvent event) {
  CVAULT_RETURN_IF_ERROR(RequireOpen());
  Status problem;
  AccessContext checked = CheckedContext(in, &problem);
  if (problem.ok())
    return AuditedCall(*this, std::move(checked), std::move(event), nullptr);
  // Recorded under the policy action, naming no fields: the request itself
  // was not understood.
  return Error(StartCheckedCall(checked, {std::string(action), "", {}, {}, "deny", ""})
                   .Fail("invalid_context", problem, AuditedCall::ReasonOnError::kOmit));
}

AuditedCall VaultCore::StartCheckedCall(const AccessContext& ctx, audit::AuditEvent event,
                                        std::unique_ptr<store::VaultTransaction> tx) {
  return AuditedCall(*this, ctx, std::move(event), std::move(tx));
}

StatusOr<VaultCore::Subject> VaultCore::LoadSubject(AuditedCall& call,
                                                    std::string_view customer_id) {
  CVAULT_ASSIGN_OR_RETURN(store::VaultTransaction * tx, call.Transaction());
  Subject subject;
  CVAULT_ASSIGN_OR_RETURN(subject.row, tx->GetCustomer(customer_id));
  if (!subject.row) return subject;
  CVAULT_ASSIGN_OR_RETURN(subject.keys, KeysFor(customer_id));
  call.event().subject = subject.keys->pseudonym;
  subject.facts.restricted = subject.row->restricted;
  // The one place consent plugs in: a purpose resting on consent needs the
  // customer's consent for it to be active at this instant.
  if (decider_.NeedsConsent(call.ctx().purpose)) {
    std::int64_t now = NowMicros();
    CVAULT_ASSIGN_OR_RETURN(
        auto events, tx->ListConsentEventsFor(customer_id, call.ctx().purpose, now));
    switch (domain::DeriveConsentState(events, now).status) {
      case ConsentStatus::kActive:
        subject.facts.consent = policy::ConsentState::kActive;
        break;
      case ConsentStatus::kNeverGiven:
        subject.facts.consent = policy::ConsentState::kNeverGiven;
        break;
      case ConsentStatus::kWithdrawn:
        subject.facts.consent = policy::ConsentState::kWithdrawn;
        break;
      case ConsentStatus::kExpired:
        subject.facts.consent = policy::ConsentState::kExpired;
        break;
    }
  }
  return subject;
}

StatusOr<VaultCore::Decided> VaultCore::BeginForSubject(AuditedCall& call,
                                                        const CustomerId& id,
                                                        policy::AccessRequest request,
                                                        bool ignore_restriction) {
  Decided d;
  CVAULT_ASSIGN_OR_RETURN(d.subject, LoadSubject(call, id.str()));
  request.subject = d.subject.facts;
  if (ignore_restriction) request.subject->restricted = false;
  d.decision = decider_.Decide(call.ctx(), request);
  if (!d.decision.allowed()) return Error(std::move(call).Deny(d.decision));
  if (!d.subject.row) {
    return Error(
        std::move(call).Fail("not_found", Status::NotFound("no customer with that id")));
  }
  return d;
}

StatusOr<VaultCore::DecidedCase> VaultCore::BeginForCase(AuditedCall& call,
                                                         std::string_view case_id,
                                                         std::string_view kind,
                                                         policy::AccessRequest request) {
  // Role, purpose, action and record group first: a denied caller learns
  // nothing about whether the case exists.
  policy::Decision early = decider_.Decide(call.ctx(), request);
  if (!early.allowed()) return Error(std::move(call).Deny(early));
  DecidedCase out;
  CVAULT_ASSIGN_OR_RETURN(store::VaultTransaction * tx, call.Transaction());
  CVAULT_ASSIGN_OR_RETURN(auto row, tx->GetCase(case_id));
  if (!row || row->kind != kind) {
    return Error(std::move(call).Fail(
        "not_found",
        Status::NotFound(std::string("no ") + std::string(kind) + " with that id")));
  }
  out.row = std::move(*row);
  if (domain::IsHoldId(out.row.customer_id)) {
    out.held_by = out.row.customer_id;
  } else {
    CVAULT_ASSIGN_OR_RETURN(out.decided.subject, LoadSubject(call, out.row.customer_id));
    if (!out.decided.subject.row && kind == domain::kRefundKind) {
      // An erasure the purge has not swept yet: the refund case already
      // belongs to the hold, which holds its key.
      CVAULT_ASSIGN_OR_RETURN(auto pending, tx->GetPendingErasure(out.row.customer_id));
      if (pending) out.held_by = pending->hold_id;
    }
  }
  if (!out.held_by.empty()) {
    // The customer was erased: the record is kept only for a legal
    // obligation, read-only, and only purposes resting on one may read it.
    call.event().subject = out.held_by;
    const policy::PurposeRule* rule = decider_.policy().FindPurpose(call.ctx().purpose);
    if (request.use != policy::FieldUse::kRead || rule == nullptr ||
        rule->legal_basis != policy::LegalBasis::kLegalObligation) {
      return Error(std::move(call).Fail(
          "retention_hold",
          Status::FailedPrecondition(
              "the case is kept under a retention hold after its customer's "
              "erasure: read-only, and only for a legal obligation")));
    }
    out.decided.decision = early;
    return out;
  }
  if (!out.decided.subject.row) {
    return Error(std::move(call).Fail(
        "not_found", Status::NotFound("the case's customer no longer exists")));
  }
  request.subject = out.decided.subject.facts;
  out.decided.decision = decider_.Decide(call.ctx(), request);
  if (!out.decided.decision.allowed()) {
    return Error(std::move(call).Deny(out.decided.decision));
  }
  return out;
}

StatusOr<const SubjectKeys*> VaultCore::KeysFor(std::string_view customer_id) {
  if (const SubjectKeys* hit = subject_keys_.Find(customer_id)) return hit;
  CVAULT_ASSIGN_OR_RETURN(auto tx, backend_->key_store().Begin(/*write=*/false));
  CVAULT_ASSIGN_OR_RETURN(
      auto row,
      tx->GetDataKey(customer_id, static_cast<int>(keys::RetentionClass::kStandard)));
  if (!row) {
    return Error(Status::Integrity(
        "the customer's data key is missing from the keystore; the record cannot "
        "be decrypted"));
  }
  CVAULT_ASSIGN_OR_RETURN(auto dek, UnwrapKey(*row));
  return CacheSubjectKeys(customer_id, std::move(dek));
}

StatusOr<const SubjectKeys*> VaultCore::CacheSubjectKeys(std::string_view customer_id,
                                                         SecretBytes dek) {
  CVAULT_ASSIGN_OR_RETURN(auto pseudonym_key, crypto::DeriveSubkey(dek, 1, "cvpseudo"));
  CVAULT_ASSIGN_OR_RETURN(auto cipher,
                          crypto::FieldCipher::Create(kDataKeyId, std::move(dek)));
  std::string pseudonym =
      crypto::ToHex(crypto::KeyedBlake2b256(pseudonym_key, crypto::AsBytes(customer_id)));
  return subject_keys_.Insert(std::string(customer_id),
                              SubjectKeys{std::move(cipher), std::move(pseudonym)});
}

StatusOr<const crypto::FieldCipher*> VaultCore::FinancialCipherFor(
    std::string_view customer_id) {
  if (const SubjectKeys* hit = financial_keys_.Find(customer_id)) return &hit->cipher;
  constexpr int kFinancial = static_cast<int>(keys::RetentionClass::kFinancial);
  SecretBytes dek;
  {
    CVAULT_ASSIGN_OR_RETURN(auto tx, backend_->key_store().Begin(/*write=*/false));
    CVAULT_ASSIGN_OR_RETURN(auto row, tx->GetDataKey(customer_id, kFinancial));
    if (row) {
      CVAULT_ASSIGN_OR_RETURN(dek, UnwrapKey(*row));
    }
  }
  if (dek.empty() && domain::IsHoldId(customer_id)) {
    // A hold gets its key from the erasure; a new one would read nothing.
    return Error(Status::Integrity(
        "the retention hold's data key is missing from the keystore; its records "
        "cannot be decrypted"));
  }
  if (dek.empty()) {
    // First financial record of this customer: the key is committed before
    // the row that needs it, as for the standard key. Another process may
    // have made it since the read above; then that one is used.
    CVAULT_ASSIGN_OR_RETURN(auto tx, BeginKeyWrite());
    CVAULT_ASSIGN_OR_RETURN(auto existing, tx->GetDataKey(customer_id, kFinancial));
    if (existing) {
      CVAULT_ASSIGN_OR_RETURN(dek, UnwrapKey(*existing));
    } else {
      dek = keys::NewDataKey();
      CVAULT_ASSIGN_OR_RETURN(
          auto row,
          keys::WrapDataKey(*keyring_, customer_id, keys::RetentionClass::kFinancial, dek,
                            NowMicros()));
      CVAULT_RETURN_IF_ERROR(tx->InsertDataKey(row));
      CVAULT_RETURN_IF_ERROR(tx->Commit());
    }
  }
  CVAULT_ASSIGN_OR_RETURN(auto cipher,
                          crypto::FieldCipher::Create(kFinancialKeyId, std::move(dek)));
  const SubjectKeys* cached = financial_keys_.Insert(std::string(customer_id),
                                                     SubjectKeys{std::move(cipher), ""});
  return &cached->cipher;
}

StatusOr<const SubjectKeys*> VaultCore::NewSubjectKeys(std::string_view customer_id) {
  // Committed to the keystore before any row that needs it
  // (docs/architecture.md): a crash in between leaves an orphan key, never
  // an unreadable row.
  // Wrapped inside the keystore transaction, under the primary KEK of the
  // keyring generation it names (shared_state.cc).
  SecretBytes dek = keys::NewDataKey();
  CVAULT_ASSIGN_OR_RETURN(auto tx, BeginKeyWrite());
  CVAULT_ASSIGN_OR_RETURN(
      auto row, keys::WrapDataKey(*keyring_, customer_id, keys::RetentionClass::kStandard,
                                  dek, NowMicros()));
  CVAULT_RETURN_IF_ERROR(tx->InsertDataKey(row));
  CVAULT_RETURN_IF_ERROR(tx->Commit());
  return CacheSubjectKeys(customer_id, std::move(dek));
}

}  // namespace cvault::internal
