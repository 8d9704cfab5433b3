// DsrSummary: the tables printed after a run for the benchmarks of
// bench/dsr_bench.h: erase time per customer by record count and its growth,
// KEK rotation rate, export time, each next to raw SQLCipher with the ratio.
// With --benchmark_repetitions the medians are used, else the one run.
//
// Fed by the console reporter (bench/cvault_bench.cc). Copyable; not
// thread-safe.
#ifndef CVAULT_BENCH_DSR_SUMMARY_H_
#define CVAULT_BENCH_DSR_SUMMARY_H_

#include <benchmark/benchmark.h>

#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace cvault::bench {

class DsrSummary {
 public:
  // Keeps the figures of the runs it has a table for; ignores the others.
  void Add(const std::vector<benchmark::BenchmarkReporter::Run>& runs);

  // Prints the tables that have figures; nothing when none ran.
  void Print(std::ostream& out) const;

 private:
  struct Figures {
    std::vector<double> seconds;      // per iteration, one per repetition
    std::vector<double> cpu_seconds;  // the same, CPU time of the thread
    std::vector<double> keys;         // per iteration (rotation only)
    std::optional<double> median_seconds;
    std::optional<double> median_cpu_seconds;
    std::optional<double> median_keys;
  };

  // Per iteration: wall (manual or real) seconds, CPU seconds, and keys
  // rewrapped per second (rotation benchmarks).
  std::optional<double> Seconds(const std::string& name) const;
  std::optional<double> CpuSeconds(const std::string& name) const;
  std::optional<double> KeysPerSecond(const std::string& name) const;

  void PrintErasure(std::ostream& out) const;
  void PrintRotation(std::ostream& out) const;
  void PrintExport(std::ostream& out) const;

  std::map<std::string, Figures> figures_;
};

}  // namespace cvault::bench

#endif  // CVAULT_BENCH_DSR_SUMMARY_H_
