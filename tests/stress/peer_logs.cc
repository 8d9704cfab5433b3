#include "tests/stress/peer_logs.h"

namespace cvault::stress {

PeerLogs::PeerLogs(const std::vector<std::filesystem::path>& files) {
  for (const auto& file : files) readers_.emplace_back(file);
}

void PeerLogs::Refresh() {
  for (AckReader& reader : readers_) {
    for (auto& line : reader.ReadNew()) {
      // A line that does not parse is the verifier's to report.
      if (!line) continue;
      model_.Apply(*line);
      if (line->attempt) continue;
      if (line->kind == AckKind::kCreate) customers_.push_back(line->id);
      if (line->kind == AckKind::kRefundOpen) refund_cases_.push_back(line->id);
    }
  }
}

}  // namespace cvault::stress
