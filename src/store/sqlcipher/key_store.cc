// The keystore database: per-subject data keys, wrapped under a KEK. The
// store sees only the wrapped bytes.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "store/sqlcipher/connection.h"
#include "store/sqlcipher/keyed_connection.h"
#include "store/sqlcipher/meta_tables.h"
#include "store/sqlcipher/migrations.h"
#include "store/sqlcipher/reader_pool.h"
#include "store/sqlcipher/schemas.h"
#include "store/sqlcipher/sqlcipher_store.h"
#include "store/sqlcipher/transaction.h"

namespace cvault::store {
namespace {

using sqlcipher::Connection;
using sqlcipher::KeyedConnection;
using sqlcipher::ReaderLoan;
using sqlcipher::ReaderPool;
using sqlcipher::Transaction;

constexpr std::string_view kRole = "keystore database";

sqlcipher::SchemaSpec KeyStoreSchema() {
  return {kRole, "keystore", sqlcipher::KeyStoreMigrations()};
}

class SqlcipherKeyTransaction final : public KeyTransaction {
 public:
  SqlcipherKeyTransaction(Connection& connection, Transaction transaction)
      : connection_(connection), transaction_(std::move(transaction)) {}
  // A parallel read on a borrowed reader, given back once the transaction
  // has ended.
  SqlcipherKeyTransaction(ReaderLoan loan, Transaction transaction)
      : loan_(std::move(loan)),
        connection_(loan_->connection()),
        transaction_(std::move(transaction)) {}

  Status InsertDataKey(const DataKeyRow& row) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/true));
    CVAULT_ASSIGN_OR_RETURN(
        auto insert, connection_.Prepare(
                         "INSERT INTO data_keys(customer_id, retention_class, "
                         "kek_version, wrapped, created_at) "
                         "VALUES(?1, ?2, ?3, ?4, ?5)"));
    insert->BindText(1, row.customer_id);
    insert->BindInt64(2, row.retention_class);
    insert->BindInt64(3, row.kek_version);
    insert->BindBlob(4, row.wrapped);
    insert->BindInt64(5, row.created_at_us);
    Status inserted = insert->Run("insert a data key");
    if (inserted.code() == StatusCode::kAlreadyExists) {
      return Status::AlreadyExists(
          "the customer already has a data key for retention class " +
          std::to_string(row.retention_class));
    }
    return inserted;
  }

  StatusOr<std::optional<DataKeyRow>> GetDataKey(std::string_view customer_id,
                                                 int retention_class) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/false));
    CVAULT_ASSIGN_OR_RETURN(
        auto query,
        connection_.Prepare(
            "SELECT kek_version, wrapped, created_at FROM data_keys "
            "WHERE customer_id = ?1 AND retention_class = ?2"));
    query->BindText(1, customer_id);
    query->BindInt64(2, retention_class);
    CVAULT_ASSIGN_OR_RETURN(const bool has_row, query->Step("read a data key"));
    if (!has_row) return std::optional<DataKeyRow>();
    DataKeyRow row;
    row.customer_id = std::string(customer_id);
    row.retention_class = retention_class;
    row.kek_version = static_cast<std::uint32_t>(query->ColumnInt64(0));
    row.wrapped = query->ColumnBlob(1);
    row.created_at_us = query->ColumnInt64(2);
    return std::optional<DataKeyRow>(std::move(row));
  }

  Status UpdateDataKey(const DataKeyRow& row) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/true));
    CVAULT_ASSIGN_OR_RETURN(
        auto update, connection_.Prepare(
                         "UPDATE data_keys SET kek_version = ?1, wrapped = ?2 "
                         "WHERE customer_id = ?3 AND retention_class = ?4"));
    update->BindInt64(1, row.kek_version);
    update->BindBlob(2, row.wrapped);
    update->BindText(3, row.customer_id);
    update->BindInt64(4, row.retention_class);
    CVAULT_RETURN_IF_ERROR(update->Run("rewrap a data key"));
    if (connection_.changes() == 0) {
      return Status::NotFound(
          "no data key for that customer and retention class "
          "to update");
    }
    return Status::Ok();
  }

  StatusOr<std::size_t> DeleteDataKey(std::string_view customer_id,
                                      int retention_class) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/true));
    CVAULT_ASSIGN_OR_RETURN(
        auto erase,
        connection_.Prepare("DELETE FROM data_keys "
                            "WHERE customer_id = ?1 AND retention_class = ?2"));
    erase->BindText(1, customer_id);
    erase->BindInt64(2, retention_class);
    CVAULT_RETURN_IF_ERROR(erase->Run("delete a data key"));
    return static_cast<std::size_t>(connection_.changes());
  }

  // Walks the primary key in order and stops at `limit`; there is no index
  // on kek_version, so a page costs a scan of the keys before it at worst.
  // Rewrapped rows drop out of the result, so callers page by repeating the
  // call rather than by a cursor.
  StatusOr<std::vector<DataKeyRow>> ListDataKeysNotAtKek(
      std::uint32_t kek_version, const std::optional<DataKeyCursor>& after,
      std::size_t limit) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/false));
    // The row-value comparison walks the primary key from the cursor, so a
    // batch never rescans the keys earlier batches rewrapped.
    CVAULT_ASSIGN_OR_RETURN(
        auto query,
        connection_.Prepare(
            "SELECT customer_id, retention_class, kek_version, wrapped, created_at "
            "FROM data_keys WHERE kek_version <> ?1 "
            "AND (customer_id, retention_class) > (?3, ?4) "
            "ORDER BY customer_id, retention_class LIMIT ?2"));
    query->BindInt64(1, kek_version);
    query->BindLimit(2, limit);
    // "" sorts before every id, so no cursor starts at the beginning.
    query->BindText(3, after ? after->customer_id : std::string());
    query->BindInt64(4, after ? after->retention_class : 0);
    std::vector<DataKeyRow> rows;
    while (true) {
      CVAULT_ASSIGN_OR_RETURN(const bool has_row,
                              query->Step("list data keys to rewrap"));
      if (!has_row) return rows;
      DataKeyRow row;
      row.customer_id = query->ColumnText(0);
      row.retention_class = static_cast<int>(query->ColumnInt64(1));
      row.kek_version = static_cast<std::uint32_t>(query->ColumnInt64(2));
      row.wrapped = query->ColumnBlob(3);
      row.created_at_us = query->ColumnInt64(4);
      rows.push_back(std::move(row));
    }
  }

  StatusOr<std::map<std::uint32_t, std::uint64_t>> CountDataKeysByKek() override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/false));
    CVAULT_ASSIGN_OR_RETURN(
        auto query, connection_.Prepare("SELECT kek_version, count(*) FROM data_keys "
                                        "GROUP BY kek_version"));
    std::map<std::uint32_t, std::uint64_t> counts;
    while (true) {
      CVAULT_ASSIGN_OR_RETURN(const bool has_row,
                              query->Step("count data keys by key-encryption key"));
      if (!has_row) return counts;
      counts.emplace(static_cast<std::uint32_t>(query->ColumnInt64(0)),
                     static_cast<std::uint64_t>(query->ColumnInt64(1)));
    }
  }

  StatusOr<std::size_t> DeleteDataKeys(std::string_view customer_id) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/true));
    CVAULT_ASSIGN_OR_RETURN(
        auto erase,
        connection_.Prepare("DELETE FROM data_keys WHERE customer_id = ?1"));
    erase->BindText(1, customer_id);
    CVAULT_RETURN_IF_ERROR(erase->Run("delete data keys"));
    return static_cast<std::size_t>(connection_.changes());
  }

  // Ids in ascending order (the primary key's), so paging stays correct when
  // keys are shredded between pages.
  StatusOr<std::vector<std::string>> ListKeyedCustomerIds(
      std::optional<std::string_view> after, std::size_t limit) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/false));
    // Two statements rather than "?1 IS NULL OR ...", which would keep the
    // planner from seeking in the primary key.
    CVAULT_ASSIGN_OR_RETURN(
        auto query,
        connection_.Prepare(after.has_value()
                                ? "SELECT DISTINCT customer_id FROM data_keys "
                                  "WHERE customer_id > ?1 "
                                  "ORDER BY customer_id LIMIT ?2"
                                : "SELECT DISTINCT customer_id FROM data_keys "
                                  "ORDER BY customer_id LIMIT ?2"));
    if (after.has_value()) query->BindText(1, *after);
    query->BindLimit(2, limit);
    std::vector<std::string> ids;
    while (true) {
      CVAULT_ASSIGN_OR_RETURN(const bool has_row,
                              query->Step("list keyed customers"));
      if (!has_row) return ids;
      ids.push_back(query->ColumnText(0));
    }
  }

  StatusOr<std::optional<std::string>> GetMeta(std::string_view key) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/false));
    return sqlcipher::GetMeta(connection_, key);
  }

  Status SetMeta(std::string_view key, std::string_view value) override {
    CVAULT_RETURN_IF_ERROR(transaction_.CheckUsable(/*for_write=*/true));
    return sqlcipher::SetMeta(connection_, key, value);
  }

  Status Commit() override { return transaction_.Commit(); }

 private:
  std::optional<ReaderLoan> loan_;  // destroyed last: after the transaction ended
  Connection& connection_;
  Transaction transaction_;
};

class KeyStoreFile final : public SqlcipherKeyStore {
 public:
  explicit KeyStoreFile(KeyedConnection keyed) : keyed_(std::move(keyed)) {}

  StatusOr<std::unique_ptr<KeyTransaction>> Begin(bool write) override {
    CVAULT_RETURN_IF_ERROR(keyed_.CheckConnected());
    Connection& connection = keyed_.connection();
    CVAULT_ASSIGN_OR_RETURN(auto transaction, Transaction::Begin(connection, write));
    return std::unique_ptr<KeyTransaction>(
        new SqlcipherKeyTransaction(connection, std::move(transaction)));
  }

  StatusOr<std::unique_ptr<KeyTransaction>> BeginParallelRead() override {
    CVAULT_ASSIGN_OR_RETURN(ReaderLoan loan, ReaderPool::Borrow(readers_, keyed_));
    CVAULT_ASSIGN_OR_RETURN(auto transaction,
                            Transaction::Begin(loan.connection(), /*write=*/false));
    return std::unique_ptr<KeyTransaction>(
        new SqlcipherKeyTransaction(std::move(loan), std::move(transaction)));
  }

  Status Rekey(const SecretBytes& new_key) override {
    readers_->Clear();  // keyed with the old key
    return keyed_.Rekey(new_key);
  }
  Status BackupTo(const std::filesystem::path& file) override {
    return keyed_.BackupTo(file);
  }
  Status TruncateLog() override { return keyed_.TruncateLog(); }
  StatusOr<std::vector<std::string>> CheckPages() override { return keyed_.CheckPages(); }

 private:
  KeyedConnection keyed_;
  // Destroyed first: the main connection stays the last one to close (and
  // so the one that checkpoints the log), as without readers.
  std::shared_ptr<ReaderPool> readers_ = std::make_shared<ReaderPool>();
};

}  // namespace

StatusOr<std::unique_ptr<SqlcipherKeyStore>> OpenSqlcipherKeyStore(
    const std::filesystem::path& file, const SecretBytes& key, bool create,
    const SqlcipherSettings& settings) {
  CVAULT_ASSIGN_OR_RETURN(
      auto connection,
      sqlcipher::OpenWithSchema(file, key, create, settings, KeyStoreSchema()));
  return std::unique_ptr<SqlcipherKeyStore>(new KeyStoreFile(
      KeyedConnection(std::move(connection), key.Clone(), settings, KeyStoreSchema(),
                      "open the keystore again")));
}

}  // namespace cvault::store
