// The vault database: customers (ciphertext and blind indexes) and a small
// meta table. The audit log and its checkpoints are delegated to
// audit_tables.cc, consent events and notices to consent_tables.cc, support
// tickets and refund cases to case_tables.cc.
#include <limits>
#include <string>
#include <utility>

#include "store/sqlcipher/audit_tables.h"
#include "store/sqlcipher/case_tables.h"
#include "store/sqlcipher/connection.h"
#include "store/sqlcipher/consent_tables.h"
#include "store/sqlcipher/migrations.h"
#include "store/sqlcipher/schemas.h"
#include "store/sqlcipher/sqlcipher_store.h"
#include "store/sqlcipher/transaction.h"

namespace cvault::store {
namespace {

using sqlcipher::Connection;
using sqlcipher::Statement;
using sqlcipher::Transaction;

constexpr std::string_view kRole = "vault database";

// Column list shared by the customer reads; ReadCustomer follows its order.
#define CVAULT_CUSTOMER_COLUMNS                                       \
  "id, created_at, updated_at, restricted, full_name, email, phone, " \
  "postal_address, country, language, external_ref, email_index, phone_index"

constexpr std::int64_t kMaxLimit = std::numeric_limits<std::int64_t>::max();

std::int64_t LimitParameter(std::size_t limit) {
  return limit > static_cast<std::size_t>(kMaxLimit)
             ? kMaxLimit
             : static_cast<std::int64_t>(limit);
}

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
  return row;
}

// Binds fields, indexes, flag and times from parameter `first` on: fields at
// first..first+6, email_index, phone_index, restricted, updated_at.
void BindCustomerValues(Statement& s, const CustomerRow& row, int first) {
  for (std::size_t i = 0; i < kCustomerFieldCount; ++i) {
    s.BindOptionalBlob(first + static_cast<int>(i), row.fields[i]);
  }
  s.BindOptionalBlob(first + 7, row.email_index);
  s.BindOptionalBlob(first + 8, row.phone_index);
  s.BindInt64(first + 9, row.restricted ? 1 : 0);
  s.BindInt64(first + 10, row.updated_at_us);
}

class SqlcipherVaultTransaction final : public VaultTransaction {
 public:
  SqlcipherVaultTransaction(Connection& connection, Transaction transaction)
      : connection_(connection), transaction_(std::move(transaction)) {}

  Status InsertCustomer(const CustomerRow& row) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/true));
    CVAULT_ASSIGN_OR_RETURN(
        auto insert,
        connection_.Prepare(
            "INSERT INTO customers(full_name, email, phone, postal_address, "
            "country, language, external_ref, email_index, phone_index, "
            "restricted, updated_at, id, created_at) "
            "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"));
    BindCustomerValues(*insert, row, 1);
    insert->BindText(12, row.id);
    insert->BindInt64(13, row.created_at_us);
    return ExplainCustomerConflict(insert->Run("insert a customer"));
  }

  Status UpdateCustomer(const CustomerRow& row) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/true));
    CVAULT_ASSIGN_OR_RETURN(
        auto update,
        connection_.Prepare(
            "UPDATE customers SET full_name = ?1, email = ?2, phone = ?3, "
            "postal_address = ?4, country = ?5, language = ?6, "
            "external_ref = ?7, email_index = ?8, phone_index = ?9, "
            "restricted = ?10, updated_at = ?11 WHERE id = ?12"));
    BindCustomerValues(*update, row, 1);
    update->BindText(12, row.id);
    CVAULT_RETURN_IF_ERROR(
        ExplainCustomerConflict(update->Run("update a customer")));
    if (connection_.changes() == 0) {
      return Status::NotFound("no customer with the given id to update");
    }
    return Status::Ok();
  }

  StatusOr<std::optional<CustomerRow>> GetCustomer(
      std::string_view id) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/false));
    CVAULT_ASSIGN_OR_RETURN(
        auto query, connection_.Prepare("SELECT " CVAULT_CUSTOMER_COLUMNS
                                        " FROM customers WHERE id = ?1"));
    query->BindText(1, id);
    CVAULT_ASSIGN_OR_RETURN(const bool has_row, query->Step("read a customer"));
    if (!has_row) return std::optional<CustomerRow>();
    return std::optional<CustomerRow>(ReadCustomer(*query));
  }

  StatusOr<std::vector<std::string>> FindByEmailIndex(
      std::span<const std::uint8_t> index) override {
    return FindIds(
        "SELECT id FROM customers WHERE email_index = ?1 ORDER BY rowid", index,
        "look customers up by email index");
  }

  StatusOr<std::vector<std::string>> FindByPhoneIndex(
      std::span<const std::uint8_t> index) override {
    return FindIds(
        "SELECT id FROM customers WHERE phone_index = ?1 ORDER BY rowid", index,
        "look customers up by phone index");
  }

  StatusOr<std::vector<std::string>> ListCustomerIds(
      std::optional<std::string_view> after, std::size_t limit) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/false));
    std::int64_t after_rowid = 0;
    if (after.has_value()) {
      CVAULT_ASSIGN_OR_RETURN(
          auto position,
          connection_.Prepare("SELECT rowid FROM customers WHERE id = ?1"));
      position->BindText(1, *after);
      CVAULT_ASSIGN_OR_RETURN(const bool found,
                              position->Step("list customers"));
      if (!found) {
        return Error(Status::NotFound(
            "the customer id to list after no longer exists; restart the "
            "listing from the beginning"));
      }
      after_rowid = position->ColumnInt64(0);
    }
    CVAULT_ASSIGN_OR_RETURN(
        auto query,
        connection_.Prepare("SELECT id FROM customers WHERE rowid > ?1 "
                            "ORDER BY rowid LIMIT ?2"));
    query->BindInt64(1, after_rowid);
    query->BindInt64(2, LimitParameter(limit));
    return CollectTexts(*query, "list customers");
  }

  Status AppendAudit(const AuditRow& row) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/true));
    return sqlcipher::AppendAudit(connection_, row);
  }

  StatusOr<std::optional<AuditRow>> LastAudit() override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/false));
    return sqlcipher::LastAudit(connection_);
  }

  StatusOr<std::vector<AuditRow>> ReadAudit(std::uint64_t from,
                                            std::size_t limit) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/false));
    return sqlcipher::ReadAudit(connection_, from, limit);
  }

  StatusOr<std::vector<AuditRow>> ReadAuditForSubject(
      std::string_view subject, std::uint64_t from, std::size_t limit) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/false));
    return sqlcipher::ReadAuditForSubject(connection_, subject, from, limit);
  }

  Status InsertCheckpoint(const CheckpointRow& row) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/true));
    return sqlcipher::InsertCheckpoint(connection_, row);
  }

  StatusOr<std::vector<CheckpointRow>> ListCheckpoints() override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/false));
    return sqlcipher::ListCheckpoints(connection_);
  }

  Status AppendConsentEvent(const ConsentEventRow& row) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/true));
    return sqlcipher::AppendConsentEvent(connection_, row);
  }

  StatusOr<std::vector<ConsentEventRow>> ListConsentEvents(
      std::string_view customer_id) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/false));
    return sqlcipher::ListConsentEvents(connection_, customer_id);
  }

  StatusOr<std::vector<ConsentEventRow>> ListConsentEventsFor(
      std::string_view customer_id, std::string_view purpose,
      std::int64_t as_of_us) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/false));
    return sqlcipher::ListConsentEventsFor(connection_, customer_id, purpose,
                                           as_of_us);
  }

  StatusOr<std::vector<ConsentEventRow>> LatestConsentEvents(
      std::string_view purpose, std::int64_t as_of_us) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/false));
    return sqlcipher::LatestConsentEvents(connection_, purpose, as_of_us);
  }

  StatusOr<std::uint64_t> CountCustomers(std::int64_t as_of_us) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/false));
    CVAULT_ASSIGN_OR_RETURN(
        auto query, connection_.Prepare("SELECT count(*) FROM customers "
                                        "WHERE created_at <= ?1"));
    query->BindInt64(1, as_of_us);
    CVAULT_ASSIGN_OR_RETURN(const bool has_row,
                            query->Step("count customers"));
    if (!has_row) return std::uint64_t{0};
    return static_cast<std::uint64_t>(query->ColumnInt64(0));
  }

  Status InsertNotice(const NoticeRow& row) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/true));
    return sqlcipher::InsertNotice(connection_, row);
  }

  StatusOr<std::optional<NoticeRow>> GetNotice(
      std::string_view notice_id, std::string_view version) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/false));
    return sqlcipher::GetNotice(connection_, notice_id, version);
  }

  Status InsertCase(const CaseRow& row) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/true));
    return sqlcipher::InsertCase(connection_, row);
  }

  Status UpdateCase(const CaseRow& row) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/true));
    return sqlcipher::UpdateCase(connection_, row);
  }

  StatusOr<std::optional<CaseRow>> GetCase(std::string_view case_id) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/false));
    return sqlcipher::GetCase(connection_, case_id);
  }

  StatusOr<std::vector<CaseRow>> ListCases(std::string_view customer_id,
                                           std::string_view kind) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/false));
    return sqlcipher::ListCases(connection_, customer_id, kind);
  }

  StatusOr<std::vector<CaseRow>> ListDueRefunds(std::int64_t at_us) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/false));
    return sqlcipher::ListDueRefunds(connection_, at_us);
  }

  StatusOr<std::optional<std::string>> GetMeta(std::string_view key) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/false));
    CVAULT_ASSIGN_OR_RETURN(
        auto query,
        connection_.Prepare("SELECT value FROM meta WHERE key = ?1"));
    query->BindText(1, key);
    CVAULT_ASSIGN_OR_RETURN(const bool has_row, query->Step("read a setting"));
    if (!has_row) return std::optional<std::string>();
    return std::optional<std::string>(query->ColumnText(0));
  }

  Status SetMeta(std::string_view key, std::string_view value) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/true));
    if (key == sqlcipher::kStoreKindMetaKey) {
      return Status::InvalidArgument(std::string(key) +
                                     " is reserved for the store itself");
    }
    // INSERT OR REPLACE, not UPSERT: SQLite 3.15 has no ON CONFLICT DO UPDATE.
    CVAULT_ASSIGN_OR_RETURN(
        auto upsert,
        connection_.Prepare(
            "INSERT OR REPLACE INTO meta(key, value) VALUES(?1, ?2)"));
    upsert->BindText(1, key);
    upsert->BindText(2, value);
    return upsert->Run("write a setting");
  }

  Status Commit() override { return transaction_.Commit(); }

 private:
  // Names the unique column that clashed; SQLite's message names only the
  // table and column, never the value.
  Status ExplainCustomerConflict(Status status) const {
    if (status.code() != StatusCode::kAlreadyExists) return status;
    if (connection_.last_error_message().find("email_index") !=
        std::string_view::npos) {
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

  StatusOr<std::vector<std::string>> FindIds(
      std::string_view sql, std::span<const std::uint8_t> index,
      std::string_view action) {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/false));
    CVAULT_ASSIGN_OR_RETURN(auto query, connection_.Prepare(sql));
    query->BindBlob(1, index);
    return CollectTexts(*query, action);
  }

  Connection& connection_;
  Transaction transaction_;
};

class SqlcipherVaultStore final : public VaultStore {
 public:
  explicit SqlcipherVaultStore(std::unique_ptr<Connection> connection)
      : connection_(std::move(connection)) {}

  StatusOr<std::unique_ptr<VaultTransaction>> Begin(bool write) override {
    CVAULT_ASSIGN_OR_RETURN(auto transaction,
                            Transaction::Begin(*connection_, write));
    return std::unique_ptr<VaultTransaction>(
        new SqlcipherVaultTransaction(*connection_, std::move(transaction)));
  }

 private:
  std::unique_ptr<Connection> connection_;
};

#undef CVAULT_CUSTOMER_COLUMNS

}  // namespace

StatusOr<std::unique_ptr<VaultStore>> OpenSqlcipherVaultStore(
    const std::filesystem::path& file, const SecretBytes& key, bool create,
    const SqlcipherSettings& settings) {
  const sqlcipher::SchemaSpec spec{kRole, "vault",
                                   sqlcipher::VaultMigrations()};
  CVAULT_ASSIGN_OR_RETURN(
      auto connection,
      sqlcipher::OpenWithSchema(file, key, create, settings, spec));
  return std::unique_ptr<VaultStore>(
      new SqlcipherVaultStore(std::move(connection)));
}

}  // namespace cvault::store
