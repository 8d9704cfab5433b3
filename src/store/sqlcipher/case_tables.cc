#include "store/sqlcipher/case_tables.h"

#include <algorithm>
#include <array>
#include <string>

#include "store/sqlcipher/statement.h"

namespace cvault::store::sqlcipher {
namespace {

// Must match the CHECK on cases.kind (migration 9); checked here first so a
// bad kind is InvalidArgument rather than a constraint error.
constexpr std::array<std::string_view, 3> kCaseKinds = {"ticket", "refund", "purchase"};

// Columns shared by the case reads, in ReadCase's order; the document, when
// read, comes right after them.
#define CVAULT_CASE_COLUMNS                                           \
  "case_id, kind, customer_id, status, opened_at_us, updated_at_us, " \
  "processing_due_at_us, update_due_at_us, retention_class, version"
constexpr int kDocumentColumn = 10;

CaseRow ReadCase(const Statement& s, bool with_document) {
  CaseRow row;
  row.case_id = s.ColumnText(0);
  row.kind = s.ColumnText(1);
  row.customer_id = s.ColumnText(2);
  row.status = s.ColumnText(3);
  row.opened_at_us = s.ColumnInt64(4);
  row.updated_at_us = s.ColumnInt64(5);
  row.processing_due_at_us = s.ColumnOptionalInt64(6);
  row.update_due_at_us = s.ColumnOptionalInt64(7);
  row.retention_class = static_cast<int>(s.ColumnInt64(8));
  row.version = static_cast<std::uint64_t>(s.ColumnInt64(9));
  if (with_document) row.document = s.ColumnBlob(kDocumentColumn);
  return row;
}

// Binds the columns UpdateCase replaces, from parameter `first` on: status,
// updated_at_us, processing_due_at_us, update_due_at_us, retention_class,
// document.
void BindMutableCaseValues(Statement& s, const CaseRow& row, int first) {
  s.BindText(first, row.status);
  s.BindInt64(first + 1, row.updated_at_us);
  s.BindOptionalInt64(first + 2, row.processing_due_at_us);
  s.BindOptionalInt64(first + 3, row.update_due_at_us);
  s.BindInt64(first + 4, row.retention_class);
  s.BindBlob(first + 5, row.document);
}

bool IsCaseKind(std::string_view kind) {
  return std::find(kCaseKinds.begin(), kCaseKinds.end(), kind) != kCaseKinds.end();
}

// What an UPDATE of `row` guarded by its version means when it changed no
// row: the case is gone, or another writer moved its version.
Status ExplainUnchangedCase(Connection& connection, const CaseRow& row,
                            std::string_view missing) {
  CVAULT_ASSIGN_OR_RETURN(auto query,
                          connection.Prepare("SELECT 1 FROM cases WHERE case_id = ?1"));
  query->BindText(1, row.case_id);
  CVAULT_ASSIGN_OR_RETURN(const bool exists, query->Step("check a case"));
  if (!exists) return Status::NotFound(std::string(missing));
  return Status::Conflict(
      "the case was changed by another writer since it was read; nothing was "
      "written: read it again and retry");
}

StatusOr<std::vector<CaseRow>> CollectCases(Statement& query, bool with_document,
                                            std::string_view action) {
  std::vector<CaseRow> rows;
  while (true) {
    CVAULT_ASSIGN_OR_RETURN(const bool has_row, query.Step(action));
    if (!has_row) return rows;
    rows.push_back(ReadCase(query, with_document));
  }
}

}  // namespace

Status InsertCase(Connection& connection, const CaseRow& row) {
  if (!IsCaseKind(row.kind)) {
    return Status::InvalidArgument("case kind must be ticket, refund or purchase");
  }
  CVAULT_ASSIGN_OR_RETURN(
      auto insert, connection.Prepare("INSERT INTO cases(status, updated_at_us, "
                                      "processing_due_at_us, update_due_at_us, "
                                      "retention_class, document, case_id, kind, "
                                      "customer_id, opened_at_us) "
                                      "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"));
  BindMutableCaseValues(*insert, row, 1);
  insert->BindText(7, row.case_id);
  insert->BindText(8, row.kind);
  insert->BindText(9, row.customer_id);
  insert->BindInt64(10, row.opened_at_us);
  Status inserted = insert->Run("insert a case");
  // seq is assigned by SQLite, so only case_id can clash.
  if (inserted.code() == StatusCode::kAlreadyExists) {
    return Status::AlreadyExists("a case with this id already exists");
  }
  return inserted;
}

Status UpdateCase(Connection& connection, const CaseRow& row) {
  CVAULT_ASSIGN_OR_RETURN(
      auto update, connection.Prepare("UPDATE cases SET status = ?1, updated_at_us = ?2, "
                                      "processing_due_at_us = ?3, update_due_at_us = ?4, "
                                      "retention_class = ?5, document = ?6, "
                                      "version = version + 1 "
                                      "WHERE case_id = ?7 AND version = ?8"));
  BindMutableCaseValues(*update, row, 1);
  update->BindText(7, row.case_id);
  update->BindInt64(8, static_cast<std::int64_t>(row.version));
  CVAULT_RETURN_IF_ERROR(update->Run("update a case"));
  if (connection.changes() == 1) return Status::Ok();
  return ExplainUnchangedCase(connection, row, "no case with the given id to update");
}

StatusOr<std::optional<CaseRow>> GetCase(Connection& connection,
                                         std::string_view case_id) {
  CVAULT_ASSIGN_OR_RETURN(auto query,
                          connection.Prepare("SELECT " CVAULT_CASE_COLUMNS
                                             ", document FROM cases WHERE case_id = ?1"));
  query->BindText(1, case_id);
  CVAULT_ASSIGN_OR_RETURN(const bool has_row, query->Step("read a case"));
  if (!has_row) return std::optional<CaseRow>();
  return std::optional<CaseRow>(ReadCase(*query, /*with_document=*/true));
}

StatusOr<std::vector<CaseRow>> ListCases(Connection& connection,
                                         std::string_view customer_id,
                                         std::string_view kind) {
  // A walk of cases_by_customer; no sort step.
  CVAULT_ASSIGN_OR_RETURN(
      auto query, connection.Prepare("SELECT " CVAULT_CASE_COLUMNS
                                     ", document FROM cases WHERE customer_id = ?1 "
                                     "AND kind = ?2 ORDER BY seq"));
  query->BindText(1, customer_id);
  query->BindText(2, kind);
  return CollectCases(*query, /*with_document=*/true, "list a customer's cases");
}

StatusOr<std::vector<CaseRow>> ListDueRefunds(Connection& connection,
                                              std::int64_t at_us) {
  // Each side of the OR is a range search of its own (kind, due) index;
  // SQLite's multi-index OR unions the rowids (a refund due on both counts
  // comes once) and sorts them by seq. NULL due columns never compare true.
  // Refunds of a customer whose erasure is still to be swept are not due:
  // the sweep moves them under the retention hold.
  CVAULT_ASSIGN_OR_RETURN(
      auto query,
      connection.Prepare("SELECT " CVAULT_CASE_COLUMNS " FROM cases WHERE "
                         "((kind = 'refund' AND processing_due_at_us <= ?1) OR "
                         "(kind = 'refund' AND update_due_at_us <= ?1)) "
                         "AND customer_id NOT IN (SELECT customer_id FROM erasures_pending) "
                         "ORDER BY seq"));
  query->BindInt64(1, at_us);
  return CollectCases(*query, /*with_document=*/false, "list due refunds");
}

StatusOr<std::size_t> DeleteCases(Connection& connection, std::string_view customer_id,
                                  std::string_view kind, std::size_t limit) {
  if (!IsCaseKind(kind)) {
    return Error(Status::InvalidArgument("case kind must be ticket, refund or purchase"));
  }
  CVAULT_ASSIGN_OR_RETURN(
      auto erase,
      connection.Prepare("DELETE FROM cases WHERE seq IN (SELECT seq FROM cases "
                         "WHERE customer_id = ?1 AND kind = ?2 ORDER BY seq LIMIT ?3)"));
  erase->BindText(1, customer_id);
  erase->BindText(2, kind);
  erase->BindLimit(3, limit);
  CVAULT_RETURN_IF_ERROR(erase->Run("delete a customer's cases"));
  return static_cast<std::size_t>(connection.changes());
}

StatusOr<std::size_t> CountCases(Connection& connection, std::string_view customer_id,
                                 std::string_view kind) {
  CVAULT_ASSIGN_OR_RETURN(
      auto query,
      connection.Prepare("SELECT count(*) FROM cases WHERE customer_id = ?1 AND kind = ?2"));
  query->BindText(1, customer_id);
  query->BindText(2, kind);
  CVAULT_ASSIGN_OR_RETURN(const bool has_row, query->Step("count a customer's cases"));
  return has_row ? static_cast<std::size_t>(query->ColumnInt64(0)) : std::size_t{0};
}

Status ReassignCase(Connection& connection, const CaseRow& row) {
  CVAULT_ASSIGN_OR_RETURN(
      auto update, connection.Prepare("UPDATE cases SET status = ?1, updated_at_us = ?2, "
                                      "processing_due_at_us = ?3, update_due_at_us = ?4, "
                                      "retention_class = ?5, document = ?6, "
                                      "customer_id = ?7, version = version + 1 "
                                      "WHERE case_id = ?8 AND version = ?9"));
  BindMutableCaseValues(*update, row, 1);
  update->BindText(7, row.customer_id);
  update->BindText(8, row.case_id);
  update->BindInt64(9, static_cast<std::int64_t>(row.version));
  CVAULT_RETURN_IF_ERROR(update->Run("reassign a case"));
  if (connection.changes() == 1) return Status::Ok();
  return ExplainUnchangedCase(connection, row, "no case with the given id to reassign");
}

#undef CVAULT_CASE_COLUMNS

}  // namespace cvault::store::sqlcipher
