// The customers the data-subject-rights benchmarks make (bench/dsr_bench.h):
// their fields, how many records of each kind they hold, and the order those
// records are written in. Shared by the vault workloads and the raw SQLCipher
// baselines, so both hold the same rows. Plain values and pure functions.
#ifndef CVAULT_BENCH_DSR_CUSTOMERS_H_
#define CVAULT_BENCH_DSR_CUSTOMERS_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "cvault/customer.h"

namespace cvault::bench {

// A customer's records besides their customer row.
struct RecordMix {
  std::size_t consent_events = 0;
  std::size_t tickets = 0;
  std::size_t refund_cases = 0;

  std::size_t total() const { return consent_events + tickets + refund_cases; }
};

enum class RecordKind { kConsentEvent, kTicket, kRefundCase };

// The erasure benchmark's customers: `records` split 90% consent events, 5%
// support tickets, 5% refund cases, with at least one refund case, so every
// size takes the same retention-hold path (a new hold key, committed to the
// keystore) and the sizes differ only in how many rows there are.
// ErasureMix(1) is one refund case; 100 is 90/5/5; 1000 is 900/50/50.
RecordMix ErasureMix(std::size_t records);

// The export benchmark's customer: 100 consent events and 20 refund cases.
inline constexpr RecordMix kExportMix{100, 0, 20};

// The order one customer's records are written in: each kind spread evenly
// over the sequence (a ticket and a refund case among every 20 records of
// the erasure mix), so no kind is bunched at one end.
std::vector<RecordKind> RecordSequence(const RecordMix& mix);

// Customer number `n`: the seven fields, already normalised, email unique
// per `n`.
NewCustomer DsrCustomer(std::uint64_t n);

}  // namespace cvault::bench

#endif  // CVAULT_BENCH_DSR_CUSTOMERS_H_
