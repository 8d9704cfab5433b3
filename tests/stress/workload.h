// The stress worker's workload: a seeded random mix of customer creates,
// reads, lookups, updates, consent changes, tickets, refund cases and moves,
// erasures and audit reads on one vault, plus, at chosen points, a KEK
// rotation, a purge and a backup. Every call the vault acknowledges gets its
// line in the acknowledgement log before the next call starts (ack_log.h).
//
// A worker owns the customers it creates: only it updates, consents for and
// erases them, so its log orders everything that can change them. Refund
// cases are shared: a worker also moves the cases other workers opened (read
// from their logs), and reads their customers.
#ifndef CVAULT_TESTS_STRESS_WORKLOAD_H_
#define CVAULT_TESTS_STRESS_WORKLOAD_H_

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cvault/status.h"
#include "tests/stress/stress_vault.h"

namespace cvault::stress {

struct WorkloadOptions {
  VaultPaths paths;
  Durability durability = Durability::kFull;
  std::filesystem::path ack_file;
  // Other workers' logs (live or finished): shared refund cases and
  // customers to read.
  std::vector<std::filesystem::path> peer_acks;
  std::uint32_t worker = 0;  // names the principal and the emails
  std::uint64_t seed = 1;
  std::uint64_t ops = 100;
  // Before which operation (0-based) to start each job; none when unset.
  std::optional<std::uint64_t> rotate_kek_at;
  std::optional<std::uint64_t> purge_at;
  std::optional<std::uint64_t> backup_at;
  std::filesystem::path backup_dir;  // must not exist yet
  // Small batches make a rotation long enough to interleave with the other
  // workers and to be killed half-way.
  std::size_t rotate_batch = 10;
};

struct WorkloadResult {
  // Set when the worker could not run (the vault did not open, the log
  // could not be written): the vault's answers are then not judged.
  Status fatal;
  std::uint64_t operations = 0;
  std::uint64_t acknowledged = 0;
  std::uint64_t violations = 0;
  // Errors by "operation:status_code[/reason]": not acknowledged, not
  // failures.
  std::map<std::string, std::uint64_t> errors;
  // The first error of each key, as the vault described it (status
  // messages carry no stored values).
  std::map<std::string, std::string> first_errors;

  // One line of counts, then one line per key with its first error.
  std::string Summary() const;
};

WorkloadResult RunWorkload(const WorkloadOptions& options);

}  // namespace cvault::stress

#endif  // CVAULT_TESTS_STRESS_WORKLOAD_H_
