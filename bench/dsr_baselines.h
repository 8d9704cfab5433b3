// The raw SQLCipher baselines of the data-subject-rights benchmarks
// (bench/dsr_bench.h): the same rows written, deleted, updated or read as the
// vault's operation touches, with plaintext values and nothing else: no field
// crypto, no policy, no audit entry, no erasure ledger, no second database.
// Each lives in its own RawStore (bench/raw_store.h) at the vault's durability.
//
// Neither copyable nor movable; single-threaded.
#ifndef CVAULT_BENCH_DSR_BASELINES_H_
#define CVAULT_BENCH_DSR_BASELINES_H_

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "bench/dsr_customers.h"
#include "bench/raw_store.h"
#include "cvault/options.h"
#include "cvault/status.h"

namespace cvault::bench {

// What one record of each kind holds in the baselines: the JSON the vault's
// export shows for such a record (so the rows are about as big as the
// vault's, before its encryption).
struct RecordBodies {
  std::string consent_event;
  std::string ticket;
  std::string refund_case;
};

// Erasure: a customers table and one records table keyed by customer id
// with an index on it.
class ErasureBaseline {
 public:
  [[nodiscard]] static StatusOr<std::unique_ptr<ErasureBaseline>> Create(
      const std::filesystem::path& file, Durability durability, RecordBodies bodies);

  // Adds `count` customers holding `mix` records each, written round robin
  // (record r of every customer, then record r + 1), as the vault workload
  // writes them, in one transaction; then empties the write-ahead log.
  [[nodiscard]] StatusOr<std::vector<std::string>> AddCustomers(std::size_t count,
                                                                const RecordMix& mix);

  // In one transaction: DELETE the customer's records, DELETE the customer
  // row, COMMIT. With `truncate_log`, then PRAGMA wal_checkpoint(TRUNCATE),
  // as the vault does after every shred. Returns the rows deleted.
  [[nodiscard]] StatusOr<std::size_t> Erase(std::string_view customer_id,
                                            bool truncate_log);

 private:
  ErasureBaseline(std::unique_ptr<RawStore> store, RecordBodies bodies);

  std::unique_ptr<RawStore> store_;
  RecordBodies bodies_;
  std::uint64_t next_customer_ = 0;
  RawStatement insert_customer_, insert_record_, delete_records_, delete_customer_;
};

// KEK rotation: the keystore's data_keys table, one 77-byte blob (the size
// of a wrapped data key) per customer under KEK version 1.
class RotationBaseline {
 public:
  [[nodiscard]] static StatusOr<std::unique_ptr<RotationBaseline>> Create(
      const std::filesystem::path& file, Durability durability, std::size_t keys);

  // Writes a new blob and KEK version into every row, `batch` rows per
  // transaction (SELECT the batch, UPDATE each row by primary key, COMMIT).
  // `rescan` picks each batch with the vault's own query (WHERE kek_version
  // <> new ORDER BY the primary key LIMIT batch), which scans past the rows
  // already done; otherwise the batch is the next `batch` rows after the
  // last one done, sought through the primary key. Returns the rows updated.
  [[nodiscard]] StatusOr<std::uint64_t> Rotate(std::size_t batch, bool rescan);

 private:
  explicit RotationBaseline(std::unique_ptr<RawStore> store);

  std::unique_ptr<RawStore> store_;
  std::uint32_t kek_version_ = 1;
  RawStatement select_after_, select_first_, select_rescan_, update_;
};

// Export: one customer's row, consent events, cases and audit entries,
// copied from a vault export document, read back in one read transaction
// and serialised with nlohmann::json.
class ExportBaseline {
 public:
  // `vault_export` is a parsed Rights::Export document; its identity,
  // consent history, tickets, refund cases and access log become rows.
  [[nodiscard]] static StatusOr<std::unique_ptr<ExportBaseline>> Create(
      const std::filesystem::path& file, Durability durability,
      const nlohmann::json& vault_export);

  // The customer's document: every row read (each stored record parsed back
  // from its JSON text) and dumped compact with sorted keys.
  [[nodiscard]] StatusOr<std::string> Export();

  std::size_t rows() const { return rows_; }

 private:
  explicit ExportBaseline(std::unique_ptr<RawStore> store);

  std::unique_ptr<RawStore> store_;
  std::string customer_id_;
  std::size_t rows_ = 0;
  RawStatement begin_read_, end_read_, customer_, events_, cases_, audit_;
};

}  // namespace cvault::bench

#endif  // CVAULT_BENCH_DSR_BASELINES_H_
