#include "bench/dsr_summary.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <string_view>

#include "bench/dsr_bench.h"
#include "bench/dsr_customers.h"

namespace cvault::bench {
namespace {

using Run = benchmark::BenchmarkReporter::Run;

bool IsDsrBenchmark(const std::string& name) {
  for (std::string_view prefix : {"erase/", "kek_rotation/", "export/"}) {
    if (name.starts_with(prefix)) return true;
  }
  return false;
}

std::optional<double> Median(std::vector<double> v) {
  if (v.empty()) return std::nullopt;
  std::sort(v.begin(), v.end());
  const std::size_t mid = v.size() / 2;
  return v.size() % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

std::string Fixed(std::optional<double> v, double scale, int decimals) {
  return v ? fmt::format("{:.{}f}", *v * scale, decimals) : "-";
}

// a / b, as "12.3x".
std::string Times(std::optional<double> a, std::optional<double> b) {
  return a && b && *b > 0 ? fmt::format("{:.2f}x", *a / *b) : "-";
}

}  // namespace

void DsrSummary::Add(const std::vector<Run>& runs) {
  for (const Run& run : runs) {
    const std::string& name = run.run_name.function_name;
    if (run.error_occurred || !IsDsrBenchmark(name) || run.iterations <= 0) continue;
    Figures& f = figures_[name];
    // Manual or real time, as the benchmark asked; for an aggregate, the
    // statistic of the repetitions' totals over their common iteration count.
    const double seconds =
        run.real_accumulated_time / static_cast<double>(run.iterations);
    const double cpu_seconds =
        run.cpu_accumulated_time / static_cast<double>(run.iterations);
    std::optional<double> keys;
    if (auto it = run.counters.find("keys"); it != run.counters.end()) {
      keys = it->second.value;
    }
    if (run.run_type == Run::RT_Aggregate) {
      if (run.aggregate_name != "median") continue;
      f.median_seconds = seconds;
      f.median_cpu_seconds = cpu_seconds;
      f.median_keys = keys;
    } else {
      f.seconds.push_back(seconds);
      f.cpu_seconds.push_back(cpu_seconds);
      if (keys) f.keys.push_back(*keys);
    }
  }
}

std::optional<double> DsrSummary::Seconds(const std::string& name) const {
  auto it = figures_.find(name);
  if (it == figures_.end()) return std::nullopt;
  return it->second.median_seconds ? it->second.median_seconds
                                   : Median(it->second.seconds);
}

std::optional<double> DsrSummary::CpuSeconds(const std::string& name) const {
  auto it = figures_.find(name);
  if (it == figures_.end()) return std::nullopt;
  return it->second.median_cpu_seconds ? it->second.median_cpu_seconds
                                       : Median(it->second.cpu_seconds);
}

std::optional<double> DsrSummary::KeysPerSecond(const std::string& name) const {
  auto it = figures_.find(name);
  if (it == figures_.end()) return std::nullopt;
  const std::optional<double> seconds = Seconds(name);
  const std::optional<double> keys =
      it->second.median_keys ? it->second.median_keys : Median(it->second.keys);
  if (!seconds || !keys || *seconds <= 0) return std::nullopt;
  return *keys / *seconds;
}

void DsrSummary::Print(std::ostream& out) const {
  if (figures_.empty()) return;
  PrintErasure(out);
  PrintRotation(out);
  PrintExport(out);
}

void DsrSummary::PrintErasure(std::ostream& out) const {
  auto name = [](std::string_view store, std::size_t n) {
    return ErasureBenchmarkName(store, n);
  };
  bool any = false;
  for (std::size_t n : kErasureRecordCounts) any = any || Seconds(name("vault", n));
  for (std::size_t n : kErasureRecordCounts) any = any || Seconds(name("sqlcipher", n));
  if (!any) return;

  constexpr std::string_view kStores[] = {"vault", "sqlcipher", "sqlcipher+truncate",
                                          "vault-sweep"};
  // "12.34 (5.67)": wall ms, then the CPU ms of the benchmark thread.
  auto wall_and_cpu = [&](std::string_view store, std::size_t n) {
    const std::string wall = Fixed(Seconds(name(store, n)), 1e3, 2);
    const std::string cpu = Fixed(CpuSeconds(name(store, n)), 1e3, 2);
    return fmt::format("{} ({})", wall, cpu);
  };
  out << "\nerasure: one fresh customer per erase, synchronous=FULL. ms per customer, "
         "wall "
         "(CPU); time ratios, larger = slower\n";
  constexpr std::string_view kRow =
      "{:>7} {:>10} {:>16} {:>16} {:>19} {:>15} {:>18} {:>16}\n";
  out << fmt::format(kRow, "records", "mix c/t/r", kStores[0], kStores[1], kStores[2],
                     "vault/sqlcipher", "vault/(+truncate)", kStores[3]);
  for (std::size_t n : kErasureRecordCounts) {
    const RecordMix mix = ErasureMix(n);
    const auto vault = Seconds(name("vault", n));
    out << fmt::format(
        kRow, n,
        fmt::format("{}/{}/{}", mix.consent_events, mix.tickets, mix.refund_cases),
        wall_and_cpu(kStores[0], n), wall_and_cpu(kStores[1], n),
        wall_and_cpu(kStores[2], n), Times(vault, Seconds(name(kStores[1], n))),
        Times(vault, Seconds(name(kStores[2], n))), wall_and_cpu(kStores[3], n));
  }
  const std::size_t smallest = kErasureRecordCounts[0];
  out << fmt::format(
      "growth with the customer's records, erase(N) / erase({}), wall (CPU):\n",
      smallest);
  constexpr std::string_view kGrowth = "{:>7} {:>16} {:>16} {:>19} {:>16}\n";
  out << fmt::format(kGrowth, "N", kStores[0], kStores[1], kStores[2], kStores[3]);
  for (std::size_t n : kErasureRecordCounts) {
    if (n == smallest) continue;
    std::array<std::string, 4> cells;
    for (std::size_t i = 0; i < cells.size(); ++i) {
      const std::string wall =
          Times(Seconds(name(kStores[i], n)), Seconds(name(kStores[i], smallest)));
      const std::string cpu =
          Times(CpuSeconds(name(kStores[i], n)), CpuSeconds(name(kStores[i], smallest)));
      cells[i] = fmt::format("{} ({})", wall, cpu);
    }
    out << fmt::format(kGrowth, n, cells[0], cells[1], cells[2], cells[3]);
  }
  const std::size_t largest = std::end(kErasureRecordCounts)[-1];
  for (std::string_view store : {kStores[0], kStores[3]}) {
    const auto wall_small = Seconds(name(store, smallest));
    const auto wall_large = Seconds(name(store, largest));
    const auto cpu_small = CpuSeconds(name(store, smallest));
    const auto cpu_large = CpuSeconds(name(store, largest));
    if (!wall_small || !wall_large || !cpu_small || !cpu_large) continue;
    const double extra = static_cast<double>(largest - smallest);
    out << fmt::format(
        "{}: {:.1f} us wall ({:.1f} us CPU) per extra record, ({}({}) - {}({})) / {}\n",
        store, (*wall_large - *wall_small) * 1e6 / extra,
        (*cpu_large - *cpu_small) * 1e6 / extra, store, largest, store, smallest,
        largest - smallest);
  }
}

void DsrSummary::PrintRotation(std::ostream& out) const {
  bool any = false;
  for (std::size_t n : kRotationCustomerCounts) {
    any = any || Seconds(RotationBenchmarkName("vault", n)) ||
          Seconds(RotationBenchmarkName("sqlcipher", n));
  }
  if (!any) return;
  out << fmt::format(
      "\nKEK rotation: data keys rewrapped per second, batches of {}, synchronous=FULL "
      "(rate ratios, 1.000 = as fast)\n",
      kRotationBatch);
  constexpr std::string_view kRow = "{:>9} {:>12} {:>12} {:>16} {:>16} {:>15} {:>15}\n";
  out << fmt::format(kRow, "customers", "vault keys/s", "vault s/run", "sqlcipher keys/s",
                     "rescan keys/s", "vault/sqlcipher", "vault/rescan");
  for (std::size_t n : kRotationCustomerCounts) {
    const auto vault = KeysPerSecond(RotationBenchmarkName("vault", n));
    const auto raw = KeysPerSecond(RotationBenchmarkName("sqlcipher", n));
    const auto rescan = KeysPerSecond(RotationBenchmarkName("sqlcipher-rescan", n));
    auto ratio = [](std::optional<double> a, std::optional<double> b) {
      return a && b && *b > 0 ? fmt::format("{:.3f}", *a / *b) : "-";
    };
    out << fmt::format(kRow, n, Fixed(vault, 1, 0),
                       Fixed(Seconds(RotationBenchmarkName("vault", n)), 1, 2),
                       Fixed(raw, 1, 0), Fixed(rescan, 1, 0), ratio(vault, raw),
                       ratio(vault, rescan));
  }
}

void DsrSummary::PrintExport(std::ostream& out) const {
  const auto vault = Seconds(ExportBenchmarkName("vault"));
  const auto raw = Seconds(ExportBenchmarkName("sqlcipher+json"));
  if (!vault && !raw) return;
  out << fmt::format(
      "\nexport: a customer with {} consent events and {} refund cases, "
      "synchronous=FULL\n",
      kExportMix.consent_events, kExportMix.refund_cases);
  constexpr std::string_view kRow = "{:>10} {:>19} {:>16}\n";
  out << fmt::format(kRow, "vault us", "sqlcipher+json us", "vault/sqlcipher");
  out << fmt::format(kRow, Fixed(vault, 1e6, 0), Fixed(raw, 1e6, 1), Times(vault, raw));
}

}  // namespace cvault::bench
