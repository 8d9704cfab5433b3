// Several processes on one vault at once: four workers create, read,
// update, consent, open and move (shared) refund cases and erase, while one
// of them rotates the KEK, one purges and (embedded) one takes a backup.
// Afterwards every operation the vault acknowledged to any of them must
// hold, and the audit log must verify. Once on an embedded vault, and once
// as a fleet on PostgreSQL: four "hosts", each with its own local folder,
// on the test cluster's primary.
#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "tests/stress/ack_model.h"
#include "tests/stress/stress_fixture.h"
#include "tests/testing/pg_cluster.h"

namespace cvault::stress {
namespace {

using namespace std::chrono_literals;

constexpr int kWorkers = 4;
constexpr int kOpsPerWorker = 60;
// Far beyond what 4 x 60 operations take under ASan on 2 shared cores; a
// worker still running then is stuck (e.g. a lock never released).
constexpr auto kDeadline = 240s;

class MultiProcessStressTest : public StressTest {
 protected:
  // Runs the four workers, then the verifier, and checks the audit log.
  void RunFourWorkersAndVerify() {
    std::vector<std::filesystem::path> acks;
    for (int w = 0; w < kWorkers; ++w)
      acks.push_back(dir_ / ("worker-" + std::to_string(w) + ".ack"));
    std::vector<testing::ChildProcess*> running;
    const auto started = std::chrono::steady_clock::now();
    for (int w = 0; w < kWorkers; ++w) {
      std::vector<std::string> args = {
          "--ack",  acks[w].string(),         "--worker", std::to_string(w),
          "--seed", std::to_string(7000 + w), "--ops",    std::to_string(kOpsPerWorker)};
      for (int peer = 0; peer < kWorkers; ++peer) {
        if (peer != w) args.insert(args.end(), {"--peer-ack", acks[peer].string()});
      }
      // The jobs start a little into the run, while the others write.
      if (w == 1) args.insert(args.end(), {"--rotate-kek-at", "10", "--rotate-batch", "5"});
      if (w == 2) args.insert(args.end(), {"--purge-at", "30"});
      if (w == 3 && paths_.pg_dsn.empty()) {
        args.insert(args.end(),
                    {"--backup-at", "20", "--backup-dir", (dir_ / "backup").string()});
      }
      // On a server each worker is a host of its own: its own local folder.
      if (!paths_.pg_dsn.empty()) {
        args.insert(args.end(), {"--vault", (dir_ / ("host-" + std::to_string(w))).string()});
      }
      running.push_back(&Start(args, dir_ / ("worker-" + std::to_string(w) + ".out")));
    }
    for (int w = 0; w < kWorkers; ++w) {
      std::optional<int> status;
      while (!(status = running[w]->Poll()) &&
             std::chrono::steady_clock::now() - started < kDeadline) {
        std::this_thread::sleep_for(20ms);
      }
      ASSERT_TRUE(status.has_value())
          << "worker " << w << " still runs after " << kDeadline.count() << " s";
      const std::string output = ReadText(dir_ / ("worker-" + std::to_string(w) + ".out"));
      EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
          << "worker " << w << " " << testing::DescribeWaitStatus(*status) << ":\n"
          << output;
      std::cout << output;
    }
    std::cout << "workers took "
              << std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::steady_clock::now() - started)
                     .count()
              << " ms\n";

    // The workload did what it is meant to, or passing would prove little.
    AckModel model;
    for (const auto& ack : acks) model.AddFile(ack);
    auto acknowledged = [&](AckKind kind) {
      auto it = model.acknowledged_by_kind().find(kind);
      return it == model.acknowledged_by_kind().end() ? 0u : it->second;
    };
    EXPECT_GE(acknowledged(AckKind::kCreate), 24u);
    EXPECT_GE(acknowledged(AckKind::kUpdate), 10u);
    EXPECT_GE(acknowledged(AckKind::kConsent), 10u);
    EXPECT_GE(acknowledged(AckKind::kErase), 3u);
    EXPECT_GE(acknowledged(AckKind::kRefundOpen), 4u);
    EXPECT_GE(acknowledged(AckKind::kRefundMove), 8u);
    EXPECT_EQ(acknowledged(AckKind::kRotate), 1u)
        << "the KEK rotation was not acknowledged";
    EXPECT_EQ(acknowledged(AckKind::kPurge), 1u) << "the purge was not acknowledged";
    EXPECT_EQ(acknowledged(AckKind::kBackup), paths_.pg_dsn.empty() ? 1u : 0u)
        << "the backup was not acknowledged";

    // The verifier is the worker program's --verify mode: another process
    // again, opening the vault the workers left.
    std::vector<std::string> verify = {"--verify"};
    for (const auto& ack : acks) verify.insert(verify.end(), {"--ack", ack.string()});
    const auto verify_started = std::chrono::steady_clock::now();
    const int status = Start(verify, dir_ / "verify.out").Wait();
    const std::string report = ReadText(dir_ / "verify.out");
    std::cout << report << "verification took "
              << std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::steady_clock::now() - verify_started)
                     .count()
              << " ms\n";
    EXPECT_NE(report.find(", 0 failures"), std::string::npos) << report;
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
        << "the verifier " << testing::DescribeWaitStatus(status);

    ExpectAuditChainVerifies("stress-test");
  }
};

// The same on PostgreSQL, the workers as four hosts.
class FleetStressTest : public MultiProcessStressTest {
 protected:
  std::string PgDsn() override { return testing::TestPrimaryDsn(); }
};

TEST_F(MultiProcessStressTest, FourWorkersAtOnceLoseNothingAcknowledged) {
  RunFourWorkersAndVerify();
}

TEST_F(FleetStressTest, FourHostsOnOneServerLoseNothingAcknowledged) {
  RunFourWorkersAndVerify();
}

}  // namespace
}  // namespace cvault::stress
