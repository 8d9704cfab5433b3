// The generic storage contract every backend implements. A store moves
// opaque bytes: it knows the schema's shape (customers, audit entries,
// checkpoints, wrapped data keys) but nothing of cryptography or policy.
// Backends (store/backend.h) hand out a vault store and a keystore; the
// embedded SQLCipher backend lives in store/sqlcipher/.
//
// Transactions: a read transaction sees one consistent snapshot; a write
// transaction is serializable with every other write transaction on the
// same store (a backend may get there by a single writer lock, as the
// embedded one does, or by detecting conflicts). A write that could not be
// serialized, or a lock that stayed taken past the backend's bounded wait,
// fails with Busy: nothing of the transaction is kept, and the caller may
// retry. A transaction that is destroyed without Commit() rolls back.
//
// How many transactions a store has open at once is the backend's choice:
// the embedded store has one connection and refuses a second open
// transaction (FailedPrecondition) and is used by one thread at a time; the
// PostgreSQL store borrows a pooled connection per transaction and may be
// used from several threads. A transaction belongs to one thread.
#ifndef CVAULT_STORE_STORE_H_
#define CVAULT_STORE_STORE_H_

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cvault/status.h"

namespace cvault::store {

using Bytes = std::vector<std::uint8_t>;

// Number of encrypted columns in a customer row, in CustomerField order:
// full_name, email, phone, postal_address, country, language, external_ref.
inline constexpr std::size_t kCustomerFieldCount = 7;

struct CustomerRow {
  std::string id;
  // Moves with every update. An update names the version it read and is
  // refused (Conflict) if another writer moved it since: no lost updates
  // whatever isolation the backend's transactions have.
  std::uint64_t version = 0;
  std::int64_t created_at_us = 0;
  std::int64_t updated_at_us = 0;
  bool restricted = false;
  std::array<std::optional<Bytes>, kCustomerFieldCount> fields;  // ciphertext
  std::optional<Bytes> email_index;  // blind index, unique when set
  std::optional<Bytes> phone_index;  // blind index
  // The same indexes under the next blind-index key while a rotation is in
  // progress (empty otherwise). Lookups use the columns above until the
  // rotation promotes these (PromoteNextIndexes); email_index_next is unique
  // when set, like email_index.
  std::optional<Bytes> email_index_next;
  std::optional<Bytes> phone_index_next;
};

struct AuditRow {
  std::uint64_t sequence = 0;
  std::int64_t time_us = 0;
  std::string principal_id;
  std::string role;
  std::string action;
  std::string purpose;
  // The subject pseudonym, or several joined by commas (a lookup that
  // matched several customers): the canonical text the entry hash covers.
  std::string subject;
  // The pseudonyms the entry is about, each on its own: AppendAudit indexes
  // the entry under every one (ReadAuditForSubject). Reads leave it empty.
  std::vector<std::string> subjects;
  std::string fields_requested;  // comma-separated field names
  std::string fields_returned;   // comma-separated field names
  std::string decision;
  std::string reason_code;
  std::string request_id;
  Bytes previous_hash;
  Bytes entry_hash;
};

struct CheckpointRow {
  std::uint64_t sequence = 0;
  std::int64_t time_us = 0;
  Bytes head_hash;
  Bytes signature;
  Bytes public_key;
};

// One consent event. Only what state derivation and reports need is in the
// clear (customer id, purpose, type, times, chain link); the receipt itself
// (controller, notice, method, channel, actor, ...) is ciphertext.
struct ConsentEventRow {
  std::string event_id;
  std::string consent_id;
  std::string customer_id;
  std::string purpose;
  std::string event_type;  // "given", "withdrawn", "renewed", "expired"
  std::int64_t time_us = 0;
  std::optional<std::int64_t> expires_at_us;
  std::string previous_event_id;  // empty for the first event of a chain
  Bytes receipt;                  // ciphertext
};

struct NoticeRow {
  std::string notice_id;
  std::string version;
  Bytes text_sha256;
  std::string text;  // notices are public documents, not personal data
  std::int64_t registered_at_us = 0;
};

// A support ticket, refund case or purchase record: the columns queries need in the clear
// (ids, status, times) and everything else as one encrypted document.
struct CaseRow {
  std::string case_id;      // "tkt_...", "rfd_..." or "pur_..."
  std::uint64_t version = 0;  // as CustomerRow::version
  std::string kind;         // "ticket", "refund" or "purchase"
  std::string customer_id;
  std::string status;       // ticket state or refund status
  std::int64_t opened_at_us = 0;
  std::int64_t updated_at_us = 0;
  std::optional<std::int64_t> processing_due_at_us;  // refunds, once approved
  std::optional<std::int64_t> update_due_at_us;      // refunds still open
  int retention_class = 0;  // which of the customer's data keys sealed it
  Bytes document;           // ciphertext
};

// A retention hold: records kept after an erasure because a legal
// obligation requires them (refund and tax records), until `until_us`.
// Cases under a hold have customer_id == hold_id.
struct HoldRow {
  std::string hold_id;      // "hld_..."
  std::string erasure_id;   // the erasure that created it ("era_...")
  std::string jurisdiction; // e.g. "DE", or "default"
  std::string legal_reason; // plain text naming the obligation
  std::int64_t created_at_us = 0;
  std::int64_t until_us = 0;
};

// An erasure whose rows are still to be swept (schema migration 6). The
// erasure itself shreds the customer's keys and deletes the customer row at
// once; the customer's tickets and consent events (ciphertext without a key
// from then on) are deleted, and the refund cases moved under the hold, in
// bounded batches by the purge. While listed here the customer is left out
// of every listing across customers.
struct PendingErasureRow {
  std::string customer_id;
  std::string erasure_id;   // "era_..."
  std::string hold_id;      // "hld_..." holding the refund cases, or empty
  std::int64_t erased_at_us = 0;
};

// A data-subject request tracked to its deadline (GDPR Art. 12(3)). Every
// column is a code, a time or an id, never a personal value, so the row
// outlives the customer's erasure as the record that the request was
// answered. Empty strings and absent times stand for "not yet".
struct DsrRequestRow {
  std::string request_id;   // "dsr_..."
  std::uint64_t version = 0;  // as CustomerRow::version
  std::string customer_id;
  std::string kind;         // access, portability, erasure, ...
  std::string status;       // open, fulfilled, refused, withdrawn
  std::string identity;     // pending, verified, failed
  std::int64_t received_at_us = 0;
  std::int64_t due_at_us = 0;
  std::string extension;    // the reason code of an extension, or empty
  std::optional<std::int64_t> extended_at_us;
  std::optional<std::int64_t> closed_at_us;
  std::string outcome;      // a refusal's reason code, or empty
  std::string outcome_ref;  // what fulfilled it: an export or erasure id
};

class VaultTransaction {
 public:
  virtual ~VaultTransaction() = default;

  // AlreadyExists when the id or the email index is taken.
  [[nodiscard]] virtual Status InsertCustomer(const CustomerRow& row) = 0;
  // Replaces fields, indexes, restricted flag and updated_at of row.id and
  // moves its version. NotFound if absent; Conflict if its version is no
  // longer row.version; AlreadyExists if the new email index is taken.
  [[nodiscard]] virtual Status UpdateCustomer(const CustomerRow& row) = 0;
  [[nodiscard]] virtual StatusOr<std::optional<CustomerRow>> GetCustomer(
      std::string_view id) = 0;
  [[nodiscard]] virtual StatusOr<std::vector<std::string>> FindByEmailIndex(
      std::span<const std::uint8_t> index) = 0;
  [[nodiscard]] virtual StatusOr<std::vector<std::string>> FindByPhoneIndex(
      std::span<const std::uint8_t> index) = 0;
  // Ids in ascending id order, strictly greater than `after` when given
  // (which need not exist any more). Ids are random, so the order says
  // nothing about when a customer was created.
  [[nodiscard]] virtual StatusOr<std::vector<std::string>> ListCustomerIds(
      std::optional<std::string_view> after, std::size_t limit) = 0;

  // REQUIRES: row.sequence is one past the last entry's.
  [[nodiscard]] virtual Status AppendAudit(const AuditRow& row) = 0;
  [[nodiscard]] virtual StatusOr<std::optional<AuditRow>> LastAudit() = 0;
  // Entries with sequence >= from, in order, at most `limit`.
  [[nodiscard]] virtual StatusOr<std::vector<AuditRow>> ReadAudit(
      std::uint64_t from, std::size_t limit) = 0;
  // The same into `rows` (resized to the entries read), which a backend may
  // fill by reusing the strings and buffers already there: a verification
  // reads the whole log through two vectors. On error `rows` is unspecified.
  [[nodiscard]] virtual Status ReadAuditInto(std::uint64_t from, std::size_t limit,
                                             std::vector<AuditRow>& rows) {
    CVAULT_ASSIGN_OR_RETURN(rows, ReadAudit(from, limit));
    return Status::Ok();
  }
  // The entries indexed under `subject` (AuditRow::subjects) with sequence
  // >= from, in order, at most `limit`. InvalidArgument for an empty
  // subject or one holding a comma.
  [[nodiscard]] virtual StatusOr<std::vector<AuditRow>> ReadAuditForSubject(
      std::string_view subject, std::uint64_t from, std::size_t limit) = 0;
  [[nodiscard]] virtual Status InsertCheckpoint(const CheckpointRow& row) = 0;
  [[nodiscard]] virtual StatusOr<std::vector<CheckpointRow>> ListCheckpoints() = 0;
  // The checkpoint with the highest sequence, if any.
  [[nodiscard]] virtual StatusOr<std::optional<CheckpointRow>> LastCheckpoint() = 0;

  // Consent events are append-only: there is no update or delete.
  // AlreadyExists if the event id is taken; Conflict if another event of the
  // chain already follows row.previous_event_id (two writers extended the
  // same chain at once: a chain never forks).
  [[nodiscard]] virtual Status AppendConsentEvent(const ConsentEventRow& row) = 0;
  // Every event of the customer, oldest first (time, then insertion order).
  [[nodiscard]] virtual StatusOr<std::vector<ConsentEventRow>> ListConsentEvents(
      std::string_view customer_id) = 0;
  // The customer's events for one purpose at or before `as_of_us`, oldest
  // first.
  [[nodiscard]] virtual StatusOr<std::vector<ConsentEventRow>> ListConsentEventsFor(
      std::string_view customer_id, std::string_view purpose,
      std::int64_t as_of_us) = 0;
  // For each customer with an event for `purpose` at or before `as_of_us`,
  // that customer's latest such event (receipt left empty): the input of
  // consent reports, computed without decrypting anything. Customers with a
  // pending erasure are left out.
  [[nodiscard]] virtual StatusOr<std::vector<ConsentEventRow>> LatestConsentEvents(
      std::string_view purpose, std::int64_t as_of_us) = 0;
  // Customers created at or before `as_of_us`.
  [[nodiscard]] virtual StatusOr<std::uint64_t> CountCustomers(std::int64_t as_of_us) = 0;

  // AlreadyExists if (notice_id, version) is registered.
  [[nodiscard]] virtual Status InsertNotice(const NoticeRow& row) = 0;
  [[nodiscard]] virtual StatusOr<std::optional<NoticeRow>> GetNotice(
      std::string_view notice_id, std::string_view version) = 0;

  // AlreadyExists if the id is taken.
  [[nodiscard]] virtual Status InsertCase(const CaseRow& row) = 0;
  // Replaces every column but case_id, kind, customer_id and opened_at, and
  // moves the version. NotFound if absent; Conflict if its version is no
  // longer row.version.
  [[nodiscard]] virtual Status UpdateCase(const CaseRow& row) = 0;
  [[nodiscard]] virtual StatusOr<std::optional<CaseRow>> GetCase(
      std::string_view case_id) = 0;
  // The customer's cases of one kind, oldest first.
  [[nodiscard]] virtual StatusOr<std::vector<CaseRow>> ListCases(
      std::string_view customer_id, std::string_view kind) = 0;
  // Refund cases whose processing_due_at or update_due_at is at or before
  // `at_us`, oldest first (documents left empty), leaving out customers with
  // a pending erasure.
  [[nodiscard]] virtual StatusOr<std::vector<CaseRow>> ListDueRefunds(
      std::int64_t at_us) = 0;

  // Erasure. Each delete returns how many rows it deleted (0 when none).
  [[nodiscard]] virtual StatusOr<std::size_t> DeleteCustomer(std::string_view id) = 0;
  // Deletes up to `limit` of the customer's consent events, oldest first:
  // the one deletion the append-only guard allows, and only inside this call.
  [[nodiscard]] virtual StatusOr<std::size_t> DeleteConsentEvents(
      std::string_view customer_id, std::size_t limit) = 0;
  // Deletes up to `limit` of the customer's cases of one kind, oldest first.
  [[nodiscard]] virtual StatusOr<std::size_t> DeleteCases(std::string_view customer_id,
                                                          std::string_view kind,
                                                          std::size_t limit) = 0;
  [[nodiscard]] virtual StatusOr<std::size_t> CountConsentEvents(
      std::string_view customer_id) = 0;
  [[nodiscard]] virtual StatusOr<std::size_t> CountCases(std::string_view customer_id,
                                                         std::string_view kind) = 0;
  // Replaces every column of row.case_id but case_id, kind and opened_at,
  // including customer_id (moving a case under a retention hold), as
  // UpdateCase does (NotFound, Conflict).
  [[nodiscard]] virtual Status ReassignCase(const CaseRow& row) = 0;

  // Retention holds. AlreadyExists if the id is taken.
  [[nodiscard]] virtual Status InsertHold(const HoldRow& row) = 0;
  [[nodiscard]] virtual StatusOr<std::optional<HoldRow>> GetHold(
      std::string_view hold_id) = 0;
  // Holds with until_us <= at_us, oldest expiry first (then by hold id).
  [[nodiscard]] virtual StatusOr<std::vector<HoldRow>> ListHoldsDueBy(
      std::int64_t at_us) = 0;
  [[nodiscard]] virtual StatusOr<std::size_t> DeleteHold(std::string_view hold_id) = 0;

  // Erasures still to sweep. AlreadyExists if the customer is listed.
  [[nodiscard]] virtual Status InsertPendingErasure(const PendingErasureRow& row) = 0;
  [[nodiscard]] virtual StatusOr<std::optional<PendingErasureRow>> GetPendingErasure(
      std::string_view customer_id) = 0;
  // The oldest `limit` pending erasures (by erased_at_us, then customer id).
  [[nodiscard]] virtual StatusOr<std::vector<PendingErasureRow>> ListPendingErasures(
      std::size_t limit) = 0;
  [[nodiscard]] virtual StatusOr<std::size_t> DeletePendingErasure(
      std::string_view customer_id) = 0;

  // Data-subject requests. AlreadyExists if the id is taken.
  [[nodiscard]] virtual Status InsertDsrRequest(const DsrRequestRow& row) = 0;
  // Replaces every column but request_id, customer_id, kind and
  // received_at, and moves the version. NotFound if absent; Conflict if its
  // version is no longer row.version.
  [[nodiscard]] virtual Status UpdateDsrRequest(const DsrRequestRow& row) = 0;
  [[nodiscard]] virtual StatusOr<std::optional<DsrRequestRow>> GetDsrRequest(
      std::string_view request_id) = 0;
  // Requests by due time (then id), earliest first: only the open ones
  // when `open_only`, else every one; of one customer when `customer_id`
  // is not empty.
  [[nodiscard]] virtual StatusOr<std::vector<DsrRequestRow>> ListDsrRequests(
      bool open_only, std::string_view customer_id) = 0;

  // For each (customer, purpose), the latest event when it is "given" or
  // "renewed" with expires_at_us <= at_us: consents that lapsed without an
  // "expired" event yet (receipt left empty). Ordered by customer, purpose.
  // Customers with a pending erasure are left out.
  [[nodiscard]] virtual StatusOr<std::vector<ConsentEventRow>> ListLapsedConsents(
      std::int64_t at_us) = 0;

  // Blind-index rotation. Sets the next-key indexes of one customer
  // (NotFound if absent; AlreadyExists if email_next is taken).
  [[nodiscard]] virtual Status SetNextIndexes(std::string_view id,
                                              const std::optional<Bytes>& email_next,
                                              const std::optional<Bytes>& phone_next) = 0;
  // Customers (ids, ascending, greater than `after`) whose email or phone
  // ciphertext is set but whose next index for it is not: the rebuild's
  // remaining work.
  [[nodiscard]] virtual StatusOr<std::vector<std::string>> ListCustomersMissingNextIndex(
      std::optional<std::string_view> after, std::size_t limit) = 0;
  // Moves every *_index_next into *_index and clears the next columns;
  // returns how many customers changed.
  [[nodiscard]] virtual StatusOr<std::size_t> PromoteNextIndexes() = 0;
  // Clears every *_index_next (an abandoned rotation).
  [[nodiscard]] virtual Status ClearNextIndexes() = 0;

  // Small key/value settings (schema facts, vault id, generation, leases).
  [[nodiscard]] virtual StatusOr<std::optional<std::string>> GetMeta(
      std::string_view key) = 0;
  [[nodiscard]] virtual Status SetMeta(std::string_view key,
                                       std::string_view value) = 0;

  [[nodiscard]] virtual Status Commit() = 0;
};

class VaultStore {
 public:
  virtual ~VaultStore() = default;
  // A write transaction holds its write rights from the start, so it never
  // fails later for a conflict a lock could have prevented (Busy when they
  // could not be had in the backend's bounded wait).
  [[nodiscard]] virtual StatusOr<std::unique_ptr<VaultTransaction>> Begin(
      bool write) = 0;
  // A read transaction that any thread may begin and use while other
  // threads use the store (each such transaction has a connection of its
  // own); everything else on the store stays one thread at a time. It sees
  // everything committed before it begins. Thread-safe.
  [[nodiscard]] virtual StatusOr<std::unique_ptr<VaultTransaction>>
  BeginParallelRead() = 0;
};

struct DataKeyRow {
  std::string customer_id;
  int retention_class = 0;
  std::uint32_t kek_version = 0;
  Bytes wrapped;  // the data key sealed under KEK `kek_version`
  std::int64_t created_at_us = 0;
};

class KeyTransaction {
 public:
  virtual ~KeyTransaction() = default;
  // AlreadyExists if (customer_id, retention_class) has a key.
  [[nodiscard]] virtual Status InsertDataKey(const DataKeyRow& row) = 0;
  [[nodiscard]] virtual StatusOr<std::optional<DataKeyRow>> GetDataKey(
      std::string_view customer_id, int retention_class) = 0;
  // Replaces wrapped + kek_version (rewrapping under a new KEK).
  [[nodiscard]] virtual Status UpdateDataKey(const DataKeyRow& row) = 0;
  // Deletes one key; returns how many rows went (0 or 1).
  [[nodiscard]] virtual StatusOr<std::size_t> DeleteDataKey(std::string_view customer_id,
                                                            int retention_class) = 0;
  // Up to `limit` keys wrapped under a KEK other than `kek_version`, ordered
  // by (customer_id, retention_class), strictly after `after` when given:
  // KEK rotation's remaining work, paged so each batch reads only its own
  // part of the table.
  struct DataKeyCursor {
    std::string customer_id;
    int retention_class = 0;
  };
  [[nodiscard]] virtual StatusOr<std::vector<DataKeyRow>> ListDataKeysNotAtKek(
      std::uint32_t kek_version, const std::optional<DataKeyCursor>& after,
      std::size_t limit) = 0;
  // How many keys each KEK version wraps.
  [[nodiscard]] virtual StatusOr<std::map<std::uint32_t, std::uint64_t>>
  CountDataKeysByKek() = 0;
  // Deletes every key of the customer (crypto-shredding); returns how many.
  [[nodiscard]] virtual StatusOr<std::size_t> DeleteDataKeys(
      std::string_view customer_id) = 0;
  [[nodiscard]] virtual StatusOr<std::vector<std::string>> ListKeyedCustomerIds(
      std::optional<std::string_view> after, std::size_t limit) = 0;
  // Small key/value settings (the keyring generation).
  [[nodiscard]] virtual StatusOr<std::optional<std::string>> GetMeta(
      std::string_view key) = 0;
  [[nodiscard]] virtual Status SetMeta(std::string_view key, std::string_view value) = 0;
  [[nodiscard]] virtual Status Commit() = 0;
};

class KeyStore {
 public:
  virtual ~KeyStore() = default;
  // As VaultStore::Begin.
  [[nodiscard]] virtual StatusOr<std::unique_ptr<KeyTransaction>> Begin(
      bool write) = 0;
  // As VaultStore::BeginParallelRead. Thread-safe.
  [[nodiscard]] virtual StatusOr<std::unique_ptr<KeyTransaction>>
  BeginParallelRead() = 0;
};

}  // namespace cvault::store

#endif  // CVAULT_STORE_STORE_H_
