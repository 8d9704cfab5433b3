#include "store/sqlcipher/dsr_tables.h"

#include <string>

#include "store/sqlcipher/statement.h"

namespace cvault::store::sqlcipher {
namespace {

// Columns of the request reads, in ReadRequest's order.
#define CVAULT_DSR_COLUMNS                                                        \
  "request_id, version, customer_id, kind, status, identity, received_at_us, " \
  "due_at_us, extension, extended_at_us, closed_at_us, outcome, outcome_ref"

DsrRequestRow ReadRequest(const Statement& s) {
  DsrRequestRow row;
  row.request_id = s.ColumnText(0);
  row.version = static_cast<std::uint64_t>(s.ColumnInt64(1));
  row.customer_id = s.ColumnText(2);
  row.kind = s.ColumnText(3);
  row.status = s.ColumnText(4);
  row.identity = s.ColumnText(5);
  row.received_at_us = s.ColumnInt64(6);
  row.due_at_us = s.ColumnInt64(7);
  row.extension = s.ColumnText(8);
  row.extended_at_us = s.ColumnOptionalInt64(9);
  row.closed_at_us = s.ColumnOptionalInt64(10);
  row.outcome = s.ColumnText(11);
  row.outcome_ref = s.ColumnText(12);
  return row;
}

// Binds the columns UpdateDsrRequest replaces, from parameter 1 on.
void BindMutableValues(Statement& s, const DsrRequestRow& row) {
  s.BindText(1, row.status);
  s.BindText(2, row.identity);
  s.BindInt64(3, row.due_at_us);
  s.BindText(4, row.extension);
  s.BindOptionalInt64(5, row.extended_at_us);
  s.BindOptionalInt64(6, row.closed_at_us);
  s.BindText(7, row.outcome);
  s.BindText(8, row.outcome_ref);
}

}  // namespace

Status InsertDsrRequest(Connection& connection, const DsrRequestRow& row) {
  CVAULT_ASSIGN_OR_RETURN(
      auto insert,
      connection.Prepare("INSERT INTO dsr_requests(status, identity, due_at_us, extension, "
                         "extended_at_us, closed_at_us, outcome, outcome_ref, request_id, "
                         "customer_id, kind, received_at_us) "
                         "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"));
  BindMutableValues(*insert, row);
  insert->BindText(9, row.request_id);
  insert->BindText(10, row.customer_id);
  insert->BindText(11, row.kind);
  insert->BindInt64(12, row.received_at_us);
  Status inserted = insert->Run("insert a data-subject request");
  if (inserted.code() == StatusCode::kAlreadyExists) {
    return Status::AlreadyExists("a data-subject request with this id already exists");
  }
  return inserted;
}

Status UpdateDsrRequest(Connection& connection, const DsrRequestRow& row) {
  CVAULT_ASSIGN_OR_RETURN(
      auto update,
      connection.Prepare("UPDATE dsr_requests SET status = ?1, identity = ?2, "
                         "due_at_us = ?3, extension = ?4, extended_at_us = ?5, "
                         "closed_at_us = ?6, outcome = ?7, outcome_ref = ?8, "
                         "version = version + 1 WHERE request_id = ?9 AND version = ?10"));
  BindMutableValues(*update, row);
  update->BindText(9, row.request_id);
  update->BindInt64(10, static_cast<std::int64_t>(row.version));
  CVAULT_RETURN_IF_ERROR(update->Run("update a data-subject request"));
  if (connection.changes() == 1) return Status::Ok();
  CVAULT_ASSIGN_OR_RETURN(auto current, GetDsrRequest(connection, row.request_id));
  if (!current) return Status::NotFound("no data-subject request with that id to update");
  return Status::Conflict(
      "the data-subject request was changed by another writer since it was read; "
      "nothing was written: read it again and retry");
}

StatusOr<std::optional<DsrRequestRow>> GetDsrRequest(Connection& connection,
                                                     std::string_view request_id) {
  CVAULT_ASSIGN_OR_RETURN(auto query,
                          connection.Prepare("SELECT " CVAULT_DSR_COLUMNS
                                             " FROM dsr_requests WHERE request_id = ?1"));
  query->BindText(1, request_id);
  CVAULT_ASSIGN_OR_RETURN(const bool has_row, query->Step("read a data-subject request"));
  if (!has_row) return std::optional<DsrRequestRow>();
  return std::optional<DsrRequestRow>(ReadRequest(*query));
}

StatusOr<std::vector<DsrRequestRow>> ListDsrRequests(Connection& connection,
                                                     bool open_only,
                                                     std::string_view customer_id) {
  // Requests are few next to customers or audit entries (a shop answers a
  // handful a month), so one statement serves every filter; the index on
  // (status, due_at_us) keeps the open list short to walk.
  CVAULT_ASSIGN_OR_RETURN(
      auto query,
      connection.Prepare("SELECT " CVAULT_DSR_COLUMNS
                         " FROM dsr_requests WHERE (?1 = 0 OR status = 'open') "
                         "AND (?2 = '' OR customer_id = ?2) "
                         "ORDER BY due_at_us, request_id"));
  query->BindInt64(1, open_only ? 1 : 0);
  query->BindText(2, customer_id);
  std::vector<DsrRequestRow> rows;
  while (true) {
    CVAULT_ASSIGN_OR_RETURN(const bool has_row,
                            query->Step("list data-subject requests"));
    if (!has_row) return rows;
    rows.push_back(ReadRequest(*query));
  }
}

#undef CVAULT_DSR_COLUMNS

}  // namespace cvault::store::sqlcipher
