// The erasure ledger's log on PostgreSQL: one row per line, numbered from 1,
// in a schema of its own. Appends take the schema's write lock (pg_pool.h),
// so processes on every host extend one sequence.
#include <fmt/format.h>

#include "store/postgres/pg_pool.h"
#include "store/postgres/pg_schemas.h"
#include "store/postgres/pg_stores.h"

namespace cvault::store::postgres {
namespace {

class PgLedgerLog final : public LedgerLog {
 public:
  explicit PgLedgerLog(std::unique_ptr<PgPool> pool) : pool_(std::move(pool)) {}

  StatusOr<std::vector<std::string>> ReadAfter(std::uint64_t from) override {
    CVAULT_ASSIGN_OR_RETURN(auto tx, pool_->Begin(/*write=*/false));
    return LinesAfter(*tx, from);
  }

  StatusOr<std::vector<std::string>> AppendAfter(std::uint64_t from,
                                                 const MakeLine& make) override {
    CVAULT_ASSIGN_OR_RETURN(auto tx, pool_->Begin(/*write=*/true));
    CVAULT_ASSIGN_OR_RETURN(auto newer, LinesAfter(*tx, from));
    CVAULT_ASSIGN_OR_RETURN(std::string line, make(newer));
    CVAULT_RETURN_IF_ERROR(StatusOf(tx->Write(
        "INSERT INTO erasure_ledger(seq, line) VALUES ($1, $2)",
        PgParams().Int64(static_cast<std::int64_t>(from + newer.size() + 1)).Text(line),
        "append to the erasure ledger")));
    CVAULT_RETURN_IF_ERROR(tx->Commit());
    return newer;
  }

 private:
  static StatusOr<std::vector<std::string>> LinesAfter(PgTransaction& tx,
                                                       std::uint64_t from) {
    CVAULT_ASSIGN_OR_RETURN(auto count,
                            tx.Read("SELECT count(*) FROM erasure_ledger", PgParams(),
                                    "read the erasure ledger"));
    if (static_cast<std::uint64_t>(count.Int64(0, 0)) < from) {
      return Error(Status::Integrity(
          "the erasure ledger holds fewer lines than this process already read: it was "
          "truncated or restored; bring back its own copy before using the vault"));
    }
    CVAULT_ASSIGN_OR_RETURN(
        auto rows, tx.Read("SELECT line FROM erasure_ledger WHERE seq > $1 ORDER BY seq",
                           PgParams().Int64(static_cast<std::int64_t>(from)),
                           "read the erasure ledger"));
    std::vector<std::string> lines;
    for (int i = 0; i < rows.rows(); ++i) lines.push_back(rows.Text(i, 0));
    return lines;
  }

  std::unique_ptr<PgPool> pool_;
};

}  // namespace

StatusOr<std::unique_ptr<LedgerLog>> OpenLedgerLogIn(std::unique_ptr<PgPool> pool,
                                                     bool create) {
  CVAULT_RETURN_IF_ERROR(PrepareSchema(*pool, StoreKind::kLedger, create));
  return std::unique_ptr<LedgerLog>(new PgLedgerLog(std::move(pool)));
}

}  // namespace cvault::store::postgres
