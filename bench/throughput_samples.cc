#include "bench/throughput_samples.h"

#include <fmt/format.h>

#include <algorithm>

namespace cvault::bench {

void ThroughputSamples::Add(const std::vector<benchmark::BenchmarkReporter::Run>& runs) {
  using Run = benchmark::BenchmarkReporter::Run;
  for (const Run& run : runs) {
    if (run.error_occurred) continue;
    auto rate = run.counters.find("items_per_second");
    if (rate == run.counters.end()) continue;
    Samples& s = samples_[{run.run_name.function_name, run.threads}];
    if (run.run_type == Run::RT_Aggregate) {
      if (run.aggregate_name == "median") s.median = rate->second.value;
    } else {
      s.runs.push_back(rate->second.value);
    }
  }
}

std::optional<double> ThroughputSamples::OpsPerSecond(const std::string& name,
                                                      std::int64_t threads) const {
  auto it = samples_.find({name, threads});
  if (it == samples_.end()) return std::nullopt;
  if (it->second.median) return it->second.median;
  std::vector<double> v = it->second.runs;
  if (v.empty()) return std::nullopt;
  std::sort(v.begin(), v.end());
  return v.size() % 2 == 1 ? v[v.size() / 2]
                           : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

std::string FormatRate(std::optional<double> rate) {
  return rate ? fmt::format("{:.0f}", *rate) : "-";
}

std::string FormatRatio(std::optional<double> a, std::optional<double> b) {
  return a && b && *b > 0 ? fmt::format("{:.3f}", *a / *b) : "-";
}

}  // namespace cvault::bench
