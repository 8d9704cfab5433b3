// The vault database: customers (ciphertext and blind indexes, with the
// next-key indexes of a rotation) and a small meta table. The audit log and
// its checkpoints are delegated to audit_tables.cc, consent events and
// notices to consent_tables.cc, support tickets and refund cases to
// case_tables.cc, retention holds to hold_tables.cc.
#include <string>
#include <utility>

#include "store/sqlcipher/audit_tables.h"
#include "store/sqlcipher/case_tables.h"
#include "store/sqlcipher/connection.h"
#include "store/sqlcipher/consent_tables.h"
#include "store/sqlcipher/hold_tables.h"
#include "store/sqlcipher/keyed_connection.h"
#include "store/sqlcipher/migrations.h"
#include "store/sqlcipher/schemas.h"
#include "store/sqlcipher/sqlcipher_store.h"
#include "store/sqlcipher/transaction.h"

namespace cvault::store {
namespace {

using sqlcipher::Connection;
using sqlcipher::KeyedConnection;
using sqlcipher::Statement;
using sqlcipher::Transaction;

constexpr std::string_view kRole = "vault database";

sqlcipher::SchemaSpec VaultSchema() {
  return {kRole, "vault", sqlcipher::VaultMigrations()};
}

// Column list shared by the customer reads; ReadCustomer follows its order.
#define CVAULT_CUSTOMER_COLUMNS                                       \
  "id, created_at, updated_at, restricted, full_name, email, phone, " \
  "postal_address, country, language, external_ref, email_index, "   \
  "phone_index, email_index_next, phone_index_next"

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
            "restricted, updated_at, email_index_next, phone_index_next, id, "
            "created_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
            "?12, ?13, ?14, ?15)"));
    BindCustomerValues(*insert, row, 1);
    insert->BindText(14, row.id);
    insert->BindInt64(15, row.created_at_us);
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
            "restricted = ?10, updated_at = ?11, email_index_next = ?12, "
            "phone_index_next = ?13 WHERE id = ?14"));
    BindCustomerValues(*update, row, 1);
    update->BindText(14, row.id);
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
    CVAULT_ASSIGN_OR_RETURN(const std::int64_t after_rowid,
                            RowidAfter(after, "list customers"));
    CVAULT_ASSIGN_OR_RETURN(
        auto query,
        connection_.Prepare("SELECT id FROM customers WHERE rowid > ?1 "
                            "ORDER BY rowid LIMIT ?2"));
    query->BindInt64(1, after_rowid);
    query->BindLimit(2, limit);
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

  StatusOr<std::size_t> DeleteCustomer(std::string_view id) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/true));
    CVAULT_ASSIGN_OR_RETURN(
        auto erase, connection_.Prepare("DELETE FROM customers WHERE id = ?1"));
    erase->BindText(1, id);
    CVAULT_RETURN_IF_ERROR(erase->Run("delete a customer"));
    return static_cast<std::size_t>(connection_.changes());
  }

  StatusOr<std::size_t> DeleteConsentEvents(std::string_view customer_id,
                                            std::size_t limit) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/true));
    return sqlcipher::DeleteConsentEvents(connection_, customer_id, limit);
  }

  StatusOr<std::size_t> DeleteCases(std::string_view customer_id, std::string_view kind,
                                    std::size_t limit) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/true));
    return sqlcipher::DeleteCases(connection_, customer_id, kind, limit);
  }

  StatusOr<std::size_t> CountConsentEvents(std::string_view customer_id) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/false));
    return sqlcipher::CountConsentEvents(connection_, customer_id);
  }

  StatusOr<std::size_t> CountCases(std::string_view customer_id,
                                   std::string_view kind) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/false));
    return sqlcipher::CountCases(connection_, customer_id, kind);
  }

  Status ReassignCase(const CaseRow& row) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/true));
    return sqlcipher::ReassignCase(connection_, row);
  }

  Status InsertHold(const HoldRow& row) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/true));
    return sqlcipher::InsertHold(connection_, row);
  }

  StatusOr<std::optional<HoldRow>> GetHold(std::string_view hold_id) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/false));
    return sqlcipher::GetHold(connection_, hold_id);
  }

  StatusOr<std::vector<HoldRow>> ListHoldsDueBy(std::int64_t at_us) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/false));
    return sqlcipher::ListHoldsDueBy(connection_, at_us);
  }

  StatusOr<std::size_t> DeleteHold(std::string_view hold_id) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/true));
    return sqlcipher::DeleteHold(connection_, hold_id);
  }

  Status InsertPendingErasure(const PendingErasureRow& row) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/true));
    return sqlcipher::InsertPendingErasure(connection_, row);
  }

  StatusOr<std::optional<PendingErasureRow>> GetPendingErasure(
      std::string_view customer_id) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/false));
    return sqlcipher::GetPendingErasure(connection_, customer_id);
  }

  StatusOr<std::vector<PendingErasureRow>> ListPendingErasures(std::size_t limit) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/false));
    return sqlcipher::ListPendingErasures(connection_, limit);
  }

  StatusOr<std::size_t> DeletePendingErasure(std::string_view customer_id) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/true));
    return sqlcipher::DeletePendingErasure(connection_, customer_id);
  }

  StatusOr<std::vector<ConsentEventRow>> ListLapsedConsents(
      std::int64_t at_us) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/false));
    return sqlcipher::ListLapsedConsents(connection_, at_us);
  }

  Status SetNextIndexes(std::string_view id,
                        const std::optional<Bytes>& email_next,
                        const std::optional<Bytes>& phone_next) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/true));
    CVAULT_ASSIGN_OR_RETURN(
        auto update,
        connection_.Prepare("UPDATE customers SET email_index_next = ?1, "
                            "phone_index_next = ?2 WHERE id = ?3"));
    update->BindOptionalBlob(1, email_next);
    update->BindOptionalBlob(2, phone_next);
    update->BindText(3, id);
    CVAULT_RETURN_IF_ERROR(
        ExplainCustomerConflict(update->Run("set a customer's next indexes")));
    if (connection_.changes() == 0) {
      return Status::NotFound("no customer with the given id to re-index");
    }
    return Status::Ok();
  }

  StatusOr<std::vector<std::string>> ListCustomersMissingNextIndex(
      std::optional<std::string_view> after, std::size_t limit) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/false));
    CVAULT_ASSIGN_OR_RETURN(
        const std::int64_t after_rowid,
        RowidAfter(after, "list customers missing a next index"));
    // email and phone are the ciphertext columns: a customer needs a next
    // index exactly for the ones that are set.
    CVAULT_ASSIGN_OR_RETURN(
        auto query,
        connection_.Prepare(
            "SELECT id FROM customers WHERE rowid > ?1 AND "
            "((email IS NOT NULL AND email_index_next IS NULL) OR "
            "(phone IS NOT NULL AND phone_index_next IS NULL)) "
            "ORDER BY rowid LIMIT ?2"));
    query->BindInt64(1, after_rowid);
    query->BindLimit(2, limit);
    return CollectTexts(*query, "list customers missing a next index");
  }

  StatusOr<std::size_t> PromoteNextIndexes() override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/true));
    // SQLite checks UNIQUE row by row, so copying in one pass could trip
    // over another row's old email_index that has not moved yet. Clearing
    // the old indexes of every affected row first rules that out.
    {
      CVAULT_ASSIGN_OR_RETURN(
          auto clear_old,
          connection_.Prepare(
              "UPDATE customers SET email_index = NULL, phone_index = NULL "
              "WHERE email_index_next IS NOT NULL "
              "OR phone_index_next IS NOT NULL"));
      CVAULT_RETURN_IF_ERROR(clear_old->Run("promote the next indexes"));
    }
    CVAULT_ASSIGN_OR_RETURN(
        auto promote,
        connection_.Prepare(
            "UPDATE customers SET email_index = email_index_next, "
            "phone_index = phone_index_next, email_index_next = NULL, "
            "phone_index_next = NULL WHERE email_index_next IS NOT NULL "
            "OR phone_index_next IS NOT NULL"));
    CVAULT_RETURN_IF_ERROR(ExplainCustomerConflict(
        promote->Run("promote the next indexes")));
    return static_cast<std::size_t>(connection_.changes());
  }

  Status ClearNextIndexes() override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/true));
    CVAULT_ASSIGN_OR_RETURN(
        auto clear,
        connection_.Prepare(
            "UPDATE customers SET email_index_next = NULL, "
            "phone_index_next = NULL WHERE email_index_next IS NOT NULL "
            "OR phone_index_next IS NOT NULL"));
    return clear->Run("clear the next indexes");
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

  // The rowid of customer `after` (0 when not given), where a listing in
  // insertion order resumes. NotFound if that customer is gone.
  StatusOr<std::int64_t> RowidAfter(std::optional<std::string_view> after,
                                    std::string_view action) {
    if (!after.has_value()) return std::int64_t{0};
    CVAULT_ASSIGN_OR_RETURN(
        auto position,
        connection_.Prepare("SELECT rowid FROM customers WHERE id = ?1"));
    position->BindText(1, *after);
    CVAULT_ASSIGN_OR_RETURN(const bool found, position->Step(action));
    if (!found) {
      return Error(Status::NotFound(
          "the customer id to list after no longer exists; restart the "
          "listing from the beginning"));
    }
    return position->ColumnInt64(0);
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
  explicit SqlcipherVaultStore(KeyedConnection keyed) : keyed_(std::move(keyed)) {}

  StatusOr<std::unique_ptr<VaultTransaction>> Begin(bool write) override {
    CVAULT_RETURN_IF_ERROR(keyed_.CheckConnected());
    Connection& connection = keyed_.connection();
    CVAULT_ASSIGN_OR_RETURN(auto transaction, Transaction::Begin(connection, write));
    return std::unique_ptr<VaultTransaction>(
        new SqlcipherVaultTransaction(connection, std::move(transaction)));
  }

  Status Rekey(const SecretBytes& new_key) override { return keyed_.Rekey(new_key); }
  Status BackupTo(const std::filesystem::path& file) override {
    return keyed_.BackupTo(file);
  }
  Status TruncateLog() override { return keyed_.TruncateLog(); }

 private:
  KeyedConnection keyed_;
};

#undef CVAULT_CUSTOMER_COLUMNS

}  // namespace

StatusOr<std::unique_ptr<VaultStore>> OpenSqlcipherVaultStore(
    const std::filesystem::path& file, const SecretBytes& key, bool create,
    const SqlcipherSettings& settings) {
  CVAULT_ASSIGN_OR_RETURN(
      auto connection,
      sqlcipher::OpenWithSchema(file, key, create, settings, VaultSchema()));
  return std::unique_ptr<VaultStore>(new SqlcipherVaultStore(
      KeyedConnection(std::move(connection), key.Clone(), settings, VaultSchema(),
                      "open the vault again")));
}

}  // namespace cvault::store
