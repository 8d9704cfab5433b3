#include "store/sqlcipher/hold_tables.h"

#include <string>

#include "store/sqlcipher/statement.h"

namespace cvault::store::sqlcipher {
namespace {

// Columns of the hold reads, in ReadHold's order.
#define CVAULT_HOLD_COLUMNS \
  "hold_id, erasure_id, jurisdiction, legal_reason, created_at, until_us"

HoldRow ReadHold(const Statement& s) {
  HoldRow row;
  row.hold_id = s.ColumnText(0);
  row.erasure_id = s.ColumnText(1);
  row.jurisdiction = s.ColumnText(2);
  row.legal_reason = s.ColumnText(3);
  row.created_at_us = s.ColumnInt64(4);
  row.until_us = s.ColumnInt64(5);
  return row;
}

}  // namespace

Status InsertHold(Connection& connection, const HoldRow& row) {
  CVAULT_ASSIGN_OR_RETURN(
      auto insert, connection.Prepare("INSERT INTO retention_holds(" CVAULT_HOLD_COLUMNS
                                      ") VALUES(?1, ?2, ?3, ?4, ?5, ?6)"));
  insert->BindText(1, row.hold_id);
  insert->BindText(2, row.erasure_id);
  insert->BindText(3, row.jurisdiction);
  insert->BindText(4, row.legal_reason);
  insert->BindInt64(5, row.created_at_us);
  insert->BindInt64(6, row.until_us);
  Status inserted = insert->Run("insert a retention hold");
  if (inserted.code() == StatusCode::kAlreadyExists) {
    return Status::AlreadyExists("a retention hold with this id already exists");
  }
  return inserted;
}

StatusOr<std::optional<HoldRow>> GetHold(Connection& connection,
                                         std::string_view hold_id) {
  CVAULT_ASSIGN_OR_RETURN(auto query,
                          connection.Prepare("SELECT " CVAULT_HOLD_COLUMNS
                                             " FROM retention_holds WHERE hold_id = ?1"));
  query->BindText(1, hold_id);
  CVAULT_ASSIGN_OR_RETURN(const bool has_row, query->Step("read a retention hold"));
  if (!has_row) return std::optional<HoldRow>();
  return std::optional<HoldRow>(ReadHold(*query));
}

StatusOr<std::vector<HoldRow>> ListHoldsDueBy(Connection& connection,
                                              std::int64_t at_us) {
  // A range walk of retention_holds_by_until (until_us, hold_id): no sort
  // step.
  CVAULT_ASSIGN_OR_RETURN(auto query,
                          connection.Prepare("SELECT " CVAULT_HOLD_COLUMNS
                                             " FROM retention_holds WHERE until_us <= ?1 "
                                             "ORDER BY until_us, hold_id"));
  query->BindInt64(1, at_us);
  std::vector<HoldRow> rows;
  while (true) {
    CVAULT_ASSIGN_OR_RETURN(const bool has_row, query->Step("list due retention holds"));
    if (!has_row) return rows;
    rows.push_back(ReadHold(*query));
  }
}

StatusOr<std::size_t> DeleteHold(Connection& connection, std::string_view hold_id) {
  CVAULT_ASSIGN_OR_RETURN(
      auto erase, connection.Prepare("DELETE FROM retention_holds WHERE hold_id = ?1"));
  erase->BindText(1, hold_id);
  CVAULT_RETURN_IF_ERROR(erase->Run("delete a retention hold"));
  return static_cast<std::size_t>(connection.changes());
}

#undef CVAULT_HOLD_COLUMNS

namespace {

#define CVAULT_PENDING_COLUMNS "customer_id, erasure_id, hold_id, erased_at_us"

PendingErasureRow ReadPending(const Statement& s) {
  PendingErasureRow row;
  row.customer_id = s.ColumnText(0);
  row.erasure_id = s.ColumnText(1);
  row.hold_id = s.ColumnText(2);
  row.erased_at_us = s.ColumnInt64(3);
  return row;
}

}  // namespace

Status InsertPendingErasure(Connection& connection, const PendingErasureRow& row) {
  CVAULT_ASSIGN_OR_RETURN(
      auto insert, connection.Prepare("INSERT INTO erasures_pending(" CVAULT_PENDING_COLUMNS
                                      ") VALUES(?1, ?2, ?3, ?4)"));
  insert->BindText(1, row.customer_id);
  insert->BindText(2, row.erasure_id);
  insert->BindText(3, row.hold_id);
  insert->BindInt64(4, row.erased_at_us);
  Status inserted = insert->Run("record a pending erasure");
  if (inserted.code() == StatusCode::kAlreadyExists) {
    return Status::AlreadyExists("the customer already has a pending erasure");
  }
  return inserted;
}

StatusOr<std::optional<PendingErasureRow>> GetPendingErasure(Connection& connection,
                                                             std::string_view customer_id) {
  CVAULT_ASSIGN_OR_RETURN(
      auto query, connection.Prepare("SELECT " CVAULT_PENDING_COLUMNS
                                     " FROM erasures_pending WHERE customer_id = ?1"));
  query->BindText(1, customer_id);
  CVAULT_ASSIGN_OR_RETURN(const bool has_row, query->Step("read a pending erasure"));
  if (!has_row) return std::optional<PendingErasureRow>();
  return std::optional<PendingErasureRow>(ReadPending(*query));
}

StatusOr<std::vector<PendingErasureRow>> ListPendingErasures(Connection& connection,
                                                             std::size_t limit) {
  CVAULT_ASSIGN_OR_RETURN(
      auto query, connection.Prepare("SELECT " CVAULT_PENDING_COLUMNS
                                     " FROM erasures_pending "
                                     "ORDER BY erased_at_us, customer_id LIMIT ?1"));
  query->BindLimit(1, limit);
  std::vector<PendingErasureRow> rows;
  while (true) {
    CVAULT_ASSIGN_OR_RETURN(const bool has_row, query->Step("list pending erasures"));
    if (!has_row) return rows;
    rows.push_back(ReadPending(*query));
  }
}

StatusOr<std::size_t> DeletePendingErasure(Connection& connection,
                                           std::string_view customer_id) {
  CVAULT_ASSIGN_OR_RETURN(
      auto erase,
      connection.Prepare("DELETE FROM erasures_pending WHERE customer_id = ?1"));
  erase->BindText(1, customer_id);
  CVAULT_RETURN_IF_ERROR(erase->Run("delete a pending erasure"));
  return static_cast<std::size_t>(connection.changes());
}

#undef CVAULT_PENDING_COLUMNS

}  // namespace cvault::store::sqlcipher
