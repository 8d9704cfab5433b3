#include "store/sqlcipher/customer_tables.h"

#include "store/sqlcipher/statement.h"

namespace cvault::store::sqlcipher {
namespace {

// Column list shared by the customer reads; ReadCustomer follows its order.
#define CVAULT_CUSTOMER_COLUMNS                                       \
  "id, created_at, updated_at, restricted, full_name, email, phone, " \
  "postal_address, country, language, external_ref, email_index, "    \
  "phone_index, email_index_next, phone_index_next, version"

CustomerRow ReadCustomer(const Statement& s) {
  CustomerRow row;
  row.id = s.ColumnText(0);
  row.created_at_us = s.ColumnInt64(1);
  row.updated_at_us = s.ColumnInt64(2);
  row.restricted = s.ColumnInt64(3) != 0;
  for (std::size_t i = 0; i < kCustomerFieldCount; ++i) {
    row.fields[i] = s.ColumnOptionalBlob(static_cast<int>(4 + i));
  }
  row.email_index = s.ColumnOptionalBlob(11);
  row.phone_index = s.ColumnOptionalBlob(12);
  row.email_index_next = s.ColumnOptionalBlob(13);
  row.phone_index_next = s.ColumnOptionalBlob(14);
  row.version = static_cast<std::uint64_t>(s.ColumnInt64(15));
  return row;
}

// Binds fields, indexes, flag and times from parameter `first` on: fields at
// first..first+6, email_index, phone_index, restricted, updated_at,
// email_index_next, phone_index_next.
void BindCustomerValues(Statement& s, const CustomerRow& row, int first) {
  for (std::size_t i = 0; i < kCustomerFieldCount; ++i) {
    s.BindOptionalBlob(first + static_cast<int>(i), row.fields[i]);
  }
  s.BindOptionalBlob(first + 7, row.email_index);
  s.BindOptionalBlob(first + 8, row.phone_index);
  s.BindInt64(first + 9, row.restricted ? 1 : 0);
  s.BindInt64(first + 10, row.updated_at_us);
  s.BindOptionalBlob(first + 11, row.email_index_next);
  s.BindOptionalBlob(first + 12, row.phone_index_next);
}

// Names the unique column that clashed; SQLite's message names only the
// table and column, never the value.
Status ExplainCustomerConflict(const Connection& connection, Status status) {
  if (status.code() != StatusCode::kAlreadyExists) return status;
  if (connection.last_error_message().find("email_index") != std::string_view::npos) {
    return Status::AlreadyExists("another customer already has this email");
  }
  return Status::AlreadyExists("a customer with this id already exists");
}

StatusOr<std::vector<std::string>> CollectTexts(Statement& query,
                                                std::string_view action) {
  std::vector<std::string> values;
  while (true) {
    CVAULT_ASSIGN_OR_RETURN(const bool has_row, query.Step(action));
    if (!has_row) return values;
    values.push_back(query.ColumnText(0));
  }
}

// Runs `sql`, which selects ids with id > ?1 in id order and LIMIT ?2,
// resuming after `after` (every id sorts after the empty string).
StatusOr<std::vector<std::string>> ListIdsAfter(Connection& connection,
                                                std::string_view sql,
                                                std::optional<std::string_view> after,
                                                std::size_t limit,
                                                std::string_view action) {
  CVAULT_ASSIGN_OR_RETURN(auto query, connection.Prepare(sql));
  query->BindText(1, after.value_or(std::string_view()));
  query->BindLimit(2, limit);
  return CollectTexts(*query, action);
}

// Runs `sql`, which selects ids by the blind index bound to ?1.
StatusOr<std::vector<std::string>> FindIds(Connection& connection, std::string_view sql,
                                           std::span<const std::uint8_t> index,
                                           std::string_view action) {
  CVAULT_ASSIGN_OR_RETURN(auto query, connection.Prepare(sql));
  query->BindBlob(1, index);
  return CollectTexts(*query, action);
}

}  // namespace

Status InsertCustomer(Connection& connection, const CustomerRow& row) {
  CVAULT_ASSIGN_OR_RETURN(
      auto insert, connection.Prepare(
                       "INSERT INTO customers(full_name, email, phone, postal_address, "
                       "country, language, external_ref, email_index, phone_index, "
                       "restricted, updated_at, email_index_next, phone_index_next, id, "
                       "created_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
                       "?12, ?13, ?14, ?15)"));
  BindCustomerValues(*insert, row, 1);
  insert->BindText(14, row.id);
  insert->BindInt64(15, row.created_at_us);
  return ExplainCustomerConflict(connection, insert->Run("insert a customer"));
}

Status UpdateCustomer(Connection& connection, const CustomerRow& row) {
  CVAULT_ASSIGN_OR_RETURN(
      auto update,
      connection.Prepare("UPDATE customers SET full_name = ?1, email = ?2, phone = ?3, "
                         "postal_address = ?4, country = ?5, language = ?6, "
                         "external_ref = ?7, email_index = ?8, phone_index = ?9, "
                         "restricted = ?10, updated_at = ?11, email_index_next = ?12, "
                         "phone_index_next = ?13, version = version + 1 "
                         "WHERE id = ?14 AND version = ?15"));
  BindCustomerValues(*update, row, 1);
  update->BindText(14, row.id);
  update->BindInt64(15, static_cast<std::int64_t>(row.version));
  CVAULT_RETURN_IF_ERROR(
      ExplainCustomerConflict(connection, update->Run("update a customer")));
  if (connection.changes() == 1) return Status::Ok();
  CVAULT_ASSIGN_OR_RETURN(auto current, GetCustomer(connection, row.id));
  if (!current) return Status::NotFound("no customer with the given id to update");
  return Status::Conflict(
      "the customer was changed by another writer since it was read; nothing was "
      "written: read it again and retry");
}

StatusOr<std::optional<CustomerRow>> GetCustomer(Connection& connection,
                                                 std::string_view id) {
  CVAULT_ASSIGN_OR_RETURN(auto query,
                          connection.Prepare("SELECT " CVAULT_CUSTOMER_COLUMNS
                                             " FROM customers WHERE id = ?1"));
  query->BindText(1, id);
  CVAULT_ASSIGN_OR_RETURN(const bool has_row, query->Step("read a customer"));
  if (!has_row) return std::optional<CustomerRow>();
  return std::optional<CustomerRow>(ReadCustomer(*query));
}

StatusOr<std::vector<std::string>> FindByEmailIndex(Connection& connection,
                                                    std::span<const std::uint8_t> index) {
  return FindIds(connection,
                 "SELECT id FROM customers WHERE email_index = ?1 ORDER BY id", index,
                 "look customers up by email index");
}

StatusOr<std::vector<std::string>> FindByPhoneIndex(Connection& connection,
                                                    std::span<const std::uint8_t> index) {
  return FindIds(connection,
                 "SELECT id FROM customers WHERE phone_index = ?1 ORDER BY id", index,
                 "look customers up by phone index");
}

StatusOr<std::vector<std::string>> ListCustomerIds(Connection& connection,
                                                   std::optional<std::string_view> after,
                                                   std::size_t limit) {
  return ListIdsAfter(connection,
                      "SELECT id FROM customers WHERE id > ?1 ORDER BY id LIMIT ?2",
                      after, limit, "list customers");
}

StatusOr<std::uint64_t> CountCustomers(Connection& connection, std::int64_t as_of_us) {
  CVAULT_ASSIGN_OR_RETURN(auto query, connection.Prepare("SELECT count(*) FROM customers "
                                                         "WHERE created_at <= ?1"));
  query->BindInt64(1, as_of_us);
  CVAULT_ASSIGN_OR_RETURN(const bool has_row, query->Step("count customers"));
  if (!has_row) return std::uint64_t{0};
  return static_cast<std::uint64_t>(query->ColumnInt64(0));
}

StatusOr<std::size_t> DeleteCustomer(Connection& connection, std::string_view id) {
  CVAULT_ASSIGN_OR_RETURN(auto erase,
                          connection.Prepare("DELETE FROM customers WHERE id = ?1"));
  erase->BindText(1, id);
  CVAULT_RETURN_IF_ERROR(erase->Run("delete a customer"));
  return static_cast<std::size_t>(connection.changes());
}

Status SetNextIndexes(Connection& connection, std::string_view id,
                      const std::optional<Bytes>& email_next,
                      const std::optional<Bytes>& phone_next) {
  CVAULT_ASSIGN_OR_RETURN(
      auto update, connection.Prepare("UPDATE customers SET email_index_next = ?1, "
                                      "phone_index_next = ?2 WHERE id = ?3"));
  update->BindOptionalBlob(1, email_next);
  update->BindOptionalBlob(2, phone_next);
  update->BindText(3, id);
  CVAULT_RETURN_IF_ERROR(
      ExplainCustomerConflict(connection, update->Run("set a customer's next indexes")));
  if (connection.changes() == 0) {
    return Status::NotFound("no customer with the given id to re-index");
  }
  return Status::Ok();
}

StatusOr<std::vector<std::string>> ListCustomersMissingNextIndex(
    Connection& connection, std::optional<std::string_view> after, std::size_t limit) {
  // email and phone are the ciphertext columns: a customer needs a next
  // index exactly for the ones that are set.
  return ListIdsAfter(connection,
                      "SELECT id FROM customers WHERE id > ?1 AND "
                      "((email IS NOT NULL AND email_index_next IS NULL) OR "
                      "(phone IS NOT NULL AND phone_index_next IS NULL)) "
                      "ORDER BY id LIMIT ?2",
                      after, limit, "list customers missing a next index");
}

StatusOr<std::size_t> PromoteNextIndexes(Connection& connection) {
  // SQLite checks UNIQUE row by row, so copying in one pass could trip
  // over another row's old email_index that has not moved yet. Clearing
  // the old indexes of every affected row first rules that out.
  {
    CVAULT_ASSIGN_OR_RETURN(
        auto clear_old,
        connection.Prepare("UPDATE customers SET email_index = NULL, phone_index = NULL "
                           "WHERE email_index_next IS NOT NULL "
                           "OR phone_index_next IS NOT NULL"));
    CVAULT_RETURN_IF_ERROR(clear_old->Run("promote the next indexes"));
  }
  CVAULT_ASSIGN_OR_RETURN(
      auto promote,
      connection.Prepare("UPDATE customers SET email_index = email_index_next, "
                         "phone_index = phone_index_next, email_index_next = NULL, "
                         "phone_index_next = NULL WHERE email_index_next IS NOT NULL "
                         "OR phone_index_next IS NOT NULL"));
  CVAULT_RETURN_IF_ERROR(
      ExplainCustomerConflict(connection, promote->Run("promote the next indexes")));
  return static_cast<std::size_t>(connection.changes());
}

Status ClearNextIndexes(Connection& connection) {
  CVAULT_ASSIGN_OR_RETURN(
      auto clear,
      connection.Prepare("UPDATE customers SET email_index_next = NULL, "
                         "phone_index_next = NULL WHERE email_index_next IS NOT NULL "
                         "OR phone_index_next IS NOT NULL"));
  return clear->Run("clear the next indexes");
}

#undef CVAULT_CUSTOMER_COLUMNS

}  // namespace cvault::store::sqlcipher
