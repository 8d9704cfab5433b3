// What the other workers acknowledged, re-read from their logs while they
// keep appending: their customers (to read) and refund cases (to move). A
// view that may lag behind, never one that runs ahead: a line is in a log
// only after the vault acknowledged it.
//
// Not thread-safe; one per worker.
#ifndef CVAULT_TESTS_STRESS_PEER_LOGS_H_
#define CVAULT_TESTS_STRESS_PEER_LOGS_H_

#include <filesystem>
#include <string>
#include <vector>

#include "tests/stress/ack_log.h"
#include "tests/stress/ack_model.h"

namespace cvault::stress {

class PeerLogs {
 public:
  explicit PeerLogs(const std::vector<std::filesystem::path>& files);

  // Reads the lines added since the last call.
  void Refresh();

  const AckModel& model() const { return model_; }
  // Ids in the order their creation was acknowledged.
  const std::vector<std::string>& customers() const { return customers_; }
  const std::vector<std::string>& refund_cases() const { return refund_cases_; }

 private:
  std::vector<AckReader> readers_;
  AckModel model_;
  std::vector<std::string> customers_;
  std::vector<std::string> refund_cases_;
};

}  // namespace cvault::stress

#endif  // CVAULT_TESTS_STRESS_PEER_LOGS_H_
