#include "bench/customer_workload.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <random>
#include <utility>

namespace cvault::bench {

std::string_view NameOf(Operation o) {
  switch (o) {
    case Operation::kCreate:
      return "create";
    case Operation::kGet:
      return "get";
    case Operation::kFindGet:
      return "find+get";
    case Operation::kLookup:
      return "lookup";
  }
  return "?";
}

NewCustomer SyntheticCustomer(std::uint64_t n) {
  NewCustomer c;
  c.full_name = fmt::format("Customer {} Example", n);
  c.email = fmt::format("customer{}@example.com", n);
  c.phone = fmt::format("+4420{:08}", n % 100000000);
  c.postal_address = "12 St James's Square\nLondon SW1Y 4LB";
  c.country = "GB";
  c.language = "en-GB";
  c.external_ref = fmt::format("acct-{}", n);
  return c;
}

const AccessContext& BenchContext() {
  static const AccessContext ctx{"bench", "account-service", "account_management",
                                 "bench", ""};
  return ctx;
}

void RunVaultLoop(benchmark::State& state, Customers& customers, Operation op,
                  std::span<const CustomerId> ids, std::span<const std::string> emails,
                  std::atomic<std::uint64_t>& next_number, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<std::size_t> pick(0, ids.size() - 1);
  for (auto _ : state) {
    if (op == Operation::kCreate) {
      auto id = customers.Create(BenchContext(), SyntheticCustomer(next_number++));
      if (!id) return state.SkipWithError(id.error().ToString().c_str());
    } else {
      const std::size_t i = pick(rng);
      if (op == Operation::kLookup) {
        auto record = customers.GetByEmail(BenchContext(), emails[i]);
        if (!record) return state.SkipWithError(record.error().ToString().c_str());
        benchmark::DoNotOptimize(record->fields.size());
        continue;
      }
      CustomerId id = ids[i];
      if (op == Operation::kFindGet) {
        auto found = customers.FindByEmail(BenchContext(), emails[i]);
        if (!found) return state.SkipWithError(found.error().ToString().c_str());
        id = std::move(*found);
      }
      auto record = customers.Get(BenchContext(), id);
      if (!record) return state.SkipWithError(record.error().ToString().c_str());
      benchmark::DoNotOptimize(record->fields.size());
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

std::int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

StatusOr<std::size_t> PopulationFromEnv(std::size_t default_size) {
  const char* text = std::getenv("CVAULT_BENCH_CUSTOMERS");
  if (text == nullptr || *text == '\0') return default_size;
  char* end = nullptr;
  const unsigned long long n = std::strtoull(text, &end, 10);
  if (*end != '\0' || n == 0) {
    return Error(
        Status::InvalidArgument("CVAULT_BENCH_CUSTOMERS must be a positive integer"));
  }
  return static_cast<std::size_t>(n);
}

}  // namespace cvault::bench
