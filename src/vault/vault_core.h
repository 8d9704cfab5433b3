// VaultCore: everything an open vault holds (keyring, stores, policy, audit
// writer, data-key cache) and the operations behind the public facade. Every
// operation is decided by the access policy and audited, allowed or denied:
// each runs as an AuditedCall (audited_call.h), which owns the call's
// transaction and leaves exactly one audit entry however the call ends.
// The operations live in one *_ops.cc file per area (customers, consents,
// support, refunds, rights, erasure and purge, export, key duties, backup,
// audit log) over a small shared kernel: audited_call.cc, decide.cc,
// subject_keys.cc, shared_state.cc, vault_open.cc.
//
// Thread-safe. One lock (vault_lock.h) guards an open vault: every call
// that writes, or refreshes this process's caches, holds it exclusively.
// The customer reads (get, find, the look-ups) hold it shared and run in
// parallel: each reads and decrypts in a parallel read transaction of its
// own and hands its audit entry to the group committer (group_commit.h),
// returning once the commit that holds the entry is durable. A read that
// needs more than the caches give it (a data key not cached yet, caches
// another process made stale, a changed policy file) runs again as an
// exclusive call (AuditedCall::NeedExclusive). Several processes may open the
// same vault: nothing another process can change is trusted from memory
// (shared_state.cc says what is cached and how it is refreshed). Neither
// copyable nor movable.
#ifndef CVAULT_VAULT_VAULT_CORE_H_
#define CVAULT_VAULT_VAULT_CORE_H_

#include <spdlog/spdlog.h>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <span>
#include <string>
#include <vector>

#include "audit/audit_writer.h"
#include "crypto/blind_index.h"
#include "cvault/options.h"
#include "cvault/vault.h"
#include "keys/keyring.h"
#include "policy/decision.h"
#include "store/backend.h"
#include "store/store.h"
#include "vault/audited_call.h"
#include "vault/decided.h"
#include "vault/audit_head.h"
#include "vault/erasure_ledger.h"
#include "vault/group_commit.h"
#include "vault/subject_key_cache.h"
#include "vault/vault_holders.h"
#include "vault/vault_lock.h"

namespace cvault::domain {
struct ExportSubjectData;
}  // namespace cvault::domain

namespace cvault::internal {

// Identifies one version of the keyring file (saves replace it by rename):
// rereading is skipped while the file is the one already loaded.
struct KeyringStamp {
  std::uint64_t inode = 0;
  std::int64_t size = -1;
  std::int64_t mtime_ns = 0;
  static KeyringStamp Of(const std::filesystem::path& file);
  bool operator==(const KeyringStamp&) const = default;
};

class VaultCore {
 public:
  [[nodiscard]] static StatusOr<std::unique_ptr<VaultCore>> Create(Options options);
  [[nodiscard]] static StatusOr<std::unique_ptr<VaultCore>> Open(Options options);
  // Open with the vault folder already joined (Restore joins it exclusively
  // before it replaces the files).
  [[nodiscard]] static StatusOr<std::unique_ptr<VaultCore>> Open(Options options,
                                                                 VaultHolders holders);
  // Vault::Restore (backup_ops.cc).
  [[nodiscard]] static StatusOr<std::unique_ptr<VaultCore>> Restore(
      Options options, const std::filesystem::path& backup_dir, const AccessContext& ctx,
      RestoreResult* result);
  ~VaultCore();
  VaultCore(const VaultCore&) = delete;
  VaultCore& operator=(const VaultCore&) = delete;

  [[nodiscard]] Status Close();

  // Customers (customer_ops.cc).
  [[nodiscard]] StatusOr<CustomerId> CreateCustomer(const AccessContext& ctx,
                                                    const NewCustomer& customer);
  // Customers::Import (import_ops.cc).
  [[nodiscard]] StatusOr<ImportReport> ImportCustomers(const AccessContext& ctx,
                                                       std::span<const NewCustomer> records,
                                                       const ProgressFn& progress,
                                                       std::size_t batch);
  [[nodiscard]] StatusOr<CustomerRecord> GetCustomer(
      const AccessContext& ctx, const CustomerId& id,
      std::span<const CustomerField> fields);
  [[nodiscard]] StatusOr<std::vector<CustomerId>> FindCustomers(const AccessContext& ctx,
                                                                CustomerField by,
                                                                std::string_view value);
  // A find by email or phone (`by`), which with `read` also reads those
  // fields (all when empty) of every match in the same call: decided as
  // customer.find and customer.read, recorded as one entry. Without `read`
  // the records hold only ids.
  [[nodiscard]] StatusOr<std::vector<CustomerRecord>> LookUp(
      const AccessContext& ctx, CustomerField by, std::string_view value,
      std::optional<std::span<const CustomerField>> read);
  [[nodiscard]] Status UpdateCustomer(const AccessContext& ctx, const CustomerId& id,
                                      const CustomerUpdate& update);
  [[nodiscard]] StatusOr<std::vector<CustomerId>> ListCustomerIds(
      const AccessContext& ctx, const std::optional<CustomerId>& after,
      std::size_t limit);

  // Consents and notices (consent_ops.cc).
  [[nodiscard]] StatusOr<ConsentEvent> GrantConsent(const AccessContext& ctx,
                                                    const CustomerId& id,
                                                    const ConsentGrant& grant);
  // How a follow-up consent event reached the controller.
  struct ConsentMeans {
    std::string_view collection_method;
    std::string_view channel;
  };
  // Withdraw, renew or record expiry: a follow-up event in an existing chain.
  // `means` (a withdrawal's own, checked) replaces the previous receipt's
  // collection method and channel; without it they are kept.
  [[nodiscard]] StatusOr<ConsentEvent> ChangeConsent(
      const AccessContext& ctx, const CustomerId& id, std::string_view purpose,
      ConsentEventType type, std::optional<Timestamp> expires_at, std::string_view actor,
      std::optional<ConsentMeans> means = std::nullopt);
  [[nodiscard]] StatusOr<std::vector<ConsentEvent>> ConsentHistory(
      const AccessContext& ctx, const CustomerId& id);
  [[nodiscard]] StatusOr<std::vector<ConsentState>> ConsentStatuses(
      const AccessContext& ctx, const CustomerId& id, std::optional<Timestamp> as_of);
  [[nodiscard]] StatusOr<ConsentReport> ConsentReportFor(const AccessContext& ctx,
                                                         std::string_view purpose,
                                                         std::optional<Timestamp> as_of);
  [[nodiscard]] StatusOr<Notice> RegisterNotice(const AccessContext& ctx,
                                                std::string_view notice_id,
                                                std::string_view version,
                                                std::string_view text);

  // Support tickets (support_ops.cc).
  [[nodiscard]] StatusOr<std::string> OpenTicket(const AccessContext& ctx,
                                                 const NewTicket& ticket);
  [[nodiscard]] Status RecordAttempt(const AccessContext& ctx, std::string_view ticket_id,
                                     FixOutcome outcome, std::string_view note,
                                     std::optional<Timestamp> at);
  [[nodiscard]] Status RecordCustomerReply(const AccessContext& ctx,
                                           std::string_view ticket_id,
                                           std::optional<Timestamp> at);
  [[nodiscard]] Status ResolveTicket(const AccessContext& ctx, std::string_view ticket_id,
                                     TicketState outcome);
  [[nodiscard]] StatusOr<Ticket> GetTicket(const AccessContext& ctx,
                                           std::string_view ticket_id);

  // Refund cases (refund_ops.cc).
  [[nodiscard]] StatusOr<std::string> OpenRefund(const AccessContext& ctx,
                                                 const NewRefundCase& refund);
  [[nodiscard]] Status LinkTicket(const AccessContext& ctx, std::string_view case_id,
                                  std::string_view ticket_id);
  [[nodiscard]] StatusOr<EligibilityDecision> AssessRefund(const AccessContext& ctx,
                                                           std::string_view case_id,
                                                           std::optional<Timestamp> at);
  [[nodiscard]] Status TransitionRefund(const AccessContext& ctx,
                                        std::string_view case_id, RefundStatus to,
                                        std::string_view note);
  [[nodiscard]] Status AttachPayment(const AccessContext& ctx, std::string_view case_id,
                                     const PaymentReference& payment);
  [[nodiscard]] Status NotifyCustomer(const AccessContext& ctx, std::string_view case_id,
                                      std::string_view channel,
                                      std::string_view template_id);
  [[nodiscard]] StatusOr<RefundCase> GetRefund(const AccessContext& ctx,
                                               std::string_view case_id);
  [[nodiscard]] StatusOr<std::vector<OverdueCase>> OverdueRefunds(
      const AccessContext& ctx, std::optional<Timestamp> at);

  // Purchase records (purchase_ops.cc).
  [[nodiscard]] StatusOr<std::string> RecordPurchase(const AccessContext& ctx,
                                                     const NewPurchase& purchase);
  [[nodiscard]] StatusOr<PurchaseRecord> GetPurchase(const AccessContext& ctx,
                                                     std::string_view purchase_id);

  // Rights (rights_ops.cc). `request_id` (may be empty) names the
  // data-subject request a restriction fulfils.
  [[nodiscard]] Status SetRestriction(const AccessContext& ctx, const CustomerId& id,
                                      bool restricted, bool customer_informed,
                                      std::string_view request_id);

  // Data-subject requests (dsr_ops.cc).
  [[nodiscard]] StatusOr<DsrRequest> OpenDsrRequest(const AccessContext& ctx,
                                                    const NewDsrRequest& request);
  // One change to an open request: the identity check's result, an
  // extension, or a closure by hand.
  struct DsrChange {
    enum class Kind { kIdentityCheck, kExtension, kClosure };
    Kind kind = Kind::kClosure;
    bool verified = false;    // kIdentityCheck
    DsrExtension extension{};  // kExtension
    DsrClosure closure;        // kClosure
    static DsrChange IdentityCheck(bool verified) {
      return {Kind::kIdentityCheck, verified, {}, {}};
    }
    static DsrChange Extension(DsrExtension reason) {
      return {Kind::kExtension, false, reason, {}};
    }
    static DsrChange Closure(DsrClosure closure) {
      return {Kind::kClosure, false, {}, std::move(closure)};
    }
  };
  [[nodiscard]] StatusOr<DsrRequest> ChangeDsrRequest(const AccessContext& ctx,
                                                      std::string_view request_id,
                                                      const DsrChange& change);
  [[nodiscard]] StatusOr<DsrRequest> GetDsrRequest(const AccessContext& ctx,
                                                   std::string_view request_id);
  [[nodiscard]] StatusOr<std::vector<DsrRequest>> ListDsrRequests(
      const AccessContext& ctx, const DsrListing& listing);

  // Erasure and purge (erasure_ops.cc).
  [[nodiscard]] StatusOr<ErasureResult> EraseSubject(const AccessContext& ctx,
                                                     const CustomerId& id,
                                                     std::string_view request_id);
  [[nodiscard]] StatusOr<PurgeResult> Purge(const AccessContext& ctx);

  // Operator duties (key_ops.cc, blind_index_ops.cc, backup_ops.cc).
  [[nodiscard]] StatusOr<KekRotationResult> RotateKek(const AccessContext& ctx,
                                                      const ProgressFn& progress,
                                                      std::size_t batch);
  [[nodiscard]] Status ResealKeyring(const AccessContext& ctx,
                                     const RootKeySource& new_root, PassphraseCost cost);
  [[nodiscard]] Status RekeyDatabases(const AccessContext& ctx);
  [[nodiscard]] StatusOr<IndexRotationResult> RotateBlindIndex(const AccessContext& ctx,
                                                               const ProgressFn& progress,
                                                               std::size_t batch);
  [[nodiscard]] StatusOr<BackupResult> Backup(const AccessContext& ctx,
                                              const std::filesystem::path& dir);
  [[nodiscard]] StatusOr<CheckReport> Check(const AccessContext& ctx,
                                            const ProgressFn& progress);

  // Data-subject export (export_ops.cc).
  [[nodiscard]] StatusOr<std::string> ExportSubject(const AccessContext& ctx,
                                                    const CustomerId& id,
                                                    std::string_view request_id);
  [[nodiscard]] StatusOr<std::string> SigningPublicKey(const AccessContext& ctx);

  // Audit log (audit_ops.cc).
  [[nodiscard]] StatusOr<AuditVerifyReport> VerifyAudit(
      const AccessContext& ctx, const std::optional<AuditCheckpoint>& trusted);
  [[nodiscard]] StatusOr<std::vector<AuditEntry>> TailAudit(const AccessContext& ctx,
                                                            std::size_t count);
  [[nodiscard]] StatusOr<std::vector<AuditEntry>> SearchAudit(const AccessContext& ctx,
                                                              const AuditQuery& query);
  [[nodiscard]] StatusOr<AuditCheckpoint> Checkpoint(const AccessContext& ctx);

 private:
  friend class AuditedCall;  // the kernel writes through the core's stores
  explicit VaultCore(Options options);

  // One key duty (KEK rotation, index rotation, reseal, rekey) at a time in
  // the whole vault, across processes: the lease they take.
  static constexpr std::string_view kKeyDutyLease = "key_duty";

  // Opening and closing (vault_open.cc).
  [[nodiscard]] Status LoadPolicy();
  [[nodiscard]] Status FinishCreate();
  [[nodiscard]] Status OpenStores(bool create);
  [[nodiscard]] Status CheckVaultIdentity(bool create);
  [[nodiscard]] Status CloseLocked();
  // Applies the erasure ledger entries the vault database has not applied
  // yet (a restored backup, or a process that died mid-erasure); returns
  // how many customers it erased (erasure_ops.cc). Each entry is applied in
  // a write transaction that first checks nobody else applied it. REQUIRES
  // mu_ held.
  [[nodiscard]] StatusOr<std::uint64_t> ReplayLedger();
  // Appends `entry` to the ledger from inside the write transaction `tx`
  // that applies it; returns its seq. Busy when another process's entry is
  // not applied yet (the retry replays it first).
  [[nodiscard]] StatusOr<std::uint64_t> AppendLedger(store::VaultTransaction& tx,
                                                     LedgerEntry entry);
  // The erasure `erasure_id`, whose ledger line is `seq`, failed with
  // `cause` after that line was written: appends its withdrawal so no replay
  // carries it out, and returns what the call reports. That is `cause`,
  // unless the withdrawal cannot be written (Unavailable: the erasure will
  // be finished later, and the message says so) or the vault has applied
  // the line meanwhile (another process's replay between a failed commit
  // and the withdrawal: the message says the customer is erased).
  [[nodiscard]] Status WithdrawErasure(const std::string& erasure_id, std::uint64_t seq,
                                       Status cause);

  // Plumbing (vault_core.cc). All REQUIRE mu_ held.
  std::int64_t NowMicros() const;
  [[nodiscard]] Status RequireOpen() const;

  // The kernel (audited_call.cc). All REQUIRE mu_ held for the call's life.
  //
  // Begins the audited call of a public operation: checks the context's
  // shape (a bad one is audited as invalid_context under the policy
  // `action` and returned) and fills a request id when it has none.
  // With `retry_exclusive` it begins a shared call (audited_call.h), or
  // sets the flag and fails when the call needs the exclusive lock (a bad
  // context, a changed policy file). REQUIRES mu_ held shared for a shared
  // call, exclusively otherwise.
  [[nodiscard]] StatusOr<AuditedCall> StartCall(const AccessContext& in,
                                                std::string_view action,
                                                audit::AuditEvent event,
                                                bool* retry_exclusive = nullptr);
  // Runs a read operation as a shared call under mu_ held shared, and once
  // more under mu_ held exclusively when the shared run asked for it. A
  // call that finds the vault idle runs exclusively at once: alone, one
  // transaction costs less than a read and a group commit.
  // `op(retry_exclusive)` passes its argument on to StartCall.
  template <class Op>
  auto ReadInParallel(Op op) -> decltype(op(static_cast<bool*>(nullptr))) {
    {
      std::unique_lock alone(mu_, std::try_to_lock);
      if (alone.owns_lock()) return op(nullptr);
    }
    {
      std::shared_lock lock(mu_);
      bool retry = false;
      auto result = op(&retry);
      if (!retry) return result;
    }
    std::lock_guard lock(mu_);
    return op(nullptr);
  }
  // The group committer's commit (group_commit.h): appends the entries in
  // one write transaction and commits, then writes a checkpoint if one came
  // due. REQUIRES mu_ held shared by the caller, which the committer makes
  // the only user of the write connection (exclusive calls wait for it).
  [[nodiscard]] Status CommitAuditGroup(std::span<const GroupCommitter::Entry> entries);
  // After a commit that appended entries: writes a checkpoint when one came
  // due by count (`due_by_count`), or when the newest checkpoint of any
  // process is Options::checkpoint_interval old (looked at once per
  // interval). A failure is logged (the next due point makes it) rather
  // than failing the committed call.
  void CheckpointAfterCommit(bool due_by_count);
  std::int64_t CheckpointIntervalMicros() const;
  // An audited call for a context already checked: a later step of a call
  // StartCall began, or the vault's own SystemContext(). `tx`, when given,
  // is a transaction from BeginWrite the call takes over (housekeeping that
  // turned out to change something worth an entry). REQUIRES the vault open.
  AuditedCall StartCheckedCall(const AccessContext& ctx, audit::AuditEvent event,
                               std::unique_ptr<store::VaultTransaction> tx = nullptr);
  // `in` with a request id, every value that fails its check replaced (an
  // unchecked value could carry personal data), and the first problem.
  static AccessContext CheckedContext(const AccessContext& in, Status* problem);
  // The context of the vault's own housekeeping entries, with a fresh
  // request id.
  static AccessContext SystemContext();

  // Data keys (subject_keys.cc). REQUIRE mu_ held (shared only by KeysFor
  // for a shared call).
  // The customer's data-key cipher and audit pseudonym (cached). For a
  // shared `call` a miss reads the keystore in a parallel read, and ends the
  // call through NeedExclusive when the key is missing or names a KEK this
  // process has not loaded.
  [[nodiscard]] StatusOr<SubjectKeysPtr> KeysFor(std::string_view customer_id,
                                                 AuditedCall* call = nullptr);
  // The cipher for the customer's financial-class data key (refund records,
  // kept under a retention hold after erasure); created on first use.
  [[nodiscard]] StatusOr<const crypto::FieldCipher*> FinancialCipherFor(
      std::string_view customer_id);
  // The financial cipher of `owner` (a customer or a retention hold) when
  // its key is stored; unlike FinancialCipherFor, never makes one and never
  // caches (Check reads what is stored).
  [[nodiscard]] StatusOr<std::optional<crypto::FieldCipher>> StoredFinancialCipher(
      std::string_view owner);
  [[nodiscard]] static StatusOr<crypto::FieldCipher> MakeFinancialCipher(SecretBytes dek);
  [[nodiscard]] StatusOr<SubjectKeysPtr> NewSubjectKeys(std::string_view customer_id);
  [[nodiscard]] StatusOr<SubjectKeysPtr> CacheSubjectKeys(
      std::string_view customer_id, SecretBytes dek);
  // The cipher and pseudonym of `dek`, not cached (an import's keys would
  // only push the readers' keys out of the cache).
  [[nodiscard]] static StatusOr<SubjectKeys> MakeSubjectKeys(std::string_view customer_id,
                                                             SecretBytes dek);

  // Creating customers (customer_ops.cc, import_ops.cc). REQUIRE mu_ held.
  // Decides and validates one new customer for `ctx`.
  CheckedNewCustomer CheckNewCustomer(const AccessContext& ctx, const NewCustomer& customer);
  // One batch of an import in one write transaction (import_ops.cc):
  // appends an outcome per record to `out`. An error means nothing of the
  // batch was written (and `out` is unchanged).
  [[nodiscard]] Status ImportBatch(const AccessContext& ctx,
                                   std::span<const NewCustomer> records,
                                   std::vector<ImportOutcome>& out);

  // Deciding (decide.cc; decided.h has what it yields). REQUIRE mu_ held.
  // Everything below reads in the call's transaction (begun if it was not)
  // and finishes the call on a refusal, returning the refusal as the error.
  //
  // A customer's row (if any), keys and facts; sets the call's subject.
  [[nodiscard]] StatusOr<Subject> LoadSubject(AuditedCall& call,
                                              std::string_view customer_id);
  // Loads the customer and decides `request` with its facts. A denial or an
  // unknown customer is refused.
  [[nodiscard]] StatusOr<Decided> BeginForSubject(AuditedCall& call, const CustomerId& id,
                                                  policy::AccessRequest request,
                                                  bool ignore_restriction = false);
  // Like BeginForSubject, for an action on one ticket or refund case: loads
  // the case (of `kind`), then its customer, then decides. An unknown case
  // or one of another kind is refused as not_found. `duty` says what a
  // restricted or erased customer's case still allows (decided.h).
  [[nodiscard]] StatusOr<DecidedCase> BeginForCase(
      AuditedCall& call, std::string_view case_id, std::string_view kind,
      policy::AccessRequest request, CaseDuty duty = CaseDuty::kOrdinary);
  // The record of a loaded customer as `decision` returns it, decrypted
  // and masked; adds the fields to the call's entry. An undecryptable
  // field finishes the call (integrity_error) and is returned.
  [[nodiscard]] StatusOr<CustomerRecord> OpenRecord(AuditedCall& call,
                                                    const CustomerId& id,
                                                    const Subject& subject,
                                                    const policy::Decision& decision);
  // Denies unless the policy allows `act` (no customer) to the context.
  [[nodiscard]] Status DecideOperation(AuditedCall& call, std::string_view act);

  // BeginForCase for a refund case, plus its decrypted document
  // (refund_ops.cc).
  [[nodiscard]] StatusOr<OpenedRefund> BeginForRefund(
      AuditedCall& call, std::string_view case_id, policy::FieldUse use,
      CaseDuty duty = CaseDuty::kOrdinary);
  // The body of RecordAttempt and RecordCustomerReply: an audited write
  // (`audit_action`) on an open ticket at `at` (now when absent, within
  // [opened, now]); `add` changes the ticket and may refuse (audited as
  // invalid_input). Takes mu_ (support_ops.cc).
  [[nodiscard]] Status AddToOpenTicket(
      const AccessContext& in, std::string_view ticket_id, std::string_view audit_action,
      std::optional<Timestamp> at,
      const std::function<Status(Ticket&, Timestamp, audit::AuditEvent&)>& add);
  // OK when `ticket_id` is a ticket of the loaded customer about `product`;
  // otherwise InvalidArgument naming the ticket (the caller audits it).
  [[nodiscard]] Status CheckLinkable(AuditedCall& call, const Subject& subject,
                                     const Product& product, std::string_view ticket_id);
  // The purchase record of an opened case's order, if any, and the refunds
  // recorded against the order by the owner's other refund cases that may
  // still pay out (not failed), both read in the call's transaction, where
  // no other writer can change them before it commits (purchase_ops.cc).
  // An erased customer's records may be in the middle of the sweep: both
  // the customer and the hold are searched.
  struct OrderRecords {
    std::optional<PurchaseRecord> purchase;
    std::vector<PaymentReference> other_refunds;
  };
  [[nodiscard]] StatusOr<OrderRecords> ReadOrderRecords(AuditedCall& call,
                                                        const OpenedRefund& o,
                                                        bool with_refunds);
  // The eligibility of an opened case at `at` from its linked tickets and
  // its order's purchase record, read in the call's transaction.
  [[nodiscard]] StatusOr<EligibilityDecision> AssessLinkedTickets(AuditedCall& call,
                                                                  const OpenedRefund& o,
                                                                  Timestamp at);
  // Everything an export holds about a loaded customer, decrypted, read in
  // `tx` (export_ops.cc). REQUIRES mu_ held and subject.row set.
  [[nodiscard]] StatusOr<domain::ExportSubjectData> GatherExportData(
      store::VaultTransaction& tx, const CustomerId& id, const Subject& subject);
  // The data-subject request a rights call on `id` fulfils (dsr_ops.cc):
  // none when `request_id` is empty; otherwise read in the call's
  // transaction and checked (open, about `id`, of a kind in `answers`,
  // identity verified). A refusal finishes the call.
  [[nodiscard]] StatusOr<std::optional<store::DsrRequestRow>> BeginFulfilment(
      AuditedCall& call, std::string_view request_id, const CustomerId& id,
      std::span<const DsrKind> answers);
  // Closes `request` as fulfilled by `outcome_ref` in the call's transaction.
  [[nodiscard]] Status FinishFulfilment(AuditedCall& call, store::DsrRequestRow& request,
                                        std::string outcome_ref);
  // Takes the key-duty lease in the call's transaction (key_ops.cc). A duty
  // running elsewhere, or a keyring another process resealed, is refused.
  [[nodiscard]] Status BeginKeyDuty(AuditedCall& call);

  // State shared with other processes (shared_state.cc). All REQUIRE mu_.
  //
  // A write transaction on the vault database that first brings this
  // process's caches of shared state (keyring, blind-index keys and
  // versions) up to date when another process moved them: the vault's
  // generation is read inside the transaction, where nobody can move it
  // before the commit.
  [[nodiscard]] StatusOr<std::unique_ptr<store::VaultTransaction>> BeginWrite();
  // The same for the keystore: every key is wrapped under the KEKs of the
  // keyring generation the keystore names, read inside the transaction that
  // stores it, so no process wraps under a KEK a rotation has retired.
  [[nodiscard]] StatusOr<std::unique_ptr<store::KeyTransaction>> BeginKeyWrite();
  // Saves the keyring file while holding the keystore's write lock and
  // moves both generations (the vault's inside `vtx`), so every other
  // process reloads before its next write.
  [[nodiscard]] Status SaveKeyring(store::VaultTransaction& vtx);
  // Moves the vault's generation inside `vtx` (blind-index state changed).
  [[nodiscard]] Status BumpVaultGeneration(store::VaultTransaction& vtx);
  // Rereads Options::policy_file when it is no longer the file decider_
  // was loaded from (an operator replaced it); checked at the start of
  // every call (StartCall), so a new policy reaches every process before
  // its next decision. A file that no longer loads fails the call (fail
  // closed, audited) until it is fixed.
  [[nodiscard]] Status ReloadPolicyIfChanged();
  // Rereads the keyring file (a KEK this process has not seen, or a
  // generation that moved), unless it is the file already loaded.
  [[nodiscard]] Status ReloadKeyring();
  // Unwraps a data key, rereading the keyring first when the key names a
  // KEK this process has not seen (another process rotated).
  [[nodiscard]] StatusOr<SecretBytes> UnwrapKey(const store::DataKeyRow& row);
  // KeyFailure when another process resealed the keyring since this one
  // opened the vault (a key duty here would save it under the old root).
  [[nodiscard]] Status CheckNotResealed();
  // Reseals the keyring file under `new_root` while holding the keystore's
  // write lock, and moves the seal counter CheckNotResealed reads.
  [[nodiscard]] Status ResealUnderKeystoreLock(const RootKeySource& new_root,
                                               PassphraseCost cost);
  // For a shared call: whether this process's caches are current in `tx`
  // (the vault's generation has not moved since they were loaded).
  [[nodiscard]] StatusOr<bool> CachesCurrentIn(store::VaultTransaction& tx) const;
  // For a shared call: whether the policy file is no longer the one
  // decider_ was loaded from (ReloadPolicyIfChanged would reread it).
  bool PolicyFileChanged() const;
  // Reads both generations (and the blind-index state) after the stores
  // open, rereading the keyring file if it changed meanwhile.
  [[nodiscard]] Status LoadGenerations();
  // Leases make a duty exclusive across processes: a row in the vault's
  // meta naming the holder (VaultHolders token) and an expiry, taken inside
  // `tx` (committed by the caller). A lease held by a live holder that has
  // not expired is Busy; a dead holder's lease is taken over.
  [[nodiscard]] Status TakeLease(store::VaultTransaction& tx, std::string_view lease);
  // Extends this holder's lease; Busy if another holder has taken it.
  [[nodiscard]] Status RenewLease(std::string_view lease);
  // Ends this holder's lease (a failure is logged: the lease then ends with
  // this process or at its expiry).
  void ReleaseLease(std::string_view lease);
  // Releases a lease when it goes, taking mu_ itself (so it must not be
  // destroyed with mu_ held).
  class LeaseRelease {
   public:
    LeaseRelease(VaultCore& core, std::string_view lease) : core_(core), lease_(lease) {}
    ~LeaseRelease() {
      std::lock_guard lock(core_.mu_);
      core_.ReleaseLease(lease_);
    }
    LeaseRelease(const LeaseRelease&) = delete;
    LeaseRelease& operator=(const LeaseRelease&) = delete;

   private:
    VaultCore& core_;
    std::string_view lease_;
  };
  // Rekeys the databases not yet under the pending keys, then makes those
  // keys current in the keyring (saved; key_ops.cc).
  [[nodiscard]] Status FinishDbRekey(bool vault_done, bool keystore_done);
  // The blind indexers the vault database names (current, and next during
  // a rotation), read in `tx` (blind_index_ops.cc).
  [[nodiscard]] Status LoadIndexers(store::VaultTransaction& tx);

  // Erasure and purge steps (erasure_ops.cc, purge_ops.cc). REQUIRE mu_ held.
  // Check's parts (check_ops.cc): one customer's record, keys, consent
  // events and cases; the cases of `owner` (with `standard` null only
  // financial ones are opened). Problems go into `report`.
  void CheckCustomer(store::VaultTransaction& tx, const std::string& id,
                     CheckReport& report);
  void CheckCases(store::VaultTransaction& tx, const std::string& owner,
                  const crypto::FieldCipher* standard, CheckReport& report);

  // Records `appended` in the audit head file after its commit (a failed
  // write is logged, never the call's result).
  void RecordAuditHead(const audit::AuditWriter::Appended& appended);
  // At open (embedded): the database's audit log checked against the audit
  // head file, which is then kept from here on. Integrity when committed
  // transactions are missing (a warning only under Durability::kNormal,
  // where a power loss may take the last ones).
  [[nodiscard]] Status GuardAuditHead();

  // How many erasure ledger entries the vault database has applied.
  [[nodiscard]] StatusOr<std::uint64_t> LedgerApplied(store::VaultTransaction& tx);
  // Erases a decided, existing customer in the call (whose transaction
  // loaded `subject`), which it finishes; `replay` is the ledger entry being
  // re-applied (no new ledger line), or null for a new erasure.
  // `fulfils`, when not null, is the erasure request this erasure answers
  // (checked by BeginFulfilment): closed in the same transaction, before
  // the ledger line is written.
  [[nodiscard]] StatusOr<ErasureResult> EraseDecided(AuditedCall call,
                                                     const Subject& subject,
                                                     const CustomerId& id,
                                                     const LedgerEntry* replay,
                                                     store::DsrRequestRow* fulfils = nullptr);
  // Wraps the customer's financial data key again under `hold_id` and
  // commits it to the keystore.
  [[nodiscard]] Status GiveFinancialKeyToHold(std::string_view customer_id,
                                              std::string_view hold_id, std::int64_t now);
  // One bounded step of the sweep of a pending erasure, in `tx` (committed):
  // refund cases minimised and moved under the hold, then tickets and
  // consent events deleted, at most `limit` rows. Returns how many rows it
  // handled; 0 means none was left, and the erasure is then marked swept in
  // an audited call that takes `tx` over.
  [[nodiscard]] StatusOr<std::size_t> SweepErasureStep(
      std::unique_ptr<store::VaultTransaction> tx, const AccessContext& ctx,
      const store::PendingErasureRow& p, std::size_t limit);
  // The purge's orphan sweep: deletes data keys older than the grace period
  // that no customer or hold owns, in batches, one lock each; records one
  // vault.recover entry when it removed any. Returns how many it removed.
  // REQUIRES mu_ not held.
  [[nodiscard]] StatusOr<std::size_t> RemoveOrphanKeys(const AccessContext& ctx);
  // Shreds a hold past its end in an audited call that takes `tx` over;
  // returns how many records it held.
  [[nodiscard]] StatusOr<std::size_t> PurgeHold(
      std::unique_ptr<store::VaultTransaction> tx, const AccessContext& ctx,
      const store::HoldRow& hold, const LedgerEntry* replay);
  // Deletes every data key of a customer or hold, evicts them from the
  // caches and has the backend forget the deleted content.
  [[nodiscard]] Status ShredKeysOf(std::string_view owner);
  // Asks the backend to forget deleted content (after deletions), logging
  // a failure.
  void ForgetDeletedContent();

  Options options_;
  // Formats the operational log and hands it to Options::log (log_sink.h).
  std::shared_ptr<spdlog::logger> logger_;
  mutable VaultLock mu_;
  bool open_ = false;
  std::optional<keys::Keyring> keyring_;
  // Where the stores live (Options::store), and the stores once open.
  std::unique_ptr<store::BackendSite> site_;
  std::unique_ptr<store::Backend> backend_;
  std::optional<crypto::BlindIndexer> indexer_;
  // Set during a blind-index rotation: writes maintain both indexes.
  std::optional<crypto::BlindIndexer> next_indexer_;
  std::uint32_t index_version_ = 0;
  // Per-process caches of shared state: the generations this process last
  // loaded keyring_, indexer_ and next_indexer_ at (shared_state.cc).
  std::uint64_t vault_generation_ = 0;
  std::uint64_t keyring_generation_ = 0;
  KeyringStamp keyring_stamp_;      // the keyring file keyring_ was read from
  KeyringStamp policy_stamp_;       // the policy file decider_ was read from
  std::uint64_t keyring_seal_ = 0;  // reseals seen (keystore meta keyring.seal)
  // This process's registration in the vault folder (restore and rekey
  // need the vault to themselves; leases name their holder by its token).
  std::optional<VaultHolders> holders_;
  std::optional<audit::AuditWriter> audit_;
  // The last committed audit entry, kept beside vault.db (embedded only).
  AuditHeadFile audit_head_;
  std::optional<ErasureLedger> ledger_;
  // What the last ReplayLedger did (reported by Restore).
  std::uint64_t replayed_entries_ = 0;
  std::uint64_t replayed_erasures_ = 0;
  policy::AccessDecider decider_;  // replaced by the policy file at open
  SubjectKeyCache subject_keys_;
  SubjectKeyCache financial_keys_;  // ciphers only; pseudonyms stay in subject_keys_
  // When CheckpointAfterCommit next looks at the newest checkpoint's age.
  std::atomic<std::int64_t> next_checkpoint_check_us_{0};
  // Commits the entries of shared calls in groups (CommitAuditGroup).
  GroupCommitter committer_{[this](std::span<const GroupCommitter::Entry> entries) {
    return CommitAuditGroup(entries);
  }};
};

}  // namespace cvault::internal

#endif  // CVAULT_VAULT_VAULT_CORE_H_
