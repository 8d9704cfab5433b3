// The customer workload of the vault benchmarks (bench/cvault_bench.cc on the
// embedded backend, bench/pg_bench.cc on PostgreSQL): the synthetic customers
// every store holds, the caller the vault's calls run as, what a baseline
// read copies out of a row, and the population size a run asks for. Plain
// values and functions; thread-safe.
#ifndef CVAULT_BENCH_CUSTOMER_WORKLOAD_H_
#define CVAULT_BENCH_CUSTOMER_WORKLOAD_H_

#include <benchmark/benchmark.h>

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "cvault/access.h"
#include "cvault/customer.h"
#include "cvault/status.h"
#include "cvault/vault.h"

namespace cvault::bench {

// create: one new customer, committed. get: one customer by id, all
// fields. find+get: by email, then by id (two calls). lookup: by email,
// returning the record (one call, Customers::GetByEmail). One item is one
// operation (a find+get pair counts once).
enum class Operation { kCreate, kGet, kFindGet, kLookup };
inline constexpr Operation kOperations[] = {Operation::kCreate, Operation::kGet,
                                            Operation::kFindGet, Operation::kLookup};
std::string_view NameOf(Operation o);

// Customer number `n`, the same fields for every store. Emails are already
// normalised (lower case), phones already E.164.
NewCustomer SyntheticCustomer(std::uint64_t n);

// account-service reading and writing under account_management (no consent
// gate).
const AccessContext& BenchContext();

// The vault's timed loop: `op` through `customers` as BenchContext() until
// `state` stops it. create makes SyntheticCustomer(n), n taken from
// `next_number` (which the run's threads may share); get and find+get pick
// populated customers at random (seeded with `seed`): ids[i] is
// SyntheticCustomer(i), whose email is emails[i]. A failed call ends the
// run with its error.
void RunVaultLoop(benchmark::State& state, Customers& customers, Operation op,
                  std::span<const CustomerId> ids, std::span<const std::string> emails,
                  std::atomic<std::uint64_t>& next_number, std::uint64_t seed);

// What a baseline read copies out of a row, like the vault's CustomerRecord.
struct CustomerCopy {
  std::string id;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
  bool restricted = false;
  std::array<std::optional<std::string>, 7> fields;
};

// Wall-clock microseconds since the epoch, for the baselines' timestamps.
std::int64_t NowMicros();

// How many customers each store holds before timing starts:
// CVAULT_BENCH_CUSTOMERS, or `default_size` when it is unset or empty.
// InvalidArgument when it is not a positive integer.
[[nodiscard]] StatusOr<std::size_t> PopulationFromEnv(std::size_t default_size);

}  // namespace cvault::bench

#endif  // CVAULT_BENCH_CUSTOMER_WORKLOAD_H_
