// The keystore on PostgreSQL: store.h's KeyTransaction in SQL. As in the
// vault store, expected refusals come from counted rows, never from a failed
// statement (which would abort the transaction).
#include <fmt/format.h>

#include <string>

#include "store/postgres/pg_pool.h"
#include "store/postgres/pg_schemas.h"
#include "store/postgres/pg_stores.h"

namespace cvault::store::postgres {
namespace {

class PgKeyTransaction final : public KeyTransaction {
 public:
  explicit PgKeyTransaction(std::unique_ptr<PgTransaction> tx) : tx_(std::move(tx)) {}

  Status InsertDataKey(const DataKeyRow& row) override {
    CVAULT_ASSIGN_OR_RETURN(
        auto inserted,
        tx_->Write("INSERT INTO data_keys(customer_id, retention_class, kek_version, wrapped, "
              "created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
              PgParams()
                  .Text(row.customer_id)
                  .Int64(row.retention_class)
                  .Int64(row.kek_version)
                  .Bytes(row.wrapped)
                  .Int64(row.created_at_us),
              "insert a data key"));
    if (inserted.affected() == 1) return Status::Ok();
    return Status::AlreadyExists(fmt::format(
        "the customer already has a data key for retention class {}", row.retention_class));
  }

  StatusOr<std::optional<DataKeyRow>> GetDataKey(std::string_view customer_id,
                                                 int retention_class) override {
    CVAULT_ASSIGN_OR_RETURN(
        auto r, tx_->Read("SELECT kek_version, wrapped, created_at FROM data_keys "
                     "WHERE customer_id = $1 AND retention_class = $2",
                     PgParams().Text(customer_id).Int64(retention_class),
                     "read a data key"));
    if (r.rows() == 0) return std::optional<DataKeyRow>();
    DataKeyRow row;
    row.customer_id = std::string(customer_id);
    row.retention_class = retention_class;
    row.kek_version = static_cast<std::uint32_t>(r.Int64(0, 0));
    row.wrapped = r.Bytes(0, 1);
    row.created_at_us = r.Int64(0, 2);
    return std::optional<DataKeyRow>(std::move(row));
  }

  Status UpdateDataKey(const DataKeyRow& row) override {
    CVAULT_ASSIGN_OR_RETURN(
        auto updated,
        tx_->Write("UPDATE data_keys SET kek_version = $1, wrapped = $2 "
              "WHERE customer_id = $3 AND retention_class = $4",
              PgParams()
                  .Int64(row.kek_version)
                  .Bytes(row.wrapped)
                  .Text(row.customer_id)
                  .Int64(row.retention_class),
              "rewrap a data key"));
    if (updated.affected() == 0) {
      return Status::NotFound("no data key for that customer and retention class to update");
    }
    return Status::Ok();
  }

  StatusOr<std::size_t> DeleteDataKey(std::string_view customer_id,
                                      int retention_class) override {
    CVAULT_ASSIGN_OR_RETURN(
        auto r, tx_->Write("DELETE FROM data_keys WHERE customer_id = $1 AND retention_class = $2",
                      PgParams().Text(customer_id).Int64(retention_class),
                      "delete a data key"));
    return r.affected();
  }

  StatusOr<std::vector<DataKeyRow>> ListDataKeysNotAtKek(
      std::uint32_t kek_version, const std::optional<DataKeyCursor>& after,
      std::size_t limit) override {
    // "" sorts before every id (COLLATE "C"), so no cursor starts at the
    // beginning; the row comparison walks the primary key from the cursor.
    CVAULT_ASSIGN_OR_RETURN(
        auto r,
        tx_->Read("SELECT customer_id, retention_class, kek_version, wrapped, created_at "
             "FROM data_keys WHERE kek_version <> $1 "
             "AND (customer_id, retention_class) > ($2, $3::integer) "
             "ORDER BY customer_id, retention_class LIMIT $4",
             PgParams()
                 .Int64(kek_version)
                 .Text(after ? std::string_view(after->customer_id) : std::string_view())
                 .Int64(after ? after->retention_class : 0)
                 .Limit(limit),
             "list data keys to rewrap"));
    std::vector<DataKeyRow> rows;
    for (int i = 0; i < r.rows(); ++i) {
      DataKeyRow row;
      row.customer_id = r.Text(i, 0);
      row.retention_class = static_cast<int>(r.Int64(i, 1));
      row.kek_version = static_cast<std::uint32_t>(r.Int64(i, 2));
      row.wrapped = r.Bytes(i, 3);
      row.created_at_us = r.Int64(i, 4);
      rows.push_back(std::move(row));
    }
    return rows;
  }

  StatusOr<std::map<std::uint32_t, std::uint64_t>> CountDataKeysByKek() override {
    CVAULT_ASSIGN_OR_RETURN(
        auto r, tx_->Read("SELECT kek_version, count(*) FROM data_keys GROUP BY kek_version",
                     PgParams(), "count data keys by key-encryption key"));
    std::map<std::uint32_t, std::uint64_t> counts;
    for (int i = 0; i < r.rows(); ++i) {
      counts.emplace(static_cast<std::uint32_t>(r.Int64(i, 0)),
                     static_cast<std::uint64_t>(r.Int64(i, 1)));
    }
    return counts;
  }

  StatusOr<std::size_t> DeleteDataKeys(std::string_view customer_id) override {
    CVAULT_ASSIGN_OR_RETURN(auto r, tx_->Write("DELETE FROM data_keys WHERE customer_id = $1",
                                          PgParams().Text(customer_id), "delete data keys"));
    return r.affected();
  }

  StatusOr<std::vector<std::string>> ListKeyedCustomerIds(std::optional<std::string_view> after,
                                                          std::size_t limit) override {
    // Two statements, so the one with a cursor is a range seek on the key.
    CVAULT_ASSIGN_OR_RETURN(
        auto r,
        after.has_value()
            ? tx_->Read("SELECT DISTINCT customer_id FROM data_keys WHERE customer_id > $1 "
                   "ORDER BY customer_id LIMIT $2",
                   PgParams().Text(*after).Limit(limit), "list keyed customers")
            : tx_->Read("SELECT DISTINCT customer_id FROM data_keys ORDER BY customer_id LIMIT $1",
                   PgParams().Limit(limit), "list keyed customers"));
    std::vector<std::string> ids;
    for (int i = 0; i < r.rows(); ++i) ids.push_back(r.Text(i, 0));
    return ids;
  }

  StatusOr<std::optional<std::string>> GetMeta(std::string_view key) override {
    return ReadMeta(*tx_, key);
  }

  Status SetMeta(std::string_view key, std::string_view value) override {
    return WriteMeta(*tx_, key, value);
  }

  Status Commit() override { return tx_->Commit(); }

 private:
  std::unique_ptr<PgTransaction> tx_;
};

class PgKeyStore final : public KeyStore {
 public:
  explicit PgKeyStore(std::unique_ptr<PgPool> pool) : pool_(std::move(pool)) {}

  StatusOr<std::unique_ptr<KeyTransaction>> Begin(bool write) override {
    CVAULT_ASSIGN_OR_RETURN(auto tx, pool_->Begin(write));
    return std::unique_ptr<KeyTransaction>(new PgKeyTransaction(std::move(tx)));
  }

  // The pool hands each transaction a connection of its own.
  StatusOr<std::unique_ptr<KeyTransaction>> BeginParallelRead() override {
    return Begin(/*write=*/false);
  }

 private:
  std::unique_ptr<PgPool> pool_;
};

}  // namespace

StatusOr<std::unique_ptr<KeyStore>> OpenKeyStoreIn(std::unique_ptr<PgPool> pool, bool create) {
  CVAULT_RETURN_IF_ERROR(PrepareSchema(*pool, StoreKind::kKeyStore, create));
  return std::unique_ptr<KeyStore>(new PgKeyStore(std::move(pool)));
}

}  // namespace cvault::store::postgres
