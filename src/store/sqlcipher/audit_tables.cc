#include "store/sqlcipher/audit_tables.h"

#include <limits>
#include <string>
#include <utility>

#include "store/sqlcipher/statement.h"

namespace cvault::store::sqlcipher {
namespace {

constexpr std::int64_t kMaxInt64 = std::numeric_limits<std::int64_t>::max();

// Column list shared by the entry reads; ReadAuditRow follows its order.
#define CVAULT_AUDIT_COLUMNS                                               \
  "sequence, time_us, principal_id, role, action, purpose, subject, "      \
  "fields_requested, fields_returned, decision, reason_code, request_id, " \
  "previous_hash, entry_hash"

AuditRow ReadAuditRow(const Statement& s) {
  AuditRow row;
  row.sequence = static_cast<std::uint64_t>(s.ColumnInt64(0));
  row.time_us = s.ColumnInt64(1);
  row.principal_id = s.ColumnText(2);
  row.role = s.ColumnText(3);
  row.action = s.ColumnText(4);
  row.purpose = s.ColumnText(5);
  row.subject = s.ColumnText(6);
  row.fields_requested = s.ColumnText(7);
  row.fields_returned = s.ColumnText(8);
  row.decision = s.ColumnText(9);
  row.reason_code = s.ColumnText(10);
  row.request_id = s.ColumnText(11);
  row.previous_hash = s.ColumnBlob(12);
  row.entry_hash = s.ColumnBlob(13);
  return row;
}

// ReadAuditRow into an existing row, reusing its buffers.
void ReadAuditRowInto(const Statement& s, AuditRow& row) {
  row.sequence = static_cast<std::uint64_t>(s.ColumnInt64(0));
  row.time_us = s.ColumnInt64(1);
  row.principal_id.assign(s.ColumnTextView(2));
  row.role.assign(s.ColumnTextView(3));
  row.action.assign(s.ColumnTextView(4));
  row.purpose.assign(s.ColumnTextView(5));
  row.subject.assign(s.ColumnTextView(6));
  row.subjects.clear();
  row.fields_requested.assign(s.ColumnTextView(7));
  row.fields_returned.assign(s.ColumnTextView(8));
  row.decision.assign(s.ColumnTextView(9));
  row.reason_code.assign(s.ColumnTextView(10));
  row.request_id.assign(s.ColumnTextView(11));
  auto previous = s.ColumnBlobView(12);
  row.previous_hash.assign(previous.begin(), previous.end());
  auto hash = s.ColumnBlobView(13);
  row.entry_hash.assign(hash.begin(), hash.end());
}

StatusOr<std::vector<AuditRow>> CollectAuditRows(Statement& query,
                                                 std::string_view action) {
  std::vector<AuditRow> rows;
  while (true) {
    CVAULT_ASSIGN_OR_RETURN(const bool has_row, query.Step(action));
    if (!has_row) return rows;
    rows.push_back(ReadAuditRow(query));
  }
}

Status CheckSequence(std::uint64_t sequence, std::string_view what) {
  if (sequence > static_cast<std::uint64_t>(kMaxInt64)) {
    return Status::InvalidArgument(std::string(what) + " sequence is out of range");
  }
  return Status::Ok();
}

}  // namespace

Status AppendAudit(Connection& connection, const AuditRow& row) {
  CVAULT_RETURN_IF_ERROR(CheckSequence(row.sequence, "audit entry"));
  std::uint64_t expected = 1;  // the first entry is 1
  {
    // One seek to the end of the primary key; the row itself is not read.
    CVAULT_ASSIGN_OR_RETURN(auto last,
                            connection.Prepare("SELECT sequence FROM audit_log "
                                               "ORDER BY sequence DESC LIMIT 1"));
    CVAULT_ASSIGN_OR_RETURN(const bool has_last,
                            last->Step("read the last audit sequence"));
    if (has_last) expected = static_cast<std::uint64_t>(last->ColumnInt64(0)) + 1;
  }
  if (row.sequence != expected) {
    return Status::FailedPrecondition(
        "audit entry sequence " + std::to_string(row.sequence) +
        " does not follow the last entry (the next must be " + std::to_string(expected) +
        "); the audit log is append-only");
  }
  CVAULT_ASSIGN_OR_RETURN(
      auto insert, connection.Prepare("INSERT INTO audit_log(" CVAULT_AUDIT_COLUMNS
                                      ") VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
                                      "?11, ?12, ?13, ?14)"));
  insert->BindInt64(1, static_cast<std::int64_t>(row.sequence));
  insert->BindInt64(2, row.time_us);
  insert->BindText(3, row.principal_id);
  insert->BindText(4, row.role);
  insert->BindText(5, row.action);
  insert->BindText(6, row.purpose);
  insert->BindText(7, row.subject);
  insert->BindText(8, row.fields_requested);
  insert->BindText(9, row.fields_returned);
  insert->BindText(10, row.decision);
  insert->BindText(11, row.reason_code);
  insert->BindText(12, row.request_id);
  insert->BindBlob(13, row.previous_hash);
  insert->BindBlob(14, row.entry_hash);
  CVAULT_RETURN_IF_ERROR(insert->Run("append an audit entry"));
  if (row.subjects.empty()) return Status::Ok();
  // OR IGNORE: a subject named twice in one entry is indexed once.
  CVAULT_ASSIGN_OR_RETURN(auto index,
                          connection.Prepare("INSERT OR IGNORE INTO audit_subjects(subject, "
                                             "sequence) VALUES(?1, ?2)"));
  for (const std::string& subject : row.subjects) {
    if (subject.empty()) continue;
    index->Reset();
    index->BindText(1, subject);
    index->BindInt64(2, static_cast<std::int64_t>(row.sequence));
    CVAULT_RETURN_IF_ERROR(index->Run("index an audit entry by subject"));
  }
  return Status::Ok();
}

StatusOr<std::optional<AuditRow>> LastAudit(Connection& connection) {
  CVAULT_ASSIGN_OR_RETURN(auto query,
                          connection.Prepare("SELECT " CVAULT_AUDIT_COLUMNS
                                             " FROM audit_log ORDER BY sequence DESC "
                                             "LIMIT 1"));
  CVAULT_ASSIGN_OR_RETURN(const bool has_row, query->Step("read the last audit entry"));
  if (!has_row) return std::optional<AuditRow>();
  return std::optional<AuditRow>(ReadAuditRow(*query));
}

StatusOr<std::vector<AuditRow>> ReadAudit(Connection& connection, std::uint64_t from,
                                          std::size_t limit) {
  std::vector<AuditRow> rows;
  CVAULT_RETURN_IF_ERROR(ReadAuditInto(connection, from, limit, rows));
  return rows;
}

Status ReadAuditInto(Connection& connection, std::uint64_t from, std::size_t limit,
                     std::vector<AuditRow>& rows) {
  std::size_t count = 0;
  if (from <= static_cast<std::uint64_t>(kMaxInt64)) {
    CVAULT_ASSIGN_OR_RETURN(auto query,
                            connection.Prepare("SELECT " CVAULT_AUDIT_COLUMNS
                                               " FROM audit_log WHERE sequence >= ?1 "
                                               "ORDER BY sequence LIMIT ?2"));
    query->BindInt64(1, static_cast<std::int64_t>(from));
    query->BindLimit(2, limit);
    while (true) {
      CVAULT_ASSIGN_OR_RETURN(const bool has_row, query->Step("read audit entries"));
      if (!has_row) break;
      if (count == rows.size()) rows.emplace_back();
      ReadAuditRowInto(*query, rows[count++]);
    }
  }
  rows.resize(count);
  return Status::Ok();
}

StatusOr<std::vector<AuditRow>> ReadAuditForSubject(Connection& connection,
                                                    std::string_view subject,
                                                    std::uint64_t from,
                                                    std::size_t limit) {
  if (subject.empty() || subject.find(',') != std::string_view::npos) {
    return Error(Status::InvalidArgument(
        "audit subject: one non-empty pseudonym without commas required"));
  }
  if (from > static_cast<std::uint64_t>(kMaxInt64)) return std::vector<AuditRow>();
  // A range of audit_subjects' primary key, then one primary-key lookup
  // per entry.
  CVAULT_ASSIGN_OR_RETURN(
      auto query,
      connection.Prepare("SELECT " CVAULT_AUDIT_COLUMNS
                         " FROM audit_log WHERE sequence IN (SELECT sequence FROM "
                         "audit_subjects WHERE subject = ?1 AND sequence >= ?2 "
                         "ORDER BY sequence LIMIT ?3) ORDER BY sequence"));
  query->BindText(1, subject);
  query->BindInt64(2, static_cast<std::int64_t>(from));
  query->BindLimit(3, limit);
  return CollectAuditRows(*query, "read a subject's audit entries");
}

Status InsertCheckpoint(Connection& connection, const CheckpointRow& row) {
  CVAULT_RETURN_IF_ERROR(CheckSequence(row.sequence, "checkpoint"));
  CVAULT_ASSIGN_OR_RETURN(auto insert,
                          connection.Prepare("INSERT INTO audit_checkpoints(sequence, "
                                             "time_us, head_hash, signature, public_key) "
                                             "VALUES(?1, ?2, ?3, ?4, ?5)"));
  insert->BindInt64(1, static_cast<std::int64_t>(row.sequence));
  insert->BindInt64(2, row.time_us);
  insert->BindBlob(3, row.head_hash);
  insert->BindBlob(4, row.signature);
  insert->BindBlob(5, row.public_key);
  Status inserted = insert->Run("insert an audit checkpoint");
  if (inserted.code() == StatusCode::kAlreadyExists) {
    return Status::AlreadyExists("a checkpoint at audit sequence " +
                                 std::to_string(row.sequence) + " already exists");
  }
  return inserted;
}

namespace {

#define CVAULT_CHECKPOINT_SELECT \
  "SELECT sequence, time_us, head_hash, signature, public_key FROM audit_checkpoints "

CheckpointRow ReadCheckpointRow(const Statement& query) {
  CheckpointRow row;
  row.sequence = static_cast<std::uint64_t>(query.ColumnInt64(0));
  row.time_us = query.ColumnInt64(1);
  row.head_hash = query.ColumnBlob(2);
  row.signature = query.ColumnBlob(3);
  row.public_key = query.ColumnBlob(4);
  return row;
}

}  // namespace

StatusOr<std::optional<CheckpointRow>> LastCheckpoint(Connection& connection) {
  CVAULT_ASSIGN_OR_RETURN(auto query,
                          connection.Prepare(CVAULT_CHECKPOINT_SELECT
                                             "ORDER BY sequence DESC LIMIT 1"));
  CVAULT_ASSIGN_OR_RETURN(const bool has_row, query->Step("read the last audit checkpoint"));
  if (!has_row) return std::optional<CheckpointRow>();
  return ReadCheckpointRow(*query);
}

StatusOr<std::vector<CheckpointRow>> ListCheckpoints(Connection& connection) {
  CVAULT_ASSIGN_OR_RETURN(auto query, connection.Prepare(CVAULT_CHECKPOINT_SELECT
                                                         "ORDER BY sequence"));
  std::vector<CheckpointRow> rows;
  while (true) {
    CVAULT_ASSIGN_OR_RETURN(const bool has_row, query->Step("read audit checkpoints"));
    if (!has_row) return rows;
    rows.push_back(ReadCheckpointRow(*query));
  }
}

#undef CVAULT_CHECKPOINT_SELECT
#undef CVAULT_AUDIT_COLUMNS

}  // namespace cvault::store::sqlcipher
