#include "bench/dsr_bench.h"

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "bench/dsr_customers.h"
#include "bench/dsr_stores.h"
#include "cvault/vault.h"

namespace cvault::bench {
namespace {

// Per repetition: how many customers one run erases or exports (each its
// own fresh customer). Fewer for the bigger customers, whose setup is long.
std::int64_t ErasureIterations(std::size_t records) {
  return records >= 1000 ? 10 : records >= 100 ? 20 : 40;
}
constexpr std::int64_t kExportIterations = 15;
// Rotations of vaults this big run once per benchmark run.
constexpr std::size_t kSingleRunCustomers = 100000;

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The erasure result must list every record the customer held.
Status CheckErased(const ErasureResult& result, const RecordMix& mix) {
  std::map<std::string, std::size_t, std::less<>> expected = {
      {"consent_records", mix.consent_events},
      {"support_evidence", mix.tickets},
      {"financial", mix.refund_cases}};
  for (const GroupErasure& g : result.groups) {
    auto it = expected.find(g.group);
    if (it != expected.end() && it->second != g.records) {
      return Status::Internal(
          fmt::format("erase: group {} reported {} records, expected {}", g.group,
                      g.records, it->second));
    }
  }
  return Status::Ok();
}

void Skip(benchmark::State& state, const Status& status) {
  state.SkipWithError(status.ToString().c_str());
}

// Erases state.max_iterations fresh customers holding `records` records,
// timing each erase alone.
void RunVaultErase(benchmark::State& state, DsrStores& stores, std::size_t records) {
  const RecordMix mix = ErasureMix(records);
  auto vault = stores.DsrVault();
  if (!vault) return Skip(state, vault.error());
  // A customer without records, erased after the others are made so that
  // the first timed erase does not also checkpoint their writes.
  auto flush = stores.AddVaultCustomers(1, RecordMix{});
  if (!flush) return Skip(state, flush.error());
  auto ids =
      stores.AddVaultCustomers(static_cast<std::size_t>(state.max_iterations), mix);
  if (!ids) return Skip(state, ids.error());
  if (auto r = (*vault)->rights().Erase(DpoContext(), flush->front()); !r) {
    return Skip(state, r.error());
  }
  std::size_t next = 0;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    auto result = (*vault)->rights().Erase(DpoContext(), (*ids)[next++]);
    state.SetIterationTime(SecondsSince(start));
    if (!result) return Skip(state, result.error());
    if (Status s = CheckErased(*result, mix); !s.ok()) return Skip(state, s);
  }
  state.counters["records"] = static_cast<double>(records);
}

// What an erasure leaves to the purge: per iteration one fresh customer
// holding `records` records is erased (not timed), then Rights::Purge
// sweeps their rows (timed). The purge also looks for lapsed consents over
// the whole vault, a cost that does not depend on the erased customer.
void RunVaultSweep(benchmark::State& state, DsrStores& stores, std::size_t records) {
  const RecordMix mix = ErasureMix(records);
  auto vault = stores.DsrVault();
  if (!vault) return Skip(state, vault.error());
  auto ids =
      stores.AddVaultCustomers(static_cast<std::size_t>(state.max_iterations), mix);
  if (!ids) return Skip(state, ids.error());
  // Sweeps what earlier benchmarks left, and checkpoints the setup's writes.
  if (auto p = (*vault)->rights().Purge(DpoContext()); !p) return Skip(state, p.error());
  std::size_t next = 0;
  for (auto _ : state) {
    auto erased = (*vault)->rights().Erase(DpoContext(), (*ids)[next++]);
    if (!erased) return Skip(state, erased.error());
    const auto start = std::chrono::steady_clock::now();
    auto purged = (*vault)->rights().Purge(DpoContext());
    state.SetIterationTime(SecondsSince(start));
    if (!purged) return Skip(state, purged.error());
    if (purged->erasures_swept != 1 || purged->rows_swept != records) {
      return Skip(state, Status::Internal(fmt::format(
                             "sweep: {} erasures, {} rows swept; expected 1 and {}",
                             purged->erasures_swept, purged->rows_swept, records)));
    }
  }
  state.counters["records"] = static_cast<double>(records);
}

void RunBaselineErase(benchmark::State& state, DsrStores& stores, std::size_t records,
                      bool truncate_log) {
  const RecordMix mix = ErasureMix(records);
  auto baseline = stores.Erasure();
  if (!baseline) return Skip(state, baseline.error());
  auto ids =
      (*baseline)->AddCustomers(static_cast<std::size_t>(state.max_iterations), mix);
  if (!ids) return Skip(state, ids.error());
  std::size_t next = 0;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    auto deleted = (*baseline)->Erase((*ids)[next++], truncate_log);
    state.SetIterationTime(SecondsSince(start));
    if (!deleted) return Skip(state, deleted.error());
    if (*deleted != records + 1) {
      return Skip(state,
                  Status::Internal("baseline erase deleted the wrong number of rows"));
    }
  }
  state.counters["records"] = static_cast<double>(records);
}

void RunVaultRotation(benchmark::State& state, DsrStores& stores, std::size_t customers) {
  auto vault = stores.RotationVault(customers);
  if (!vault) return Skip(state, vault.error());
  std::uint64_t keys = 0;
  for (auto _ : state) {
    auto result = (*vault)->operations().RotateKek(OperatorContext(), {}, kRotationBatch);
    if (!result) return Skip(state, result.error());
    keys += result->rewrapped;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(keys));
  state.counters["keys"] =
      benchmark::Counter(static_cast<double>(keys), benchmark::Counter::kAvgIterations);
}

void RunBaselineRotation(benchmark::State& state, DsrStores& stores, std::size_t keys,
                         bool rescan) {
  auto baseline = stores.Rotation(keys);
  if (!baseline) return Skip(state, baseline.error());
  std::uint64_t updated = 0;
  for (auto _ : state) {
    auto n = (*baseline)->Rotate(kRotationBatch, rescan);
    if (!n) return Skip(state, n.error());
    updated += *n;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(updated));
  state.counters["keys"] = benchmark::Counter(static_cast<double>(updated),
                                              benchmark::Counter::kAvgIterations);
}

void RunVaultExport(benchmark::State& state, DsrStores& stores) {
  auto vault = stores.DsrVault();
  if (!vault) return Skip(state, vault.error());
  auto ids = stores.AddVaultCustomers(static_cast<std::size_t>(state.max_iterations),
                                      kExportMix);
  if (!ids) return Skip(state, ids.error());
  std::size_t next = 0;
  std::size_t bytes = 0;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    auto document = (*vault)->rights().Export(DpoContext(), (*ids)[next++]);
    state.SetIterationTime(SecondsSince(start));
    if (!document) return Skip(state, document.error());
    bytes = document->size();
  }
  state.counters["bytes"] = static_cast<double>(bytes);
}

void RunBaselineExport(benchmark::State& state, DsrStores& stores) {
  auto baseline = stores.Export();
  if (!baseline) return Skip(state, baseline.error());
  std::size_t bytes = 0;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    auto document = (*baseline)->Export();
    state.SetIterationTime(SecondsSince(start));
    if (!document) return Skip(state, document.error());
    bytes = document->size();
  }
  state.counters["bytes"] = static_cast<double>(bytes);
}

}  // namespace

std::string ErasureBenchmarkName(std::string_view store, std::size_t records) {
  return fmt::format("erase/{}/{}", store, records);
}
std::string RotationBenchmarkName(std::string_view store, std::size_t customers) {
  return fmt::format("kek_rotation/{}/{}", store, customers);
}
std::string ExportBenchmarkName(std::string_view store) {
  return fmt::format("export/{}", store);
}

DsrBench::DsrBench(std::filesystem::path folder)
    : stores_(std::make_unique<DsrStores>(std::move(folder))) {}

DsrBench::~DsrBench() = default;

void DsrBench::RegisterAll() {
  DsrStores& stores = *stores_;
  for (std::size_t records : kErasureRecordCounts) {
    const std::int64_t iterations = ErasureIterations(records);
    benchmark::RegisterBenchmark(ErasureBenchmarkName("vault", records).c_str(),
                                 [&stores, records](benchmark::State& state) {
                                   RunVaultErase(state, stores, records);
                                 })
        ->UseManualTime()
        ->Iterations(iterations)
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(ErasureBenchmarkName("vault-sweep", records).c_str(),
                                 [&stores, records](benchmark::State& state) {
                                   RunVaultSweep(state, stores, records);
                                 })
        ->UseManualTime()
        ->Iterations(iterations)
        ->Unit(benchmark::kMillisecond);
    for (bool truncate_log : {false, true}) {
      const std::string store = truncate_log ? "sqlcipher+truncate" : "sqlcipher";
      benchmark::RegisterBenchmark(
          ErasureBenchmarkName(store, records).c_str(),
          [&stores, records, truncate_log](benchmark::State& state) {
            RunBaselineErase(state, stores, records, truncate_log);
          })
          ->UseManualTime()
          ->Iterations(iterations)
          ->Unit(benchmark::kMillisecond);
    }
  }
  benchmark::RegisterBenchmark(
      ExportBenchmarkName("vault").c_str(),
      [&stores](benchmark::State& state) { RunVaultExport(state, stores); })
      ->UseManualTime()
      ->Iterations(kExportIterations)
      ->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark(
      ExportBenchmarkName("sqlcipher+json").c_str(),
      [&stores](benchmark::State& state) { RunBaselineExport(state, stores); })
      ->UseManualTime()
      ->Unit(benchmark::kMicrosecond);
  for (std::size_t customers : kRotationCustomerCounts) {
    // One rotation per repetition. A rotation of 100,000 keys takes minutes
    // (docs/performance.md), so that size runs once whatever
    // --benchmark_repetitions says.
    auto one_rotation_each = [customers](benchmark::internal::Benchmark* b) {
      b->UseRealTime()->Iterations(1)->Unit(benchmark::kMillisecond);
      if (customers >= kSingleRunCustomers) b->Repetitions(1);
    };
    one_rotation_each(
        benchmark::RegisterBenchmark(RotationBenchmarkName("vault", customers).c_str(),
                                     [&stores, customers](benchmark::State& state) {
                                       RunVaultRotation(state, stores, customers);
                                     }));
    for (bool rescan : {false, true}) {
      const std::string store = rescan ? "sqlcipher-rescan" : "sqlcipher";
      one_rotation_each(benchmark::RegisterBenchmark(
          RotationBenchmarkName(store, customers).c_str(),
          [&stores, customers, rescan](benchmark::State& state) {
            RunBaselineRotation(state, stores, customers, rescan);
          }));
    }
  }
}

}  // namespace cvault::bench
