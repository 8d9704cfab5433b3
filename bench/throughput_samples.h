// ThroughputSamples: the items_per_second of the benchmark runs a console
// reporter sees, by benchmark name and thread count, for the ratio tables
// printed after a run. With --benchmark_repetitions the "median" aggregate
// is used, else the median of the runs (one, usually).
//
// items_per_second of a run with several threads is their combined rate:
// all threads' items over the run's wall time (UseRealTime).
//
// Fed from ReportRuns; copyable; not thread-safe.
#ifndef CVAULT_BENCH_THROUGHPUT_SAMPLES_H_
#define CVAULT_BENCH_THROUGHPUT_SAMPLES_H_

#include <benchmark/benchmark.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace cvault::bench {

class ThroughputSamples {
 public:
  // Keeps the rate of every run that has one and did not fail.
  void Add(const std::vector<benchmark::BenchmarkReporter::Run>& runs);

  // Operations per second of benchmark `name` (without the /real_time and
  // /threads: suffixes) run with `threads` threads; nullopt if it did not run.
  std::optional<double> OpsPerSecond(const std::string& name,
                                     std::int64_t threads = 1) const;

 private:
  struct Samples {
    std::vector<double> runs;
    std::optional<double> median;
  };

  std::map<std::pair<std::string, std::int64_t>, Samples> samples_;
};

// For the tables: "1234" ops/s, and a / b as "0.123"; "-" for what is missing.
std::string FormatRate(std::optional<double> rate);
std::string FormatRatio(std::optional<double> a, std::optional<double> b);

}  // namespace cvault::bench

#endif  // CVAULT_BENCH_THROUGHPUT_SAMPLES_H_
