// cvault_pg_bench: what the vault's audited customer operations cost on the
// PostgreSQL backend next to raw libpq doing the same row work, with 1, 2
// and 4 client threads (issue 11).
//
//   pg_vault  one Vault on PostgresStore (Durability::kFull, root key in a
//             key file) shared by the benchmark's threads, called through
//             Vault::customers() as cvault_bench calls it.
//   pg_raw    raw libpq (bench/pg_baseline.h): each thread its own
//             connection, prepared statements, autocommit, a plaintext table
//             of the vault's shape, no audit.
// Operations as in cvault_bench: create (one customer, committed), get (by
// id), find+get (by email, then by id). Reads pick seeded-random customers
// out of a population of CVAULT_BENCH_CUSTOMERS (default 2000) made before
// timing starts. After the usual table the run prints vault/raw throughput
// ratios per operation and thread count, and each side's scaling.
//
// The server is CVAULT_BENCH_PG_DSN, a libpq connection string
// (scripts/bench-pg starts a throwaway cluster and sets it). The vault's
// schemas (<s>, <s>_keys, <s>_ledger) and the baseline's (<s>_raw) get a
// fresh random name and are dropped at exit; the vault's local folder and
// root key file live in a temporary folder, removed at exit.
#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "bench/customer_workload.h"
#include "bench/pg_baseline.h"
#include "bench/throughput_samples.h"
#include "cvault/vault.h"
#include "keys/root_key.h"
#include "store/backend.h"
#include "tests/testing/temp_dir.h"

namespace cvault::bench {
namespace {

constexpr std::uint64_t kSeed = 20261126;
constexpr std::size_t kDefaultPopulation = 2000;
constexpr int kThreadCounts[] = {1, 2, 4};
// Issue 11's goal: the audited get at 4 threads >= 0.7x raw libpq.
constexpr double kGetGoalAt4Threads = 0.7;

enum class Backend { kVault, kRaw };
std::string BenchmarkName(Backend b, Operation o) {
  return fmt::format("pg_{}/{}", b == Backend::kVault ? "vault" : "raw", NameOf(o));
}

// What a run leaves on the server and on disk until it ends: Die removes
// it, since exit() skips the destructors that would.
struct Leftovers {
  std::string dsn;
  std::string schema;  // the vault's; the baseline's is schema + "_raw"
  std::filesystem::path folder;
};
Leftovers& RunLeftovers() {
  static Leftovers leftovers;
  return leftovers;
}

std::string RawSchemaOf(const std::string& schema) { return schema + "_raw"; }

// The vault's options on the run's server and folder, at `durability`.
Options VaultOptions(const Leftovers& run, Durability durability) {
  PostgresStore store;
  store.dsn = run.dsn;
  store.schema = run.schema;
  Options o;
  o.store = store;
  o.vault_dir = run.folder / "vault";
  o.keys_dir = run.folder / "keys";
  o.root_key = KeyFile{run.folder / "root.key"};
  o.checkpoint_every = 1000;  // the default, stated
  o.durability = durability;
  return o;
}

// Drops the run's schemas; errors are reported, not fatal.
void DropSchemas(const Leftovers& run) {
  if (run.schema.empty()) return;
  store::SiteFor(VaultOptions(run, Durability::kFull))->DiscardCreated();
  if (Status dropped = PgBaseline::DropSchema(run.dsn, RawSchemaOf(run.schema));
      !dropped.ok()) {
    std::cerr << "cvault_pg_bench: " << dropped.ToString() << "\n";
  }
}

[[noreturn]] void Die(std::string_view what) {
  std::cerr << "cvault_pg_bench: " << what << "\n";
  DropSchemas(RunLeftovers());
  if (!RunLeftovers().folder.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(RunLeftovers().folder, ignored);
  }
  std::exit(1);
}

// "bench_" and 16 random hex digits: runs at once never meet.
std::string RandomSchemaName() {
  std::random_device device;
  std::uniform_int_distribution<int> digit(0, 15);
  std::string name = "bench_";
  for (int i = 0; i < 16; ++i) name += "0123456789abcdef"[digit(device)];
  return name;
}

// ---------------------------------------------------------------------------
// The stores under test, built on first use (so a --benchmark_filter only
// pays for what it runs) by whichever benchmark thread asks first, before
// any thread's timing starts; kept until the run ends.

struct VaultUnderTest {
  std::unique_ptr<Vault> vault;
  std::vector<CustomerId> ids;  // ids[i] is SyntheticCustomer(i)
  std::atomic<std::uint64_t> next_number = 0;
};

struct RawUnderTest {
  std::vector<std::string> ids;  // ids[i] is SyntheticCustomer(i)
  std::atomic<std::uint64_t> next_number = 0;
  std::map<int, std::unique_ptr<PgBaseline>> connections;  // by thread index
};

class PgWorkbench {
 public:
  PgWorkbench(std::string dsn, std::size_t population) : population_(population) {
    Leftovers& run = RunLeftovers();
    run.dsn = std::move(dsn);
    run.schema = RandomSchemaName();
    run.folder = dir_.path();
    if (!keys::WriteNewKeyFile(run.folder / "root.key").ok()) {
      Die("cannot write the root key file");
    }
    emails_.reserve(population_);
    for (std::size_t i = 0; i < population_; ++i) {
      emails_.push_back(SyntheticCustomer(i).email);
    }
  }
  ~PgWorkbench() {
    // Connections closed before their schemas go.
    if (vault_ && vault_->vault) {
      if (Status closed = vault_->vault->Close(); !closed.ok()) {
        std::cerr << "cvault_pg_bench: closing the vault: " << closed.ToString() << "\n";
      }
    }
    vault_.reset();
    raw_.reset();
    DropSchemas(RunLeftovers());
  }
  PgWorkbench(const PgWorkbench&) = delete;
  PgWorkbench& operator=(const PgWorkbench&) = delete;

  std::size_t population() const { return population_; }
  const std::string& email(std::size_t i) const { return emails_[i]; }
  const std::vector<std::string>& emails() const { return emails_; }

  // Thread-safe.
  VaultUnderTest& SharedVault() {
    std::lock_guard lock(mu_);
    if (!vault_) vault_ = BuildVault();
    return *vault_;
  }

  // The baseline's population, and the connection of benchmark thread
  // `thread_index` (its own, kept for later runs). Thread-safe.
  std::pair<RawUnderTest*, PgBaseline*> BaselineFor(int thread_index) {
    std::lock_guard lock(mu_);
    if (!raw_) raw_ = BuildRaw();
    auto& connection = raw_->connections[thread_index];
    if (!connection) connection = ConnectRaw();
    return {raw_.get(), connection.get()};
  }

 private:
  // Populated at kNormal (synchronous_commit = local, only to save time;
  // population is not measured), then closed and opened again at kFull.
  std::unique_ptr<VaultUnderTest> BuildVault() const {
    std::cerr << "cvault_pg_bench: populating the vault with " << population_
              << " customers...\n";
    auto result = std::make_unique<VaultUnderTest>();
    {
      auto created = Vault::Create(VaultOptions(RunLeftovers(), Durability::kNormal));
      if (!created) Die("Vault::Create: " + created.error().ToString());
      result->ids.reserve(population_);
      for (std::size_t i = 0; i < population_; ++i) {
        auto id = (*created)->customers().Create(BenchContext(), SyntheticCustomer(i));
        if (!id) Die("populating the vault: " + id.error().ToString());
        result->ids.push_back(std::move(*id));
      }
      if (Status closed = (*created)->Close(); !closed.ok()) Die(closed.ToString());
    }
    auto opened = Vault::Open(VaultOptions(RunLeftovers(), Durability::kFull));
    if (!opened) Die("Vault::Open: " + opened.error().ToString());
    result->vault = std::move(*opened);
    result->next_number = population_;
    return result;
  }

  std::unique_ptr<RawUnderTest> BuildRaw() const {
    const std::string schema = RawSchemaOf(RunLeftovers().schema);
    if (Status made = PgBaseline::CreateSchema(RunLeftovers().dsn, schema); !made.ok()) {
      Die(made.ToString());
    }
    auto result = std::make_unique<RawUnderTest>();
    result->ids.reserve(population_);
    for (std::size_t i = 0; i < population_; ++i) {
      result->ids.push_back(CustomerId::Generate().str());
    }
    if (Status filled = ConnectRaw()->InsertMany(result->ids); !filled.ok()) {
      Die(filled.ToString());
    }
    result->next_number = population_;
    return result;
  }

  static std::unique_ptr<PgBaseline> ConnectRaw() {
    auto connected =
        PgBaseline::Connect(RunLeftovers().dsn, RawSchemaOf(RunLeftovers().schema));
    if (!connected) Die(connected.error().ToString());
    return std::move(*connected);
  }

  testing::TempDir dir_;
  std::size_t population_;
  std::vector<std::string> emails_;  // emails_[i] is SyntheticCustomer(i).email
  std::mutex mu_;
  std::unique_ptr<VaultUnderTest> vault_;  // guarded by mu_ while being built
  std::unique_ptr<RawUnderTest> raw_;      // guarded by mu_ while being built
};

// ---------------------------------------------------------------------------
// The benchmarks. One item is one operation (a find+get pair counts once).

// Each thread picks its own random customers.
std::uint64_t SeedOf(const benchmark::State& state) {
  return kSeed + static_cast<std::uint64_t>(state.thread_index());
}

void RunVault(benchmark::State& state, PgWorkbench& bench, Operation op) {
  VaultUnderTest& v = bench.SharedVault();
  RunVaultLoop(state, v.vault->customers(), op, v.ids, bench.emails(), v.next_number,
               SeedOf(state));
}

void RunRaw(benchmark::State& state, PgWorkbench& bench, Operation op) {
  auto [raw, db] = bench.BaselineFor(state.thread_index());
  std::mt19937_64 rng(SeedOf(state));
  std::uniform_int_distribution<std::size_t> pick(0, bench.population() - 1);
  CustomerCopy copy;
  for (auto _ : state) {
    if (op == Operation::kCreate) {
      const Status inserted =
          db->Insert(CustomerId::Generate().str(), SyntheticCustomer(raw->next_number++));
      if (!inserted.ok()) return state.SkipWithError(inserted.ToString().c_str());
    } else {
      const std::size_t i = pick(rng);
      std::string id = raw->ids[i];
      // A look-up is the same row work as find+get: find the id, read the row.
      if (op == Operation::kFindGet || op == Operation::kLookup) {
        auto found = db->FindIdByEmail(bench.email(i));
        if (!found) return state.SkipWithError(found.error().ToString().c_str());
        id = std::move(*found);
      }
      if (Status got = db->Get(id, copy); !got.ok()) {
        return state.SkipWithError(got.ToString().c_str());
      }
      benchmark::DoNotOptimize(copy.fields.data());
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void RegisterAll(PgWorkbench& bench) {
  for (Operation op : kOperations) {
    for (Backend b : {Backend::kVault, Backend::kRaw}) {
      auto* registered = benchmark::RegisterBenchmark(
          BenchmarkName(b, op).c_str(), [&bench, b, op](benchmark::State& state) {
            if (b == Backend::kVault) {
              RunVault(state, bench, op);
            } else {
              RunRaw(state, bench, op);
            }
          });
      for (int threads : kThreadCounts) registered->Threads(threads);
      registered
          ->UseRealTime()  // commit waits are the point; CPU time hides them
          ->Unit(benchmark::kMicrosecond);
    }
  }
}

// ---------------------------------------------------------------------------
// The ratio table: the console table as usual, then per operation and
// thread count the combined ops/s of all threads, the time one call takes
// as a thread sees it, vault/raw, and each side's scaling against 1 thread.

class PgRatioReporter : public benchmark::ConsoleReporter {
 public:
  using benchmark::ConsoleReporter::ConsoleReporter;

  void ReportRuns(const std::vector<Run>& runs) override {
    benchmark::ConsoleReporter::ReportRuns(runs);
    throughput_.Add(runs);
  }

  // Prints nothing when none of these benchmarks ran (a filtered run).
  void PrintRatios(std::ostream& out) const {
    constexpr std::string_view kRow =
        "{:<9} {:>7} {:>9} {:>9} {:>11} {:>11} {:>9} {:>13} {:>11}  {}\n";
    std::string rows;
    for (Operation op : kOperations) {
      const std::string vault_name = BenchmarkName(Backend::kVault, op);
      const std::string raw_name = BenchmarkName(Backend::kRaw, op);
      auto vault_1 = throughput_.OpsPerSecond(vault_name, 1);
      auto raw_1 = throughput_.OpsPerSecond(raw_name, 1);
      for (int threads : kThreadCounts) {
        auto vault = throughput_.OpsPerSecond(vault_name, threads);
        auto raw = throughput_.OpsPerSecond(raw_name, threads);
        if (!vault && !raw) continue;
        rows += fmt::format(kRow, NameOf(op), threads, FormatRate(vault), FormatRate(raw),
                            Micros(vault, threads), Micros(raw, threads),
                            FormatRatio(vault, raw), FormatRatio(vault, vault_1),
                            FormatRatio(raw, raw_1), Target(op, threads, vault, raw));
      }
    }
    if (rows.empty()) return;
    out << "\nvault / raw libpq on PostgreSQL (ops/s of all threads together; µs = one "
           "call as its thread sees it; scaling = ops/s over ops/s with 1 thread)\n";
    out << fmt::format(kRow, "operation", "threads", "vault/s", "raw/s", "vault µs",
                       "raw µs", "vault/raw", "vault scaling", "raw scaling",
                       "target (vault/raw)");
    out << rows;
  }

 private:
  static std::string Micros(std::optional<double> rate, int threads) {
    return rate && *rate > 0 ? fmt::format("{:.0f}", 1e6 * threads / *rate) : "-";
  }
  static std::string Target(Operation op, int threads, std::optional<double> vault,
                            std::optional<double> raw) {
    if (op != Operation::kGet || threads != 4) return "";
    const std::string verdict =
        vault && raw && *raw > 0
            ? (*vault / *raw >= kGetGoalAt4Threads ? "met" : "MISSED")
            : "-";
    return fmt::format(">= {:.1f}x: {}", kGetGoalAt4Threads, verdict);
  }

  ThroughputSamples throughput_;
};

}  // namespace
}  // namespace cvault::bench

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  const char* dsn = std::getenv("CVAULT_BENCH_PG_DSN");
  if (dsn == nullptr || *dsn == '\0') {
    std::cerr << "cvault_pg_bench: CVAULT_BENCH_PG_DSN is not set: set it to the libpq "
                 "connection string of a PostgreSQL server where this role may create "
                 "schemas, or run scripts/bench-pg, which starts a throwaway server\n";
    return 2;
  }
  auto population = cvault::bench::PopulationFromEnv(cvault::bench::kDefaultPopulation);
  if (!population) {
    std::cerr << "cvault_pg_bench: " << population.error().ToString() << "\n";
    return 2;
  }
  int status = 0;
  {
    cvault::bench::PgWorkbench bench(dsn, *population);
    cvault::bench::RegisterAll(bench);
    cvault::bench::PgRatioReporter reporter(
        isatty(STDOUT_FILENO) ? benchmark::ConsoleReporter::OO_ColorTabular
                              : benchmark::ConsoleReporter::OO_Tabular);
    if (benchmark::RunSpecifiedBenchmarks(&reporter) == 0) status = 1;
    reporter.PrintRatios(std::cout);
  }  // vault closed, schemas dropped, temporary folder removed
  benchmark::Shutdown();
  return status;
}
