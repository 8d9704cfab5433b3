// Issue 5's benchmarks: what data-subject rights and key operations cost,
// each next to raw SQLCipher doing the same row work (bench/dsr_baselines.h).
//
//   erase/<store>/<records>   Rights::Erase (dpo, purpose dsr) of a fresh
//       customer holding 1, 100 or 1000 records (bench/dsr_customers.h has
//       the mix). The customers of a run are made before it, their records
//       written round robin across them (as records collected over time
//       interleave), and each erase is timed on its own (manual time).
//       Stores: vault; vault-sweep (the erasure untimed, then the timed
//       Rights::Purge that deletes or moves what it left); sqlcipher (DELETE
//       the rows, one transaction);
//       sqlcipher+truncate (the same, then the WAL checkpoint the vault runs
//       after every shred).
//   kek_rotation/<store>/<customers>   Operations::RotateKek over a vault of
//       10,000 or 100,000 customers (one data key each), batches of 500; one
//       rotation per repetition. Stores: vault; sqlcipher (SELECT the next
//       500 keys through the primary key, UPDATE each, COMMIT); sqlcipher-
//       rescan (the batch picked with the vault's own query).
//   export/<store>   Rights::Export of a fresh customer holding 100 consent
//       events and 20 refund cases; sqlcipher+json reads the same rows and
//       serialises them with nlohmann::json.
//
// Every store runs at synchronous=FULL (Durability::kFull, the default).
// The rotation vaults are populated at kNormal (not measured), then reopened
// at kFull. Stores are built on first use, so a --benchmark_filter pays only
// for what it runs.
#ifndef CVAULT_BENCH_DSR_BENCH_H_
#define CVAULT_BENCH_DSR_BENCH_H_

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace cvault::bench {

inline constexpr std::size_t kErasureRecordCounts[] = {1, 100, 1000};
inline constexpr std::size_t kRotationCustomerCounts[] = {10000, 100000};
inline constexpr std::size_t kRotationBatch = 500;  // Operations::RotateKek's default

// "erase/<store>/<records>", "kek_rotation/<store>/<customers>",
// "export/<store>": the names bench/dsr_summary.h looks the results up by.
std::string ErasureBenchmarkName(std::string_view store, std::size_t records);
std::string RotationBenchmarkName(std::string_view store, std::size_t customers);
std::string ExportBenchmarkName(std::string_view store);

// The vaults and baselines the benchmarks use (bench/dsr_stores.h).
class DsrStores;

class DsrBench {
 public:
  // Stores go in `folder` (created), which must outlive this object.
  explicit DsrBench(std::filesystem::path folder);
  // Closes every store.
  ~DsrBench();
  DsrBench(const DsrBench&) = delete;
  DsrBench& operator=(const DsrBench&) = delete;

  // Registers the benchmarks above. They use this object: keep it alive
  // until RunSpecifiedBenchmarks returns.
  void RegisterAll();

 private:
  std::unique_ptr<DsrStores> stores_;
};

}  // namespace cvault::bench

#endif  // CVAULT_BENCH_DSR_BENCH_H_
