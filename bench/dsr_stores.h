// DsrStores: the vaults and raw SQLCipher baselines the data-subject-rights
// benchmarks (bench/dsr_bench.h) run against, each built on first use and
// kept open until the object goes, and the contexts the benchmarks act in.
//
// Neither copyable nor movable (the benchmarks hold pointers into it);
// single-threaded.
#ifndef CVAULT_BENCH_DSR_STORES_H_
#define CVAULT_BENCH_DSR_STORES_H_

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "bench/dsr_baselines.h"
#include "bench/dsr_customers.h"
#include "cvault/vault.h"

namespace cvault::bench {

// The default policy's roles, as the benchmarks use them.
const AccessContext& DpoContext();       // dpo, purpose dsr: erase, export
const AccessContext& OperatorContext();  // operator, purpose operations: RotateKek

class DsrStores {
 public:
  // Everything goes in `folder` (created on first use), which must outlive
  // this object.
  explicit DsrStores(std::filesystem::path folder);
  // Closes the vaults (each writes its closing checkpoint) and baselines.
  ~DsrStores();
  DsrStores(const DsrStores&) = delete;
  DsrStores& operator=(const DsrStores&) = delete;

  // The vault erasures and exports run in: created at kFull, with the
  // consent notice the grants cite.
  [[nodiscard]] StatusOr<Vault*> DsrVault();

  // Makes `count` customers holding `mix` records each in the DSR vault:
  // first every customer row, then record r of every customer, then record
  // r + 1, so that each customer's rows end up spread over the tables'
  // pages, as records collected over time are.
  [[nodiscard]] StatusOr<std::vector<CustomerId>> AddVaultCustomers(std::size_t count,
                                                                    const RecordMix& mix);

  // Baselines. The erasure baseline's rows hold what the vault exports for
  // one record of each kind; the export baseline holds the rows of the
  // vault's own export of a customer with kExportMix.
  [[nodiscard]] StatusOr<ErasureBaseline*> Erasure();
  [[nodiscard]] StatusOr<ExportBaseline*> Export();

  // A vault of `customers` customers (one data key each), populated at
  // kNormal without checkpoints (not measured), then reopened at kFull.
  [[nodiscard]] StatusOr<Vault*> RotationVault(std::size_t customers);
  // The rotation baseline with `keys` rows.
  [[nodiscard]] StatusOr<RotationBaseline*> Rotation(std::size_t keys);

 private:
  // The vault's own export of a new customer holding `mix`, parsed.
  StatusOr<nlohmann::json> SampleExport(const RecordMix& mix);
  Status EnsureRootKey();
  Options VaultOptions(const std::string& name, Durability durability) const;

  std::filesystem::path folder_;
  std::uint64_t next_ = 0;  // customer and order numbers in the DSR vault
  std::unique_ptr<Vault> dsr_vault_;
  std::map<std::size_t, std::unique_ptr<Vault>> rotation_vaults_;
  std::unique_ptr<ErasureBaseline> erasure_baseline_;
  std::unique_ptr<ExportBaseline> export_baseline_;
  std::map<std::size_t, std::unique_ptr<RotationBaseline>> rotation_baselines_;
};

}  // namespace cvault::bench

#endif  // CVAULT_BENCH_DSR_STORES_H_
