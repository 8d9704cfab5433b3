#include "bench/dsr_customers.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "bench/customer_workload.h"

namespace cvault::bench {

RecordMix ErasureMix(std::size_t records) {
  RecordMix mix;
  mix.refund_cases = std::max<std::size_t>(1, records / 20);
  mix.tickets = std::min(records / 20, records - mix.refund_cases);
  mix.consent_events = records - mix.refund_cases - mix.tickets;
  return mix;
}

std::vector<RecordKind> RecordSequence(const RecordMix& mix) {
  // Record j of a kind with m records sits at (j + 0.5) / m of the way
  // along; sorting by that place interleaves the kinds evenly.
  std::vector<std::pair<double, RecordKind>> placed;
  placed.reserve(mix.total());
  auto place = [&placed](std::size_t count, RecordKind kind) {
    for (std::size_t j = 0; j < count; ++j) {
      placed.emplace_back((static_cast<double>(j) + 0.5) / static_cast<double>(count),
                          kind);
    }
  };
  place(mix.consent_events, RecordKind::kConsentEvent);
  place(mix.tickets, RecordKind::kTicket);
  place(mix.refund_cases, RecordKind::kRefundCase);
  std::stable_sort(placed.begin(), placed.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<RecordKind> sequence;
  sequence.reserve(placed.size());
  for (const auto& [where, kind] : placed) sequence.push_back(kind);
  return sequence;
}

NewCustomer DsrCustomer(std::uint64_t n) {
  // The customer benchmarks' shape, under names of its own.
  NewCustomer c = SyntheticCustomer(n);
  c.full_name = fmt::format("Subject {} Example", n);
  c.email = fmt::format("subject{}@example.org", n);
  return c;
}

}  // namespace cvault::bench
