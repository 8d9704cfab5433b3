// The vault store on PostgreSQL: store.h's VaultTransaction in SQL.
//
// A failed statement aborts a PostgreSQL transaction, while store.h lets a
// caller go on after AlreadyExists or Conflict (SQLite keeps the
// transaction). So expected refusals never come from a failed statement:
// inserts say ON CONFLICT DO NOTHING and count the rows they wrote, and
// updates that could clash with a unique index look for the clash first
// (write transactions hold the schema's write lock, so nothing moves in
// between).
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <limits>
#include <string>

#include "store/postgres/pg_pool.h"
#include "store/postgres/pg_schemas.h"
#include "store/postgres/pg_stores.h"
#include "store/postgres/postgres_store.h"

namespace cvault::store::postgres {
namespace {

constexpr char kRole[] = "vault store";
constexpr std::array<std::string_view, 4> kConsentEventTypes = {"given", "withdrawn",
                                                                "renewed", "expired"};

#define CVAULT_PG_CUSTOMER_COLUMNS                                              \
  "id, version, created_at, updated_at, restricted, full_name, email, phone, " \
  "postal_address, country, language, external_ref, email_index, phone_index, " \
  "email_index_next, phone_index_next"
#define CVAULT_PG_AUDIT_COLUMNS                                                \
  "sequence, time_us, principal_id, role, action, purpose, subject, "         \
  "fields_requested, fields_returned, decision, reason_code, request_id, "    \
  "previous_hash, entry_hash"
#define CVAULT_PG_CONSENT_COLUMNS                                              \
  "event_id, consent_id, customer_id, purpose, event_type, time_us, "         \
  "expires_at_us, previous_event_id"
#define CVAULT_PG_CASE_COLUMNS                                                 \
  "case_id, version, kind, customer_id, status, opened_at_us, updated_at_us, " \
  "processing_due_at_us, update_due_at_us, retention_class"
#define CVAULT_PG_HOLD_COLUMNS \
  "hold_id, erasure_id, jurisdiction, legal_reason, created_at, until_us"
#define CVAULT_PG_PENDING_COLUMNS "customer_id, erasure_id, hold_id, erased_at_us"
#define CVAULT_PG_DSR_COLUMNS                                                    \
  "request_id, version, customer_id, kind, status, identity, received_at_us, " \
  "due_at_us, extension, extended_at_us, closed_at_us, outcome, outcome_ref"

CustomerRow ReadCustomer(const PgResult& r, int row) {
  CustomerRow out;
  out.id = r.Text(row, 0);
  out.version = static_cast<std::uint64_t>(r.Int64(row, 1));
  out.created_at_us = r.Int64(row, 2);
  out.updated_at_us = r.Int64(row, 3);
  out.restricted = r.Bool(row, 4);
  for (std::size_t i = 0; i < kCustomerFieldCount; ++i) {
    out.fields[i] = r.OptionalBytes(row, static_cast<int>(5 + i));
  }
  out.email_index = r.OptionalBytes(row, 12);
  out.phone_index = r.OptionalBytes(row, 13);
  out.email_index_next = r.OptionalBytes(row, 14);
  out.phone_index_next = r.OptionalBytes(row, 15);
  return out;
}

AuditRow ReadAuditRow(const PgResult& r, int row) {
  AuditRow out;
  out.sequence = static_cast<std::uint64_t>(r.Int64(row, 0));
  out.time_us = r.Int64(row, 1);
  out.principal_id = r.Text(row, 2);
  out.role = r.Text(row, 3);
  out.action = r.Text(row, 4);
  out.purpose = r.Text(row, 5);
  out.subject = r.Text(row, 6);
  out.fields_requested = r.Text(row, 7);
  out.fields_returned = r.Text(row, 8);
  out.decision = r.Text(row, 9);
  out.reason_code = r.Text(row, 10);
  out.request_id = r.Text(row, 11);
  out.previous_hash = r.Bytes(row, 12);
  out.entry_hash = r.Bytes(row, 13);
  return out;
}

std::vector<AuditRow> ReadAuditRows(const PgResult& r) {
  std::vector<AuditRow> rows;
  for (int i = 0; i < r.rows(); ++i) rows.push_back(ReadAuditRow(r, i));
  return rows;
}

CheckpointRow ReadCheckpoint(const PgResult& r, int row) {
  CheckpointRow out;
  out.sequence = static_cast<std::uint64_t>(r.Int64(row, 0));
  out.time_us = r.Int64(row, 1);
  out.head_hash = r.Bytes(row, 2);
  out.signature = r.Bytes(row, 3);
  out.public_key = r.Bytes(row, 4);
  return out;
}

// Columns as CVAULT_PG_CONSENT_COLUMNS, then the receipt when `with_receipt`.
std::vector<ConsentEventRow> ReadConsentEvents(const PgResult& r, bool with_receipt) {
  std::vector<ConsentEventRow> rows;
  for (int i = 0; i < r.rows(); ++i) {
    ConsentEventRow out;
    out.event_id = r.Text(i, 0);
    out.consent_id = r.Text(i, 1);
    out.customer_id = r.Text(i, 2);
    out.purpose = r.Text(i, 3);
    out.event_type = r.Text(i, 4);
    out.time_us = r.Int64(i, 5);
    out.expires_at_us = r.OptionalInt64(i, 6);
    out.previous_event_id = r.Text(i, 7);
    if (with_receipt) out.receipt = r.Bytes(i, 8);
    rows.push_back(std::move(out));
  }
  return rows;
}

// Columns as CVAULT_PG_CASE_COLUMNS, then the document when `with_document`.
std::vector<CaseRow> ReadCases(const PgResult& r, bool with_document) {
  std::vector<CaseRow> rows;
  for (int i = 0; i < r.rows(); ++i) {
    CaseRow out;
    out.case_id = r.Text(i, 0);
    out.version = static_cast<std::uint64_t>(r.Int64(i, 1));
    out.kind = r.Text(i, 2);
    out.customer_id = r.Text(i, 3);
    out.status = r.Text(i, 4);
    out.opened_at_us = r.Int64(i, 5);
    out.updated_at_us = r.Int64(i, 6);
    out.processing_due_at_us = r.OptionalInt64(i, 7);
    out.update_due_at_us = r.OptionalInt64(i, 8);
    out.retention_class = static_cast<int>(r.Int64(i, 9));
    if (with_document) out.document = r.Bytes(i, 10);
    rows.push_back(std::move(out));
  }
  return rows;
}

HoldRow ReadHold(const PgResult& r, int row) {
  HoldRow out;
  out.hold_id = r.Text(row, 0);
  out.erasure_id = r.Text(row, 1);
  out.jurisdiction = r.Text(row, 2);
  out.legal_reason = r.Text(row, 3);
  out.created_at_us = r.Int64(row, 4);
  out.until_us = r.Int64(row, 5);
  return out;
}

DsrRequestRow ReadDsrRequest(const PgResult& r, int row) {
  DsrRequestRow out;
  out.request_id = r.Text(row, 0);
  out.version = static_cast<std::uint64_t>(r.Int64(row, 1));
  out.customer_id = r.Text(row, 2);
  out.kind = r.Text(row, 3);
  out.status = r.Text(row, 4);
  out.identity = r.Text(row, 5);
  out.received_at_us = r.Int64(row, 6);
  out.due_at_us = r.Int64(row, 7);
  out.extension = r.Text(row, 8);
  out.extended_at_us = r.OptionalInt64(row, 9);
  out.closed_at_us = r.OptionalInt64(row, 10);
  out.outcome = r.Text(row, 11);
  out.outcome_ref = r.Text(row, 12);
  return out;
}

// The columns UpdateDsrRequest replaces, as $1..$8.
PgParams MutableDsrValues(const DsrRequestRow& row) {
  PgParams params;
  params.Text(row.status)
      .Text(row.identity)
      .Int64(row.due_at_us)
      .Text(row.extension)
      .OptionalInt64(row.extended_at_us)
      .OptionalInt64(row.closed_at_us)
      .Text(row.outcome)
      .Text(row.outcome_ref);
  return params;
}

PendingErasureRow ReadPending(const PgResult& r, int row) {
  PendingErasureRow out;
  out.customer_id = r.Text(row, 0);
  out.erasure_id = r.Text(row, 1);
  out.hold_id = r.Text(row, 2);
  out.erased_at_us = r.Int64(row, 3);
  return out;
}

std::vector<std::string> ReadTexts(const PgResult& r) {
  std::vector<std::string> values;
  for (int i = 0; i < r.rows(); ++i) values.push_back(r.Text(i, 0));
  return values;
}

// Must match the CHECK on cases.kind (migration 3).
bool IsCaseKind(std::string_view kind) {
  return kind == "ticket" || kind == "refund" || kind == "purchase";
}

Status CheckSequence(std::uint64_t sequence, std::string_view what) {
  if (sequence > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    return Status::InvalidArgument(fmt::format("{} sequence is out of range", what));
  }
  return Status::Ok();
}

// A read's first sequence: past int64 no entry can be, so the largest
// int64 reads nothing just the same.
std::int64_t FromSequence(std::uint64_t from) {
  constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  return static_cast<std::int64_t>(from > kMax ? kMax : from);
}

// Customer fields, indexes, flag and updated_at, in the order the customer
// statements below number them from $2 on ($1 is the id).
PgParams& AddCustomerValues(PgParams& params, const CustomerRow& row) {
  for (const auto& field : row.fields) params.OptionalBytes(field);
  return params.OptionalBytes(row.email_index)
      .OptionalBytes(row.phone_index)
      .OptionalBytes(row.email_index_next)
      .OptionalBytes(row.phone_index_next)
      .Bool(row.restricted)
      .Int64(row.updated_at_us);
}

// Case status, times, class and document ($1..$6), as the case statements
// number them.
PgParams CaseValues(const CaseRow& row) {
  PgParams params;
  params.Text(row.status)
      .Int64(row.updated_at_us)
      .OptionalInt64(row.processing_due_at_us)
      .OptionalInt64(row.update_due_at_us)
      .Int64(row.retention_class)
      .Bytes(row.document);
  return params;
}

class PgVaultTransaction final : public VaultTransaction {
 public:
  explicit PgVaultTransaction(std::unique_ptr<PgTransaction> tx) : tx_(std::move(tx)) {}

  Status InsertCustomer(const CustomerRow& row) override {
    PgParams params;
    params.Text(row.id);
    AddCustomerValues(params, row).Int64(row.created_at_us);
    CVAULT_ASSIGN_OR_RETURN(
        auto inserted,
        tx_->Write("INSERT INTO customers(id, full_name, email, phone, postal_address, country, "
              "language, external_ref, email_index, phone_index, email_index_next, "
              "phone_index_next, restricted, updated_at, created_at) VALUES ($1, $2, $3, "
              "$4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) ON CONFLICT DO NOTHING",
              params, "insert a customer"));
    if (inserted.affected() == 1) return Status::Ok();
    CVAULT_ASSIGN_OR_RETURN(auto existing, GetCustomer(row.id));
    if (existing) return Status::AlreadyExists("a customer with this id already exists");
    return Status::AlreadyExists("another customer already has this email");
  }

  Status UpdateCustomer(const CustomerRow& row) override {
    CVAULT_RETURN_IF_ERROR(CheckEmailIndexesFree(row.id, row.email_index, row.email_index_next));
    PgParams params;
    params.Text(row.id);
    AddCustomerValues(params, row).Int64(static_cast<std::int64_t>(row.version));
    CVAULT_ASSIGN_OR_RETURN(
        auto updated,
        tx_->Write("UPDATE customers SET full_name = $2, email = $3, phone = $4, "
              "postal_address = $5, country = $6, language = $7, external_ref = $8, "
              "email_index = $9, phone_index = $10, email_index_next = $11, "
              "phone_index_next = $12, restricted = $13, updated_at = $14, "
              "version = version + 1 WHERE id = $1 AND version = $15",
              params, "update a customer"));
    if (updated.affected() == 1) return Status::Ok();
    CVAULT_ASSIGN_OR_RETURN(auto current, GetCustomer(row.id));
    if (!current) return Status::NotFound("no customer with the given id to update");
    return Status::Conflict(
        "the customer was changed by another writer since it was read; nothing was "
        "written: read it again and retry");
  }

  StatusOr<std::optional<CustomerRow>> GetCustomer(std::string_view id) override {
    CVAULT_ASSIGN_OR_RETURN(auto r, tx_->Read("SELECT " CVAULT_PG_CUSTOMER_COLUMNS
                                         " FROM customers WHERE id = $1",
                                         PgParams().Text(id), "read a customer"));
    if (r.rows() == 0) return std::optional<CustomerRow>();
    return std::optional<CustomerRow>(ReadCustomer(r, 0));
  }

  StatusOr<std::vector<std::string>> FindByEmailIndex(
      std::span<const std::uint8_t> index) override {
    CVAULT_ASSIGN_OR_RETURN(
        auto r, tx_->Read("SELECT id FROM customers WHERE email_index = $1 ORDER BY id",
                     PgParams().Bytes(index), "look customers up by email index"));
    return ReadTexts(r);
  }

  StatusOr<std::vector<std::string>> FindByPhoneIndex(
      std::span<const std::uint8_t> index) override {
    CVAULT_ASSIGN_OR_RETURN(
        auto r, tx_->Read("SELECT id FROM customers WHERE phone_index = $1 ORDER BY id",
                     PgParams().Bytes(index), "look customers up by phone index"));
    return ReadTexts(r);
  }

  StatusOr<std::vector<std::string>> ListCustomerIds(std::optional<std::string_view> after,
                                                     std::size_t limit) override {
    // Every id sorts after the empty string (COLLATE "C").
    CVAULT_ASSIGN_OR_RETURN(
        auto r, tx_->Read("SELECT id FROM customers WHERE id > $1 ORDER BY id LIMIT $2",
                     PgParams().Text(after.value_or("")).Limit(limit),
                     "list customers"));
    return ReadTexts(r);
  }

  Status AppendAudit(const AuditRow& row) override {
    CVAULT_RETURN_IF_ERROR(CheckSequence(row.sequence, "audit entry"));
    CVAULT_ASSIGN_OR_RETURN(auto last, tx_->Read("SELECT coalesce(max(sequence), 0) FROM audit_log",
                                            PgParams(), "read the last audit sequence"));
    const std::uint64_t expected = static_cast<std::uint64_t>(last.Int64(0, 0)) + 1;
    if (row.sequence != expected) {
      return Status::FailedPrecondition(fmt::format(
          "audit entry sequence {} does not follow the last entry (the next must be {}); "
          "the audit log is append-only",
          row.sequence, expected));
    }
    CVAULT_RETURN_IF_ERROR(StatusOf(tx_->Write(
        "INSERT INTO audit_log(" CVAULT_PG_AUDIT_COLUMNS ") VALUES ($1, $2, $3, $4, $5, "
        "$6, $7, $8, $9, $10, $11, $12, $13, $14)",
        PgParams()
            .Int64(static_cast<std::int64_t>(row.sequence))
            .Int64(row.time_us)
            .Text(row.principal_id)
            .Text(row.role)
            .Text(row.action)
            .Text(row.purpose)
            .Text(row.subject)
            .Text(row.fields_requested)
            .Text(row.fields_returned)
            .Text(row.decision)
            .Text(row.reason_code)
            .Text(row.request_id)
            .Bytes(row.previous_hash)
            .Bytes(row.entry_hash),
        "append an audit entry")));
    for (const std::string& subject : row.subjects) {
      if (subject.empty()) continue;
      CVAULT_RETURN_IF_ERROR(StatusOf(
          tx_->Write("INSERT INTO audit_subjects(subject, sequence) VALUES ($1, $2) "
                "ON CONFLICT DO NOTHING",
                PgParams().Text(subject).Int64(static_cast<std::int64_t>(row.sequence)),
                "index an audit entry by subject")));
    }
    return Status::Ok();
  }

  StatusOr<std::optional<AuditRow>> LastAudit() override {
    CVAULT_ASSIGN_OR_RETURN(auto r, tx_->Read("SELECT " CVAULT_PG_AUDIT_COLUMNS
                                         " FROM audit_log ORDER BY sequence DESC LIMIT 1",
                                         PgParams(), "read the last audit entry"));
    if (r.rows() == 0) return std::optional<AuditRow>();
    return std::optional<AuditRow>(ReadAuditRow(r, 0));
  }

  StatusOr<std::vector<AuditRow>> ReadAudit(std::uint64_t from, std::size_t limit) override {
    CVAULT_ASSIGN_OR_RETURN(
        auto r, tx_->Read("SELECT " CVAULT_PG_AUDIT_COLUMNS
                     " FROM audit_log WHERE sequence >= $1 ORDER BY sequence LIMIT $2",
                     PgParams().Int64(FromSequence(from)).Limit(limit),
                     "read audit entries"));
    return ReadAuditRows(r);
  }

  StatusOr<std::vector<AuditRow>> ReadAuditForSubject(std::string_view subject,
                                                      std::uint64_t from,
                                                      std::size_t limit) override {
    if (subject.empty() || subject.find(',') != std::string_view::npos) {
      return Error(Status::InvalidArgument(
          "audit subject: one non-empty pseudonym without commas required"));
    }
    CVAULT_ASSIGN_OR_RETURN(
        auto r,
        tx_->Read("SELECT " CVAULT_PG_AUDIT_COLUMNS
             " FROM audit_log WHERE sequence IN (SELECT sequence FROM audit_subjects "
             "WHERE subject = $1 AND sequence >= $2 ORDER BY sequence LIMIT $3) "
             "ORDER BY sequence",
             PgParams().Text(subject).Int64(FromSequence(from)).Limit(limit),
             "read a subject's audit entries"));
    return ReadAuditRows(r);
  }

  Status InsertCheckpoint(const CheckpointRow& row) override {
    CVAULT_RETURN_IF_ERROR(CheckSequence(row.sequence, "checkpoint"));
    CVAULT_ASSIGN_OR_RETURN(
        auto inserted,
        tx_->Write("INSERT INTO audit_checkpoints(sequence, time_us, head_hash, signature, "
              "public_key) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
              PgParams()
                  .Int64(static_cast<std::int64_t>(row.sequence))
                  .Int64(row.time_us)
                  .Bytes(row.head_hash)
                  .Bytes(row.signature)
                  .Bytes(row.public_key),
              "insert an audit checkpoint"));
    if (inserted.affected() == 1) return Status::Ok();
    return Status::AlreadyExists(
        fmt::format("a checkpoint at audit sequence {} already exists", row.sequence));
  }

  StatusOr<std::vector<CheckpointRow>> ListCheckpoints() override {
    CVAULT_ASSIGN_OR_RETURN(auto r, tx_->Read("SELECT sequence, time_us, head_hash, signature, "
                                         "public_key FROM audit_checkpoints ORDER BY sequence",
                                         PgParams(), "read audit checkpoints"));
    std::vector<CheckpointRow> rows;
    for (int i = 0; i < r.rows(); ++i) rows.push_back(ReadCheckpoint(r, i));
    return rows;
  }

  StatusOr<std::optional<CheckpointRow>> LastCheckpoint() override {
    CVAULT_ASSIGN_OR_RETURN(
        auto r, tx_->Read("SELECT sequence, time_us, head_hash, signature, public_key FROM "
                     "audit_checkpoints ORDER BY sequence DESC LIMIT 1",
                     PgParams(), "read the last audit checkpoint"));
    if (r.rows() == 0) return std::optional<CheckpointRow>();
    return std::optional<CheckpointRow>(ReadCheckpoint(r, 0));
  }

  Status AppendConsentEvent(const ConsentEventRow& row) override {
    if (std::find(kConsentEventTypes.begin(), kConsentEventTypes.end(), row.event_type) ==
        kConsentEventTypes.end()) {
      return Status::InvalidArgument(
          "consent event type must be one of given, withdrawn, renewed, expired");
    }
    CVAULT_ASSIGN_OR_RETURN(auto taken,
                            tx_->Read("SELECT 1 FROM consent_events WHERE event_id = $1",
                                 PgParams().Text(row.event_id), "append a consent event"));
    if (taken.rows() > 0) {
      return Status::AlreadyExists("a consent event with this id already exists");
    }
    CVAULT_ASSIGN_OR_RETURN(
        auto inserted,
        tx_->Write("INSERT INTO consent_events(" CVAULT_PG_CONSENT_COLUMNS
              ", receipt) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING",
              PgParams()
                  .Text(row.event_id)
                  .Text(row.consent_id)
                  .Text(row.customer_id)
                  .Text(row.purpose)
                  .Text(row.event_type)
                  .Int64(row.time_us)
                  .OptionalInt64(row.expires_at_us)
                  .Text(row.previous_event_id)
                  .Bytes(row.receipt),
              "append a consent event"));
    if (inserted.affected() == 1) return Status::Ok();
    return Status::Conflict(
        "another event was added to this consent chain since it was read; nothing was "
        "written: read the chain again and retry");
  }

  StatusOr<std::vector<ConsentEventRow>> ListConsentEvents(
      std::string_view customer_id) override {
    CVAULT_ASSIGN_OR_RETURN(
        auto r, tx_->Read("SELECT " CVAULT_PG_CONSENT_COLUMNS
                     ", receipt FROM consent_events WHERE customer_id = $1 "
                     "ORDER BY time_us, seq",
                     PgParams().Text(customer_id), "list a customer's consent events"));
    return ReadConsentEvents(r, /*with_receipt=*/true);
  }

  StatusOr<std::vector<ConsentEventRow>> ListConsentEventsFor(std::string_view customer_id,
                                                              std::string_view purpose,
                                                              std::int64_t as_of_us) override {
    CVAULT_ASSIGN_OR_RETURN(
        auto r, tx_->Read("SELECT " CVAULT_PG_CONSENT_COLUMNS
                     ", receipt FROM consent_events WHERE customer_id = $1 AND purpose = $2 "
                     "AND time_us <= $3 ORDER BY time_us, seq",
                     PgParams().Text(customer_id).Text(purpose).Int64(as_of_us),
                     "list a customer's consent events for a purpose"));
    return ReadConsentEvents(r, /*with_receipt=*/true);
  }

  StatusOr<std::vector<ConsentEventRow>> LatestConsentEvents(std::string_view purpose,
                                                             std::int64_t as_of_us) override {
    CVAULT_ASSIGN_OR_RETURN(
        auto r,
        tx_->Read("SELECT DISTINCT ON (customer_id) " CVAULT_PG_CONSENT_COLUMNS
             " FROM consent_events WHERE purpose = $1 AND time_us <= $2 "
             "AND customer_id NOT IN (SELECT customer_id FROM erasures_pending) "
             "ORDER BY customer_id, time_us DESC, seq DESC",
             PgParams().Text(purpose).Int64(as_of_us),
             "read the latest consent events for a purpose"));
    return ReadConsentEvents(r, /*with_receipt=*/false);
  }

  StatusOr<std::uint64_t> CountCustomers(std::int64_t as_of_us) override {
    CVAULT_ASSIGN_OR_RETURN(auto r,
                            tx_->Read("SELECT count(*) FROM customers WHERE created_at <= $1",
                                 PgParams().Int64(as_of_us), "count customers"));
    return static_cast<std::uint64_t>(r.Int64(0, 0));
  }

  Status InsertNotice(const NoticeRow& row) override {
    CVAULT_ASSIGN_OR_RETURN(
        auto inserted,
        tx_->Write("INSERT INTO notices(notice_id, version, text_sha256, text, registered_at_us) "
              "VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
              PgParams()
                  .Text(row.notice_id)
                  .Text(row.version)
                  .Bytes(row.text_sha256)
                  .Text(row.text)
                  .Int64(row.registered_at_us),
              "register a notice"));
    if (inserted.affected() == 1) return Status::Ok();
    return Status::AlreadyExists(
        "this version of the notice is already registered; register changed text under a "
        "new version");
  }

  StatusOr<std::optional<NoticeRow>> GetNotice(std::string_view notice_id,
                                               std::string_view version) override {
    CVAULT_ASSIGN_OR_RETURN(
        auto r, tx_->Read("SELECT notice_id, version, text_sha256, text, registered_at_us "
                     "FROM notices WHERE notice_id = $1 AND version = $2",
                     PgParams().Text(notice_id).Text(version), "read a notice"));
    if (r.rows() == 0) return std::optional<NoticeRow>();
    NoticeRow row;
    row.notice_id = r.Text(0, 0);
    row.version = r.Text(0, 1);
    row.text_sha256 = r.Bytes(0, 2);
    row.text = r.Text(0, 3);
    row.registered_at_us = r.Int64(0, 4);
    return std::optional<NoticeRow>(std::move(row));
  }

  Status InsertCase(const CaseRow& row) override {
    if (!IsCaseKind(row.kind)) {
      return Status::InvalidArgument("case kind must be ticket, refund or purchase");
    }
    PgParams params = CaseValues(row);
    params.Text(row.case_id).Text(row.kind).Text(row.customer_id).Int64(row.opened_at_us);
    CVAULT_ASSIGN_OR_RETURN(
        auto inserted,
        tx_->Write("INSERT INTO cases(status, updated_at_us, processing_due_at_us, "
              "update_due_at_us, retention_class, document, case_id, kind, customer_id, "
              "opened_at_us) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) "
              "ON CONFLICT DO NOTHING",
              params, "insert a case"));
    if (inserted.affected() == 1) return Status::Ok();
    return Status::AlreadyExists("a case with this id already exists");
  }

  Status UpdateCase(const CaseRow& row) override {
    PgParams params = CaseValues(row);
    params.Text(row.case_id).Int64(static_cast<std::int64_t>(row.version));
    CVAULT_ASSIGN_OR_RETURN(
        auto updated,
        tx_->Write("UPDATE cases SET status = $1, updated_at_us = $2, processing_due_at_us = $3, "
              "update_due_at_us = $4, retention_class = $5, document = $6, "
              "version = version + 1 WHERE case_id = $7 AND version = $8",
              params, "update a case"));
    if (updated.affected() == 1) return Status::Ok();
    return ExplainUnchangedCase(row.case_id, "no case with the given id to update");
  }

  StatusOr<std::optional<CaseRow>> GetCase(std::string_view case_id) override {
    CVAULT_ASSIGN_OR_RETURN(auto r, tx_->Read("SELECT " CVAULT_PG_CASE_COLUMNS
                                         ", document FROM cases WHERE case_id = $1",
                                         PgParams().Text(case_id), "read a case"));
    auto rows = ReadCases(r, /*with_document=*/true);
    if (rows.empty()) return std::optional<CaseRow>();
    return std::optional<CaseRow>(std::move(rows.front()));
  }

  StatusOr<std::vector<CaseRow>> ListCases(std::string_view customer_id,
                                           std::string_view kind) override {
    CVAULT_ASSIGN_OR_RETURN(
        auto r, tx_->Read("SELECT " CVAULT_PG_CASE_COLUMNS
                     ", document FROM cases WHERE customer_id = $1 AND kind = $2 "
                     "ORDER BY seq",
                     PgParams().Text(customer_id).Text(kind), "list a customer's cases"));
    return ReadCases(r, /*with_document=*/true);
  }

  StatusOr<std::vector<CaseRow>> ListDueRefunds(std::int64_t at_us) override {
    CVAULT_ASSIGN_OR_RETURN(
        auto r, tx_->Read("SELECT " CVAULT_PG_CASE_COLUMNS
                     " FROM cases WHERE kind = 'refund' AND (processing_due_at_us <= $1 "
                     "OR update_due_at_us <= $1) "
                     "AND customer_id NOT IN (SELECT customer_id FROM erasures_pending) "
                     "ORDER BY seq",
                     PgParams().Int64(at_us), "list due refunds"));
    return ReadCases(r, /*with_document=*/false);
  }

  StatusOr<std::size_t> DeleteCustomer(std::string_view id) override {
    CVAULT_ASSIGN_OR_RETURN(auto r, tx_->Write("DELETE FROM customers WHERE id = $1",
                                          PgParams().Text(id), "delete a customer"));
    return r.affected();
  }

  StatusOr<std::size_t> DeleteConsentEvents(std::string_view customer_id,
                                            std::size_t limit) override {
    // The controlled lift of the append-only guard: listed, deleted and
    // unlisted within this transaction.
    CVAULT_RETURN_IF_ERROR(StatusOf(
        tx_->Write("INSERT INTO consent_erasures(customer_id) VALUES ($1) ON CONFLICT DO NOTHING",
              PgParams().Text(customer_id), "allow the erasure of consent events")));
    CVAULT_ASSIGN_OR_RETURN(
        auto erased,
        tx_->Write("DELETE FROM consent_events WHERE seq IN (SELECT seq FROM consent_events "
              "WHERE customer_id = $1 ORDER BY seq LIMIT $2)",
              PgParams().Text(customer_id).Limit(limit),
              "delete a customer's consent events"));
    CVAULT_RETURN_IF_ERROR(
        StatusOf(tx_->Write("DELETE FROM consent_erasures WHERE customer_id = $1",
                       PgParams().Text(customer_id), "restore the consent event guard")));
    return erased.affected();
  }

  StatusOr<std::size_t> DeleteCases(std::string_view customer_id, std::string_view kind,
                                    std::size_t limit) override {
    if (!IsCaseKind(kind)) {
      return Error(Status::InvalidArgument("case kind must be ticket, refund or purchase"));
    }
    CVAULT_ASSIGN_OR_RETURN(
        auto r, tx_->Write("DELETE FROM cases WHERE seq IN (SELECT seq FROM cases WHERE "
                      "customer_id = $1 AND kind = $2 ORDER BY seq LIMIT $3)",
                      PgParams().Text(customer_id).Text(kind).Limit(limit),
                      "delete a customer's cases"));
    return r.affected();
  }

  StatusOr<std::size_t> CountConsentEvents(std::string_view customer_id) override {
    CVAULT_ASSIGN_OR_RETURN(
        auto r, tx_->Read("SELECT count(*) FROM consent_events WHERE customer_id = $1",
                     PgParams().Text(customer_id), "count a customer's consent events"));
    return static_cast<std::size_t>(r.Int64(0, 0));
  }

  StatusOr<std::size_t> CountCases(std::string_view customer_id,
                                   std::string_view kind) override {
    CVAULT_ASSIGN_OR_RETURN(
        auto r, tx_->Read("SELECT count(*) FROM cases WHERE customer_id = $1 AND kind = $2",
                     PgParams().Text(customer_id).Text(kind), "count a customer's cases"));
    return static_cast<std::size_t>(r.Int64(0, 0));
  }

  Status ReassignCase(const CaseRow& row) override {
    PgParams params = CaseValues(row);
    params.Text(row.customer_id)
        .Text(row.case_id)
        .Int64(static_cast<std::int64_t>(row.version));
    CVAULT_ASSIGN_OR_RETURN(
        auto updated,
        tx_->Write("UPDATE cases SET status = $1, updated_at_us = $2, processing_due_at_us = $3, "
              "update_due_at_us = $4, retention_class = $5, document = $6, "
              "customer_id = $7, version = version + 1 WHERE case_id = $8 AND version = $9",
              params, "reassign a case"));
    if (updated.affected() == 1) return Status::Ok();
    return ExplainUnchangedCase(row.case_id, "no case with the given id to reassign");
  }

  Status InsertHold(const HoldRow& row) override {
    CVAULT_ASSIGN_OR_RETURN(
        auto inserted,
        tx_->Write("INSERT INTO retention_holds(" CVAULT_PG_HOLD_COLUMNS
              ") VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
              PgParams()
                  .Text(row.hold_id)
                  .Text(row.erasure_id)
                  .Text(row.jurisdiction)
                  .Text(row.legal_reason)
                  .Int64(row.created_at_us)
                  .Int64(row.until_us),
              "insert a retention hold"));
    if (inserted.affected() == 1) return Status::Ok();
    return Status::AlreadyExists("a retention hold with this id already exists");
  }

  StatusOr<std::optional<HoldRow>> GetHold(std::string_view hold_id) override {
    CVAULT_ASSIGN_OR_RETURN(auto r, tx_->Read("SELECT " CVAULT_PG_HOLD_COLUMNS
                                         " FROM retention_holds WHERE hold_id = $1",
                                         PgParams().Text(hold_id), "read a retention hold"));
    if (r.rows() == 0) return std::optional<HoldRow>();
    return std::optional<HoldRow>(ReadHold(r, 0));
  }

  StatusOr<std::vector<HoldRow>> ListHoldsDueBy(std::int64_t at_us) override {
    CVAULT_ASSIGN_OR_RETURN(auto r, tx_->Read("SELECT " CVAULT_PG_HOLD_COLUMNS
                                         " FROM retention_holds WHERE until_us <= $1 "
                                         "ORDER BY until_us, hold_id",
                                         PgParams().Int64(at_us), "list due retention holds"));
    std::vector<HoldRow> rows;
    for (int i = 0; i < r.rows(); ++i) rows.push_back(ReadHold(r, i));
    return rows;
  }

  StatusOr<std::size_t> DeleteHold(std::string_view hold_id) override {
    CVAULT_ASSIGN_OR_RETURN(auto r, tx_->Write("DELETE FROM retention_holds WHERE hold_id = $1",
                                          PgParams().Text(hold_id),
                                          "delete a retention hold"));
    return r.affected();
  }

  Status InsertPendingErasure(const PendingErasureRow& row) override {
    CVAULT_ASSIGN_OR_RETURN(
        auto inserted,
        tx_->Write("INSERT INTO erasures_pending(" CVAULT_PG_PENDING_COLUMNS
              ") VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
              PgParams()
                  .Text(row.customer_id)
                  .Text(row.erasure_id)
                  .Text(row.hold_id)
                  .Int64(row.erased_at_us),
              "record a pending erasure"));
    if (inserted.affected() == 1) return Status::Ok();
    return Status::AlreadyExists("the customer already has a pending erasure");
  }

  StatusOr<std::optional<PendingErasureRow>> GetPendingErasure(
      std::string_view customer_id) override {
    CVAULT_ASSIGN_OR_RETURN(auto r, tx_->Read("SELECT " CVAULT_PG_PENDING_COLUMNS
                                         " FROM erasures_pending WHERE customer_id = $1",
                                         PgParams().Text(customer_id),
                                         "read a pending erasure"));
    if (r.rows() == 0) return std::optional<PendingErasureRow>();
    return std::optional<PendingErasureRow>(ReadPending(r, 0));
  }

  StatusOr<std::vector<PendingErasureRow>> ListPendingErasures(std::size_t limit) override {
    CVAULT_ASSIGN_OR_RETURN(auto r, tx_->Read("SELECT " CVAULT_PG_PENDING_COLUMNS
                                         " FROM erasures_pending "
                                         "ORDER BY erased_at_us, customer_id LIMIT $1",
                                         PgParams().Limit(limit),
                                         "list pending erasures"));
    std::vector<PendingErasureRow> rows;
    for (int i = 0; i < r.rows(); ++i) rows.push_back(ReadPending(r, i));
    return rows;
  }

  StatusOr<std::size_t> DeletePendingErasure(std::string_view customer_id) override {
    CVAULT_ASSIGN_OR_RETURN(auto r, tx_->Write("DELETE FROM erasures_pending WHERE customer_id = $1",
                                          PgParams().Text(customer_id),
                                          "delete a pending erasure"));
    return r.affected();
  }

  Status InsertDsrRequest(const DsrRequestRow& row) override {
    PgParams params = MutableDsrValues(row);
    params.Text(row.request_id).Text(row.customer_id).Text(row.kind).Int64(row.received_at_us);
    CVAULT_ASSIGN_OR_RETURN(
        auto inserted,
        tx_->Write("INSERT INTO dsr_requests(status, identity, due_at_us, extension, "
                   "extended_at_us, closed_at_us, outcome, outcome_ref, request_id, "
                   "customer_id, kind, received_at_us) "
                   "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) "
                   "ON CONFLICT DO NOTHING",
                   params, "insert a data-subject request"));
    if (inserted.affected() == 1) return Status::Ok();
    return Status::AlreadyExists("a data-subject request with this id already exists");
  }

  Status UpdateDsrRequest(const DsrRequestRow& row) override {
    PgParams params = MutableDsrValues(row);
    params.Text(row.request_id).Int64(static_cast<std::int64_t>(row.version));
    CVAULT_ASSIGN_OR_RETURN(
        auto updated,
        tx_->Write("UPDATE dsr_requests SET status = $1, identity = $2, due_at_us = $3, "
                   "extension = $4, extended_at_us = $5, closed_at_us = $6, outcome = $7, "
                   "outcome_ref = $8, version = version + 1 "
                   "WHERE request_id = $9 AND version = $10",
                   params, "update a data-subject request"));
    if (updated.affected() == 1) return Status::Ok();
    CVAULT_ASSIGN_OR_RETURN(auto current, GetDsrRequest(row.request_id));
    if (!current) return Status::NotFound("no data-subject request with that id to update");
    return Status::Conflict(
        "the data-subject request was changed by another writer since it was read; "
        "nothing was written: read it again and retry");
  }

  StatusOr<std::optional<DsrRequestRow>> GetDsrRequest(
      std::string_view request_id) override {
    CVAULT_ASSIGN_OR_RETURN(auto r, tx_->Read("SELECT " CVAULT_PG_DSR_COLUMNS
                                              " FROM dsr_requests WHERE request_id = $1",
                                              PgParams().Text(request_id),
                                              "read a data-subject request"));
    if (r.rows() == 0) return std::optional<DsrRequestRow>();
    return std::optional<DsrRequestRow>(ReadDsrRequest(r, 0));
  }

  StatusOr<std::vector<DsrRequestRow>> ListDsrRequests(
      bool open_only, std::string_view customer_id) override {
    CVAULT_ASSIGN_OR_RETURN(
        auto r, tx_->Read("SELECT " CVAULT_PG_DSR_COLUMNS
                          " FROM dsr_requests WHERE ($1 = 0 OR status = 'open') "
                          "AND ($2 = '' OR customer_id = $2) "
                          "ORDER BY due_at_us, request_id",
                          PgParams().Int64(open_only ? 1 : 0).Text(customer_id),
                          "list data-subject requests"));
    std::vector<DsrRequestRow> rows;
    for (int i = 0; i < r.rows(); ++i) rows.push_back(ReadDsrRequest(r, i));
    return rows;
  }

  StatusOr<std::vector<ConsentEventRow>> ListLapsedConsents(std::int64_t at_us) override {
    CVAULT_ASSIGN_OR_RETURN(
        auto r,
        tx_->Read("SELECT " CVAULT_PG_CONSENT_COLUMNS " FROM ("
             "SELECT DISTINCT ON (customer_id, purpose) " CVAULT_PG_CONSENT_COLUMNS
             " FROM consent_events "
             "WHERE customer_id NOT IN (SELECT customer_id FROM erasures_pending) "
             "ORDER BY customer_id, purpose, time_us DESC, seq DESC) latest "
             "WHERE event_type IN ('given', 'renewed') AND expires_at_us IS NOT NULL "
             "AND expires_at_us <= $1 ORDER BY customer_id, purpose",
             PgParams().Int64(at_us), "list lapsed consents"));
    return ReadConsentEvents(r, /*with_receipt=*/false);
  }

  Status SetNextIndexes(std::string_view id, const std::optional<Bytes>& email_next,
                        const std::optional<Bytes>& phone_next) override {
    CVAULT_RETURN_IF_ERROR(CheckEmailIndexesFree(id, std::nullopt, email_next));
    CVAULT_ASSIGN_OR_RETURN(
        auto updated,
        tx_->Write("UPDATE customers SET email_index_next = $2, phone_index_next = $3 "
              "WHERE id = $1",
              PgParams().Text(id).OptionalBytes(email_next).OptionalBytes(phone_next),
              "set a customer's next indexes"));
    if (updated.affected() == 0) {
      return Status::NotFound("no customer with the given id to re-index");
    }
    return Status::Ok();
  }

  StatusOr<std::vector<std::string>> ListCustomersMissingNextIndex(
      std::optional<std::string_view> after, std::size_t limit) override {
    CVAULT_ASSIGN_OR_RETURN(
        auto r, tx_->Read("SELECT id FROM customers WHERE id > $1 AND "
                     "((email IS NOT NULL AND email_index_next IS NULL) OR "
                     "(phone IS NOT NULL AND phone_index_next IS NULL)) "
                     "ORDER BY id LIMIT $2",
                     PgParams().Text(after.value_or("")).Limit(limit),
                     "list customers missing a next index"));
    return ReadTexts(r);
  }

  StatusOr<std::size_t> PromoteNextIndexes() override {
    // Unique indexes are checked row by row: clearing the old indexes of
    // every row that moves first keeps one row's new index from meeting
    // another's old one mid-statement.
    CVAULT_RETURN_IF_ERROR(StatusOf(
        tx_->Write("UPDATE customers SET email_index = NULL, phone_index = NULL "
              "WHERE email_index_next IS NOT NULL OR phone_index_next IS NOT NULL",
              PgParams(), "promote the next indexes")));
    CVAULT_ASSIGN_OR_RETURN(
        auto promoted,
        tx_->Write("UPDATE customers SET email_index = email_index_next, "
              "phone_index = phone_index_next, email_index_next = NULL, "
              "phone_index_next = NULL WHERE email_index_next IS NOT NULL "
              "OR phone_index_next IS NOT NULL",
              PgParams(), "promote the next indexes"));
    return promoted.affected();
  }

  Status ClearNextIndexes() override {
    return StatusOf(tx_->Write("UPDATE customers SET email_index_next = NULL, "
                          "phone_index_next = NULL WHERE email_index_next IS NOT NULL "
                          "OR phone_index_next IS NOT NULL",
                          PgParams(), "clear the next indexes"));
  }

  StatusOr<std::optional<std::string>> GetMeta(std::string_view key) override {
    return ReadMeta(*tx_, key);
  }

  Status SetMeta(std::string_view key, std::string_view value) override {
    return WriteMeta(*tx_, key, value);
  }

  Status Commit() override { return tx_->Commit(); }

 private:
  // AlreadyExists when another customer than `id` holds `email_index` (in
  // either index column) or `email_index_next`.
  Status CheckEmailIndexesFree(std::string_view id, const std::optional<Bytes>& email_index,
                               const std::optional<Bytes>& email_index_next) {
    if (email_index) {
      CVAULT_ASSIGN_OR_RETURN(
          auto r, tx_->Read("SELECT 1 FROM customers WHERE email_index = $1 AND id <> $2",
                       PgParams().Bytes(*email_index).Text(id), "check an email index"));
      if (r.rows() > 0) return Status::AlreadyExists("another customer already has this email");
    }
    if (email_index_next) {
      CVAULT_ASSIGN_OR_RETURN(
          auto r, tx_->Read("SELECT 1 FROM customers WHERE email_index_next = $1 AND id <> $2",
                       PgParams().Bytes(*email_index_next).Text(id), "check an email index"));
      if (r.rows() > 0) return Status::AlreadyExists("another customer already has this email");
    }
    return Status::Ok();
  }

  Status ExplainUnchangedCase(std::string_view case_id, std::string_view missing) {
    CVAULT_ASSIGN_OR_RETURN(auto r, tx_->Read("SELECT 1 FROM cases WHERE case_id = $1",
                                         PgParams().Text(case_id), "check a case"));
    if (r.rows() == 0) return Status::NotFound(std::string(missing));
    return Status::Conflict(
        "the case was changed by another writer since it was read; nothing was written: "
        "read it again and retry");
  }

  std::unique_ptr<PgTransaction> tx_;
};

class PgVaultStore final : public VaultStore {
 public:
  explicit PgVaultStore(std::unique_ptr<PgPool> pool) : pool_(std::move(pool)) {}

  StatusOr<std::unique_ptr<VaultTransaction>> Begin(bool write) override {
    CVAULT_ASSIGN_OR_RETURN(auto tx, pool_->Begin(write));
    return std::unique_ptr<VaultTransaction>(new PgVaultTransaction(std::move(tx)));
  }

  // The pool hands each transaction a connection of its own.
  StatusOr<std::unique_ptr<VaultTransaction>> BeginParallelRead() override {
    return Begin(/*write=*/false);
  }

 private:
  std::unique_ptr<PgPool> pool_;
};

#undef CVAULT_PG_CUSTOMER_COLUMNS
#undef CVAULT_PG_AUDIT_COLUMNS
#undef CVAULT_PG_CONSENT_COLUMNS
#undef CVAULT_PG_CASE_COLUMNS
#undef CVAULT_PG_HOLD_COLUMNS
#undef CVAULT_PG_PENDING_COLUMNS
#undef CVAULT_PG_DSR_COLUMNS

}  // namespace

StatusOr<std::unique_ptr<VaultStore>> OpenVaultStoreIn(std::unique_ptr<PgPool> pool,
                                                       bool create) {
  CVAULT_RETURN_IF_ERROR(PrepareSchema(*pool, StoreKind::kVault, create));
  return std::unique_ptr<VaultStore>(new PgVaultStore(std::move(pool)));
}

}  // namespace cvault::store::postgres
