// cvault::Vault: the library's entry point. Open one per process and share it;
// it is thread-safe. Every call takes an AccessContext, is decided by the
// access policy, and is audited whether it is allowed or denied.
//
//   cvault::Options options;
//   options.vault_dir = "/var/lib/shop/vault";
//   options.keys_dir = "/etc/shop/keys";
//   options.root_key = cvault::KeyFile{"/etc/shop/keys/root.key"};
//   auto vault = cvault::Vault::Open(std::move(options));
//   if (!vault) { /* vault.error().ToString() */ }
//   cvault::AccessContext ctx{"support-7", "support-agent", "support",
//                             "ticket follow-up", ""};
//   auto id = (*vault)->customers().FindByEmail(ctx, "ada@example.com");
//
// Vault is neither copyable nor movable; hold it by the unique_ptr it comes
// in. Customers and AuditLog are views into it, valid while it lives.
#ifndef CVAULT_VAULT_H_
#define CVAULT_VAULT_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "cvault/access.h"
#include "cvault/audit.h"
#include "cvault/consent.h"
#include "cvault/customer.h"
#include "cvault/dsr.h"
#include "cvault/erasure.h"
#include "cvault/export.h"
#include "cvault/operations.h"
#include "cvault/options.h"
#include "cvault/refund.h"
#include "cvault/status.h"
#include "cvault/visibility.h"

namespace cvault {

namespace internal {
class VaultCore;
}

// Customer identities: create, read, look up, rectify. Thread-safe.
class CVAULT_EXPORT Customers {
 public:
  // Validates every field (errors name the field, never its value), refuses
  // anything that looks like a payment card number, and stores nothing when
  // a field is rejected. Emails are unique within a vault.
  [[nodiscard]] StatusOr<CustomerId> Create(const AccessContext& ctx,
                                            const NewCustomer& customer);

  // Returns the requested fields (all when `fields` is empty) that the policy
  // lets this context see, masked where it says so; the others are listed as
  // withheld. Denied outright when the purpose may see none of them.
  [[nodiscard]] StatusOr<CustomerRecord> Get(
      const AccessContext& ctx, const CustomerId& id,
      std::span<const CustomerField> fields = {});

  // Exact-match lookups through blind indexes (email: trimmed, lower-cased;
  // phone: E.164). NotFound when nobody matches.
  [[nodiscard]] StatusOr<CustomerId> FindByEmail(const AccessContext& ctx,
                                                 std::string_view email);
  [[nodiscard]] StatusOr<std::vector<CustomerId>> FindByPhone(
      const AccessContext& ctx, std::string_view phone);

  // A look-up and a read in one call, one audit entry and one commit: the
  // customer with this email (every customer with this phone), with
  // `fields` (all when empty) as Get returns them. The policy must allow
  // both the find (customer.find on the email or phone) and the read
  // (customer.read on the fields); the entry is a customer.read naming
  // every match. NotFound when nobody matches.
  [[nodiscard]] StatusOr<CustomerRecord> GetByEmail(
      const AccessContext& ctx, std::string_view email,
      std::span<const CustomerField> fields = {});
  [[nodiscard]] StatusOr<std::vector<CustomerRecord>> GetByPhone(
      const AccessContext& ctx, std::string_view phone,
      std::span<const CustomerField> fields = {});

  // Bulk create: every record checked as Create checks it (policy,
  // validation, card screening, a taken email, including one taken by an
  // earlier record of the same import), each created with its own data key
  // and recorded by its own audit entry, in batches of `batch` records per
  // transaction. A refused record is reported in its outcome and never
  // stops, or half-writes, the others. `progress` (stage "import") is
  // called after each batch, with no lock held. An error is returned only
  // when nothing was written: a bad context, a closed vault, a zero batch.
  [[nodiscard]] StatusOr<ImportReport> Import(const AccessContext& ctx,
                                              std::span<const NewCustomer> records,
                                              const ProgressFn& progress = {},
                                              std::size_t batch = 500);

  // Rectification: validates like Create; all or nothing.
  [[nodiscard]] Status Update(const AccessContext& ctx, const CustomerId& id,
                              const CustomerUpdate& update);

  // Customer ids in ascending id order, greater than `after` (which need
  // not exist any more), at most `limit` of them. Ids are random, so the
  // order is stable for paging but says nothing about creation time.
  [[nodiscard]] StatusOr<std::vector<CustomerId>> ListIds(
      const AccessContext& ctx, std::optional<CustomerId> after = std::nullopt,
      std::size_t limit = 1000);

 private:
  friend class Vault;
  explicit Customers(internal::VaultCore& core) : core_(core) {}
  internal::VaultCore& core_;
};

// The audit log: read it, verify it, export checkpoints. Thread-safe.
class CVAULT_EXPORT AuditLog {
 public:
  // Walks the whole chain and every stored checkpoint. With `trusted`, also
  // checks that the log still contains that checkpoint's entry with the same
  // hash (detects truncation and forks). A broken log is reported in the
  // result (ok == false, first bad sequence); the Status is for access and
  // I/O failures.
  [[nodiscard]] StatusOr<AuditVerifyReport> Verify(
      const AccessContext& ctx,
      const std::optional<AuditCheckpoint>& trusted = std::nullopt);

  // The last `count` entries, oldest first.
  [[nodiscard]] StatusOr<std::vector<AuditEntry>> Tail(const AccessContext& ctx,
                                                       std::size_t count);

  // The entries matching `query`, oldest first (by sequence), at most
  // query.limit of them; fewer means the search reached the head of the
  // log. Decrypts nothing. Action "audit.search" (in the default policy the
  // dpo, purposes dsr and legal_compliance): a customer filter links
  // pseudonymous entries back to a customer, which the auditor's audit
  // purpose has no need for. The search is audited, naming the customer's
  // pseudonym when it filters by customer, so it appears in that
  // customer's own access log. InvalidArgument naming the filter for a bad
  // filter; NotFound when the customer does not exist (never did, or was
  // erased).
  [[nodiscard]] StatusOr<std::vector<AuditEntry>> Search(const AccessContext& ctx,
                                                         const AuditQuery& query);

  // Signs a checkpoint at the current head (if the head moved since the last
  // one) and returns the latest checkpoint.
  [[nodiscard]] StatusOr<AuditCheckpoint> Checkpoint(const AccessContext& ctx);

  // The vault's Ed25519 signing public key (64 lower-case hex digits): it
  // verifies checkpoints and data-subject exports (VerifyExport). Public
  // information, so any role acting for a purpose the policy lets it use may
  // read it; the read is audited ("keys.public").
  [[nodiscard]] StatusOr<std::string> SigningPublicKey(const AccessContext& ctx);

 private:
  friend class Vault;
  explicit AuditLog(internal::VaultCore& core) : core_(core) {}
  internal::VaultCore& core_;
};

// Consent records and their audit. Thread-safe.
class CVAULT_EXPORT Consents {
 public:
  // Records that the customer gave consent. Refused when the purpose does
  // not rest on consent or the notice version is not registered.
  [[nodiscard]] StatusOr<ConsentEvent> Grant(const AccessContext& ctx,
                                             const CustomerId& id,
                                             const ConsentGrant& grant);
  // Withdrawal takes one call, like giving. The event records the
  // withdrawal's own collection method and channel (checked against the
  // same lists as a grant's; InvalidArgument naming the field) and actor;
  // the rest of its receipt is the grant's. FailedPrecondition when there
  // is no active consent for the purpose.
  [[nodiscard]] StatusOr<ConsentEvent> Withdraw(const AccessContext& ctx,
                                                const CustomerId& id,
                                                const ConsentWithdrawal& withdrawal);
  // The same for a withdrawal that reached the controller through the
  // calling service itself: recorded with method "api" and channel "api".
  [[nodiscard]] StatusOr<ConsentEvent> Withdraw(const AccessContext& ctx,
                                                const CustomerId& id,
                                                std::string_view purpose,
                                                std::string_view actor = "customer");
  // Re-affirms active or lapsed consent, optionally with a new expiry.
  [[nodiscard]] StatusOr<ConsentEvent> Renew(
      const AccessContext& ctx, const CustomerId& id, std::string_view purpose,
      std::optional<Timestamp> expires_at, std::string_view actor = "customer");
  // Records the lapse of consent whose expiry has passed (housekeeping;
  // access already stopped at the expiry).
  [[nodiscard]] StatusOr<ConsentEvent> RecordExpiry(const AccessContext& ctx,
                                                    const CustomerId& id,
                                                    std::string_view purpose);
  // Every event of the customer, oldest first.
  [[nodiscard]] StatusOr<std::vector<ConsentEvent>> History(const AccessContext& ctx,
                                                            const CustomerId& id);
  // The customer's state for every consent-based purpose, now or as of a
  // past instant.
  [[nodiscard]] StatusOr<std::vector<ConsentState>> Status(
      const AccessContext& ctx, const CustomerId& id,
      std::optional<Timestamp> as_of = std::nullopt);
  // Counts per status for one purpose; decrypts nothing.
  [[nodiscard]] StatusOr<ConsentReport> Report(const AccessContext& ctx,
                                               std::string_view purpose,
                                               std::optional<Timestamp> as_of = std::nullopt);
  // Registers a notice version; its SHA-256 goes into every receipt that
  // cites it. AlreadyExists for a registered (id, version).
  [[nodiscard]] StatusOr<Notice> RegisterNotice(const AccessContext& ctx,
                                                std::string_view notice_id,
                                                std::string_view version,
                                                std::string_view text);

 private:
  friend class Vault;
  explicit Consents(internal::VaultCore& core) : core_(core) {}
  internal::VaultCore& core_;
};

// Support tickets: the evidence refund eligibility rests on. Used by the
// support module (role support-agent, purpose support). Thread-safe.
class CVAULT_EXPORT Support {
 public:
  // Returns the new ticket id ("tkt_...").
  [[nodiscard]] StatusOr<std::string> OpenTicket(const AccessContext& ctx,
                                                 const NewTicket& ticket);
  // A fix attempt on an open ticket, at `at` (now when absent).
  [[nodiscard]] Status RecordAttempt(const AccessContext& ctx, std::string_view ticket_id,
                                     FixOutcome outcome, std::string_view note = "",
                                     std::optional<Timestamp> at = std::nullopt);
  // The customer answered support on an open ticket, at `at` (now when
  // absent): after a needs_customer attempt, the refund clock runs again
  // from here.
  [[nodiscard]] Status RecordCustomerReply(const AccessContext& ctx,
                                           std::string_view ticket_id,
                                           std::optional<Timestamp> at = std::nullopt);
  // Closes an open ticket as fixed, or as "support cannot fix" (unfixable).
  [[nodiscard]] Status Resolve(const AccessContext& ctx, std::string_view ticket_id,
                               TicketState outcome);
  [[nodiscard]] StatusOr<Ticket> GetTicket(const AccessContext& ctx,
                                           std::string_view ticket_id);

 private:
  friend class Vault;
  explicit Support(internal::VaultCore& core) : core_(core) {}
  internal::VaultCore& core_;
};

// Refund cases under the company's refund policy. Used by the refund module
// (role refund-service, purpose refund_processing). Thread-safe.
class CVAULT_EXPORT Refunds {
 public:
  // Returns the new case id ("rfd_..."). Linked tickets must belong to the
  // same customer.
  [[nodiscard]] StatusOr<std::string> Open(const AccessContext& ctx,
                                           const NewRefundCase& refund);
  [[nodiscard]] Status LinkTicket(const AccessContext& ctx, std::string_view case_id,
                                  std::string_view ticket_id);
  // Decides eligibility under the policy from the linked tickets, at `at`
  // (now when absent); the decision and its evidence are kept on the case.
  [[nodiscard]] StatusOr<EligibilityDecision> Assess(
      const AccessContext& ctx, std::string_view case_id,
      std::optional<Timestamp> at = std::nullopt);
  // Moves the case along its lifecycle; an invalid move changes nothing.
  // Approval needs the latest assessment to be eligible.
  [[nodiscard]] Status Transition(const AccessContext& ctx, std::string_view case_id,
                                  RefundStatus to, std::string_view note = "");
  // Records one refund against the order's charge (or completes a pending
  // one: the same charge and amount, now with its refund id). Needs the
  // order's purchase record; the refunds of all the customer's cases for the
  // order stay within the amount charged, in the charge's currency.
  [[nodiscard]] Status AttachPayment(const AccessContext& ctx, std::string_view case_id,
                                     const PaymentReference& payment);
  // Records what the customer was shown and acknowledged when buying one
  // order (one record per order). Returns the purchase id ("pur_...").
  // Allowed to the action "refund.record_purchase".
  [[nodiscard]] StatusOr<std::string> RecordPurchase(const AccessContext& ctx,
                                                     const NewPurchase& purchase);
  [[nodiscard]] StatusOr<PurchaseRecord> GetPurchase(const AccessContext& ctx,
                                                     std::string_view purchase_id);
  // Records an update sent to the customer; restarts the update clock.
  [[nodiscard]] Status Notify(const AccessContext& ctx, std::string_view case_id,
                              std::string_view channel, std::string_view template_id);
  [[nodiscard]] StatusOr<RefundCase> Get(const AccessContext& ctx,
                                         std::string_view case_id);
  // Open cases past their processing promise or owing the customer an
  // update, as of `at` (now when absent). Decrypts nothing.
  [[nodiscard]] StatusOr<std::vector<OverdueCase>> Overdue(
      const AccessContext& ctx, std::optional<Timestamp> at = std::nullopt);

 private:
  friend class Vault;
  explicit Refunds(internal::VaultCore& core) : core_(core) {}
  internal::VaultCore& core_;
};

// Data-subject rights. Thread-safe.
class CVAULT_EXPORT Rights {
 public:
  // GDPR Art. 18: the data is kept but every purpose other than
  // legal_compliance and dsr is denied (reason "restricted").
  // With `request_id`, the restriction fulfils that data-subject request
  // (below) in the same transaction, or is refused with it.
  [[nodiscard]] Status Restrict(const AccessContext& ctx, const CustomerId& id,
                                std::string_view request_id = {});
  // Lifting requires that the customer was told beforehand (Art. 18(3));
  // that is recorded in the audit entry.
  [[nodiscard]] Status LiftRestriction(const AccessContext& ctx, const CustomerId& id,
                                       bool customer_informed);

  // GDPR Art. 15 and 20: everything the vault holds about the customer, as
  // one signed JSON document (cvault/export.h, docs/export.md). Returns the
  // document's exact bytes; write them unchanged (no added newline) or
  // VerifyExport fails. Allowed to the action "dsr.export": in the default
  // policy the dpo (purpose dsr) for any customer, and purpose self_service
  // only when ctx.principal_id is the customer's own id (otherwise denied
  // with reason "not_own_data"). Works while the customer is restricted.
  // Audited as "dsr.export"; the document's access log ends just before
  // that entry.
  // With `request_id`, the export fulfils that access or portability
  // request (below), or is refused with it.
  [[nodiscard]] StatusOr<std::string> Export(const AccessContext& ctx,
                                             const CustomerId& id,
                                             std::string_view request_id = {});

  // GDPR Art. 17, per field group (docs/erasure.md). Identity, contact,
  // marketing profile, consent records and support evidence are destroyed
  // now: the customer's data key is shredded and their rows and blind-index
  // entries deleted. Refund records are kept, minimised (amounts, payment
  // references, status history; no notes, tickets or customer link), under
  // a retention hold with its own key until Options::retention says, then
  // shredded by Purge. The erasure is written to the erasure ledger, so a
  // restore of an older backup cannot bring the customer back. Afterwards
  // every call about the id answers not_found and the audit entries about
  // the customer can no longer be linked to them. Action "dsr.erase" (the
  // dpo, purpose dsr); works while the customer is restricted.
  // With `request_id`, the erasure fulfils that erasure request (below), or
  // is refused with it before anything is erased.
  [[nodiscard]] StatusOr<ErasureResult> Erase(const AccessContext& ctx,
                                              const CustomerId& id,
                                              std::string_view request_id = {});

  // The purge job: shreds every retention hold past its end (key, records,
  // hold) and records an "expired" event for every consent whose expiry has
  // passed without one. Action "dsr.purge" (dsr or operations).
  [[nodiscard]] StatusOr<PurgeResult> Purge(const AccessContext& ctx);

  // Data-subject requests tracked to their deadlines (cvault/dsr.h,
  // docs/dsr-requests.md). Every call is the action "dsr.request" (the dpo,
  // purpose dsr) and audited; a request's row holds codes, times and ids,
  // never a personal value, and outlives the customer's erasure.
  //
  // Records a request received from an existing customer (restricted or
  // not): open, identity pending, due one calendar month after receipt.
  [[nodiscard]] StatusOr<DsrRequest> OpenRequest(const AccessContext& ctx,
                                                 const NewDsrRequest& request);
  // Records whether the requester was shown to be the customer.
  [[nodiscard]] StatusOr<DsrRequest> RecordIdentityCheck(const AccessContext& ctx,
                                                         std::string_view request_id,
                                                         bool verified);
  // Takes two more months, once, within the first month.
  [[nodiscard]] StatusOr<DsrRequest> ExtendRequest(const AccessContext& ctx,
                                                   std::string_view request_id,
                                                   DsrExtension reason);
  // Closes a request by hand (DsrClosure). Access, portability, erasure
  // and restriction requests are fulfilled only by the call that answers
  // them.
  [[nodiscard]] StatusOr<DsrRequest> CloseRequest(const AccessContext& ctx,
                                                  std::string_view request_id,
                                                  const DsrClosure& closure);
  [[nodiscard]] StatusOr<DsrRequest> GetRequest(const AccessContext& ctx,
                                                std::string_view request_id);
  [[nodiscard]] StatusOr<std::vector<DsrRequest>> ListRequests(
      const AccessContext& ctx, const DsrListing& listing = {});

 private:
  friend class Vault;
  explicit Rights(internal::VaultCore& core) : core_(core) {}
  internal::VaultCore& core_;
};

// The operator's key and backup duties (role operator, purpose operations:
// legitimate interest, no personal field is ever returned). Every call is
// audited. Long jobs work in batches and let other calls run in between, so
// the vault keeps serving reads and writes. Thread-safe. One key duty at a
// time in the whole vault, across every process that has it open: a second
// one started while one runs fails with Busy (reason "job_running"); the
// duty of a process that died is taken over by the next call.
class CVAULT_EXPORT Operations {
 public:
  // KEK rotation: a new primary KEK, every data key rewrapped under it in
  // batches of `batch` (field ciphertext untouched), then every KEK no key
  // uses any more retired from the keyring. Resumable: after a crash or
  // kill, calling it again finishes the rotation already begun instead of
  // starting another.
  [[nodiscard]] StatusOr<KekRotationResult> RotateKek(const AccessContext& ctx,
                                                      const ProgressFn& progress = {},
                                                      std::size_t batch = 500);
  // Seals the keyring under a new passphrase or key file; nothing else is
  // rewritten. Later opens need `new_root`.
  [[nodiscard]] Status Reseal(const AccessContext& ctx, const RootKeySource& new_root,
                              PassphraseCost cost = PassphraseCost::kModerate);
  // SQLCipher rekey of both databases under fresh keys (crash-safe: the
  // keyring holds the pending keys until both files are rekeyed). Needs the
  // vault to itself: Busy, naming them, while other opens hold it.
  [[nodiscard]] Status RekeyDatabases(const AccessContext& ctx);
  // Blind-index key rotation: a new index key, every customer's indexes
  // rebuilt from the decrypted values in batches while writes maintain both
  // (the dual-write window) and lookups keep using the old ones; then the
  // new indexes take over and the old key is retired. Resumable.
  [[nodiscard]] StatusOr<IndexRotationResult> RotateBlindIndex(
      const AccessContext& ctx, const ProgressFn& progress = {},
      std::size_t batch = 500);
  // A consistent, encrypted copy of both databases plus a signed manifest
  // in `dir` (created; must not exist or be empty). The keyring and the
  // erasure ledger are not copied: back the keyring up on its own cycle;
  // the ledger must outlive every backup.
  [[nodiscard]] StatusOr<BackupResult> Backup(const AccessContext& ctx,
                                              const std::filesystem::path& dir);
  // Reads everything the vault stores and checks it: every page of both
  // databases (embedded; a PostgreSQL server checks its own pages), every
  // customer field decrypted under its data key, every blind index
  // recomputed from its value, every consent receipt, ticket, refund case
  // and purchase record opened, the erasure ledger's lines authenticated
  // and the audit chain walked. Damage is reported in the result by place
  // and record id (never by value), not as an error; errors are for the
  // call itself (denied, the vault unreadable as a whole). Action
  // "vault.check" (operator, operations). Holds this process's other calls
  // for its duration; other processes go on. `progress` sees "customers".
  [[nodiscard]] StatusOr<CheckReport> Check(const AccessContext& ctx,
                                            const ProgressFn& progress = {});

 private:
  friend class Vault;
  explicit Operations(internal::VaultCore& core) : core_(core) {}
  internal::VaultCore& core_;
};

class CVAULT_EXPORT Vault {
 public:
  // Creates a new vault: the keyring (sealed by options.root_key), both
  // databases, and the first audit entry. Fails with AlreadyExists if a
  // keyring or vault database is already there.
  [[nodiscard]] static StatusOr<std::unique_ptr<Vault>> Create(Options options);
  // Opens an existing vault. A wrong passphrase or key file is a KeyFailure;
  // a damaged file is an Integrity error. Any number of processes may have
  // one vault open at once; Busy while a restore or rekey elsewhere holds
  // it for longer than 5 s.
  [[nodiscard]] static StatusOr<std::unique_ptr<Vault>> Open(Options options);
  // Replaces the databases in options.vault_dir with the backup in
  // `backup_dir` (made by Operations::Backup for this keyring; its manifest
  // signature and file hashes are checked first), opens the vault and
  // replays the erasure ledger, so customers erased after the backup was
  // taken are erased again. Action "vault.restore" (operator, operations);
  // the vault must not be open elsewhere: Busy, naming the processes that
  // have it open, and nothing is replaced.
  [[nodiscard]] static StatusOr<std::unique_ptr<Vault>> Restore(
      Options options, const std::filesystem::path& backup_dir, const AccessContext& ctx,
      RestoreResult* result = nullptr);

  Vault(const Vault&) = delete;
  Vault& operator=(const Vault&) = delete;
  // Writes a closing checkpoint (errors are logged) and closes the databases.
  ~Vault();

  Customers& customers() { return customers_; }
  Consents& consents() { return consents_; }
  Support& support() { return support_; }
  Refunds& refunds() { return refunds_; }
  Rights& rights() { return rights_; }
  AuditLog& audit() { return audit_; }
  Operations& operations() { return operations_; }

  // Writes the closing checkpoint and closes; later calls fail.
  [[nodiscard]] Status Close();

 private:
  explicit Vault(std::unique_ptr<internal::VaultCore> core);
  std::unique_ptr<internal::VaultCore> core_;
  Customers customers_;
  Consents consents_;
  Support support_;
  Refunds refunds_;
  Rights rights_;
  AuditLog audit_;
  Operations operations_;
};

}  // namespace cvault

#endif  // CVAULT_VAULT_H_
