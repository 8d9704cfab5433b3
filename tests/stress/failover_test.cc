// Failover of a vault on PostgreSQL: four workers (four "hosts") write to
// the primary of a cluster of this test's own, whose commits wait for a
// synchronous streaming replica. The primary is SIGKILLed mid-workload, the
// replica promoted, and the verifier, pointed at the promoted server, holds
// it to every operation the vault acknowledged before the kill; the audit
// chain must verify there end to end.
//
// The cluster is this test's own (scripts/pg-cluster, in a folder of the
// test's temporary directory), not the shared test fixture's: killing a
// primary other tests use would fail them. It is stopped in TearDown,
// whatever happened.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/types.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "tests/stress/ack_model.h"
#include "tests/stress/stress_fixture.h"

namespace cvault::stress {
namespace {

using namespace std::chrono_literals;

constexpr int kWorkers = 4;
// The primary dies once the workers have written for at least kWriteTime
// and acknowledged kMinAcknowledged operations between them, so the kill
// lands mid-workload however slowly a loaded machine starts the workers;
// kStartLimit bounds the wait.
constexpr auto kWriteTime = 3s;
constexpr std::size_t kMinAcknowledged = 20;
constexpr auto kStartLimit = 120s;

std::size_t AcknowledgedSoFar(const std::vector<std::filesystem::path>& acks) {
  AckModel model;
  for (const auto& ack : acks) model.AddFile(ack);
  std::size_t acknowledged = 0;
  for (const auto& [kind, count] : model.acknowledged_by_kind()) acknowledged += count;
  return acknowledged;
}

std::string ReadLine(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::string line;
  std::getline(in, line);
  return line;
}

int RunScript(const std::string& args) {
  const std::string command = std::string(CVAULT_SOURCE_DIR) + "/scripts/pg-cluster " + args;
  return std::system(command.c_str());
}

class FailoverTest : public StressTest {
 protected:
  std::string PgDsn() override {
    cluster_ = dir_ / "pg-cluster";
    if (RunScript("start " + cluster_.string()) != 0) {
      throw std::runtime_error("scripts/pg-cluster start failed");
    }
    return ReadLine(cluster_ / "primary.dsn");
  }

  void TearDown() override {
    workers_.clear();
    // Dropping the schemas needs a server; the whole cluster goes anyway.
    paths_.pg_schema.clear();
    if (!cluster_.empty()) {
      EXPECT_EQ(RunScript("stop " + cluster_.string()), 0);
    }
  }

  std::filesystem::path cluster_;
};

TEST_F(FailoverTest, AcknowledgedWritesSurviveAKilledPrimaryOnThePromotedReplica) {
  std::vector<std::filesystem::path> acks;
  for (int w = 0; w < kWorkers; ++w) {
    acks.push_back(dir_ / ("worker-" + std::to_string(w) + ".ack"));
  }
  for (int w = 0; w < kWorkers; ++w) {
    std::vector<std::string> args = {"--ack",  acks[w].string(),          "--worker",
                                     std::to_string(w), "--seed",         std::to_string(9100 + w),
                                     "--ops",  "1000000",                 "--vault",
                                     (dir_ / ("host-" + std::to_string(w))).string()};
    for (int peer = 0; peer < kWorkers; ++peer) {
      if (peer != w) args.insert(args.end(), {"--peer-ack", acks[peer].string()});
    }
    Start(args, dir_ / ("worker-" + std::to_string(w) + ".out"));
  }
  const auto started = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(kWriteTime);
  while (AcknowledgedSoFar(acks) < kMinAcknowledged &&
         std::chrono::steady_clock::now() - started < kStartLimit) {
    std::this_thread::sleep_for(250ms);
  }
  std::cout << "the primary dies after "
            << std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now() - started)
                   .count()
            << " ms of writing\n";

  // The primary dies mid-workload; the workers' calls fail from then on.
  const pid_t primary = static_cast<pid_t>(std::stol(ReadLine(cluster_ / "primary.pid")));
  ASSERT_EQ(::kill(primary, SIGKILL), 0);
  std::this_thread::sleep_for(500ms);
  // What a worker acknowledged is in its log (one write per line, before
  // the next call); anything later is unacknowledged by definition.
  workers_.clear();

  const std::size_t acknowledged = AcknowledgedSoFar(acks);
  std::cout << "acknowledged before the kill: " << acknowledged << "\n";
  ASSERT_GE(acknowledged, kMinAcknowledged) << "the workers did too little to prove anything";

  ASSERT_EQ(RunScript("promote " + cluster_.string()), 0);
  paths_.pg_dsn = ReadLine(cluster_ / "replica.dsn");

  std::vector<std::string> verify = {"--verify"};
  for (const auto& ack : acks) verify.insert(verify.end(), {"--ack", ack.string()});
  const int status = Start(verify, dir_ / "verify.out").Wait();
  const std::string report = ReadText(dir_ / "verify.out");
  std::cout << report;
  EXPECT_NE(report.find(", 0 failures"), std::string::npos) << report;
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
      << "the verifier " << testing::DescribeWaitStatus(status);

  ExpectAuditChainVerifies("failover-test");
}

}  // namespace
}  // namespace cvault::stress
