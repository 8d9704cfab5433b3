// A worker SIGKILLed again and again on one vault: after every kill the
// vault must open, and everything it acknowledged before the kill must still
// hold (erased stays erased, withdrawn stays withdrawn, refund moves stay),
// an interrupted KEK rotation must finish, and the audit chain must verify
// and still contain the checkpoint the previous verification signed.
//
// Each round checks every line of the killed run's log plus a bounded random
// sample of the older ones, and the end checks them all, so the cost grows
// linearly with the number of kills. CI runs kDefaultKills; a soak run sets
// CVAULT_CRASH_KILLS (and CVAULT_CRASH_SEED for another sequence), e.g.
//   CVAULT_CRASH_KILLS=5000 ./cvault_stress_tests --gtest_filter='Crash*'
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <iterator>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/stress/ack_model.h"
#include "tests/stress/stress_fixture.h"
#include "tests/stress/verifier.h"

namespace cvault::stress {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr std::uint64_t kDefaultKills = 200;
constexpr std::uint64_t kDefaultSeed = 20260115;
// Older records re-checked after each kill.
constexpr std::size_t kSampledPerRound = 10;
// Failure lines printed in full; the rest are counted.
constexpr std::size_t kFailuresShown = 40;

std::uint64_t FromEnvironment(const char* name, std::uint64_t fallback) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') return fallback;
  return std::strtoull(text, nullptr, 10);
}

// A worker built with ASan needs 350-600 ms (on 2 busy cores) to start,
// open the vault and write its first line. One kill in five lands in that
// time (exec, sanitizer start-up, opening the vault, replaying the erasure
// ledger), within kStartupMicros of the start; the others land within
// kWorkMicros after the first line, while the worker is at work, however
// long its start took.
constexpr int kStartupMicros = 500'000;
constexpr int kWorkMicros = 300'000;
// A worker that writes nothing for this long is killed anyway.
constexpr auto kFirstLineLimit = 20s;

std::uintmax_t FileSize(const std::filesystem::path& file) {
  std::error_code ec;
  const std::uintmax_t size = std::filesystem::file_size(file, ec);
  return ec ? 0 : size;
}

// Walking the audit chain costs time in proportion to its length, so after
// the first kAuditEveryRound rounds the chain is verified every second
// round, then every third, ...: O(n log n) for n rounds instead of O(n^2).
// The final check always verifies it. A break is still caught, at most a
// few rounds late, and the trusted checkpoint spans those rounds.
constexpr std::uint64_t kAuditEveryRound = 50;
bool VerifiesAuditAfter(std::uint64_t round) {
  return round % (1 + round / kAuditEveryRound) == 0;
}

double Seconds(Clock::duration d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d).count() / 1000.0;
}

class CrashHarnessTest : public StressTest {
 protected:
  // A SIGKILL is a process crash, not a power loss: NORMAL keeps it fast.
  Durability durability() const override { return Durability::kNormal; }
};

TEST_F(CrashHarnessTest, SigkillAtAnyMomentLosesNothingAcknowledged) {
  const std::uint64_t rounds = FromEnvironment("CVAULT_CRASH_KILLS", kDefaultKills);
  const std::uint64_t seed = FromEnvironment("CVAULT_CRASH_SEED", kDefaultSeed);
  // The plan (delays, jobs, worker numbers) comes from one generator and
  // the sample of older records from another, so a seed names one plan
  // however many records the runs happen to acknowledge.
  std::mt19937_64 rng(seed);
  std::mt19937_64 sampler(seed + 1);
  const auto started = Clock::now();

  AckModel model;
  std::optional<AuditCheckpoint> trusted;
  std::vector<std::string> checked_before;  // ids of records from earlier rounds
  std::vector<std::filesystem::path> acks;
  std::vector<std::string> failures;
  std::uint64_t kills = 0;
  std::uint64_t checked = 0;
  std::uint64_t rotations_started = 0;
  std::uint64_t rotations_resumed = 0;  // interrupted, finished by the verifier
  Clock::duration verifying{};
  Clock::duration verifying_rotations{};  // of rounds that finished a rotation
  std::map<std::string, std::uint64_t> interrupted;
  std::uint64_t audit_verifications = 1;  // the final check's

  for (std::uint64_t round = 0; round < rounds; ++round) {
    const std::string name = "run-" + std::to_string(round);
    acks.push_back(dir_ / (name + ".ack"));
    // A fresh seed per run keeps emails unique; the worker number varies
    // the workload with the harness seed.
    std::vector<std::string> args = {
        "--ack",  acks.back().string(),      "--worker", std::to_string(rng() % 10000),
        "--seed", std::to_string(round + 1), "--ops",    "400"};
    // The two runs before share their refund cases and customers.
    for (std::size_t back = 2; back <= 3 && back <= acks.size(); ++back) {
      args.insert(args.end(), {"--peer-ack", acks[acks.size() - back].string()});
    }
    std::uniform_int_distribution<int> early(0, 8);
    std::uniform_int_distribution<int> one_in(0, 7);
    if (one_in(rng) == 0) {
      ++rotations_started;
      // Small batches make the rotation long enough to be killed half-way.
      args.insert(args.end(),
                  {"--rotate-kek-at", std::to_string(early(rng)), "--rotate-batch", "2"});
    }
    if (one_in(rng) == 0) {
      args.insert(args.end(), {"--backup-at", std::to_string(early(rng)), "--backup-dir",
                               (dir_ / ("backup-" + std::to_string(round))).string()});
    }
    if (one_in(rng) == 0)
      args.insert(args.end(), {"--purge-at", std::to_string(early(rng))});

    testing::ChildProcess& worker = Start(args, dir_ / "workers.out");
    const bool kill_in_startup = std::uniform_int_distribution<int>(0, 4)(rng) == 0;
    const auto delay = std::chrono::microseconds(std::uniform_int_distribution<int>(
        0, kill_in_startup ? kStartupMicros : kWorkMicros)(rng));
    bool ended = false;
    // Polls until `done` or `deadline`; false when the worker ended first.
    auto run_until = [&](Clock::time_point deadline, auto done) {
      while (!done() && Clock::now() < deadline) {
        if ((ended = worker.Poll().has_value())) return false;
        std::this_thread::sleep_for(
            std::min<Clock::duration>(1ms, deadline - Clock::now()));
      }
      return true;
    };
    if (kill_in_startup || run_until(Clock::now() + kFirstLineLimit,
                                     [&] { return FileSize(acks.back()) > 0; })) {
      run_until(Clock::now() + delay, [] { return false; });
    }
    if (!ended) ++kills;
    const int status = worker.KillAndReap();
    if (ended && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
      failures.push_back("round " + std::to_string(round) + ": the worker " +
                         testing::DescribeWaitStatus(status));
    }
    workers_.clear();

    // Everything the killed run touched, plus a sample of what came before.
    const std::size_t problems_before = model.problems().size();
    VerifyRequest request;
    request.paths = paths_;
    request.durability = durability();
    request.scope.everything = false;
    request.trusted = trusted;
    request.problems_from = problems_before;
    request.verify_audit = VerifiesAuditAfter(round);
    if (request.verify_audit) ++audit_verifications;
    std::vector<std::string> touched;
    const std::vector<AckRecord> lines = model.AddFile(acks.back());
    if (!ended) {
      // What the kill interrupted: start-up and open, or the call whose
      // attempt is the last line.
      if (lines.empty()) {
        ++interrupted["start-up or open"];
      } else if (lines.back().attempt) {
        ++interrupted[std::string(AckKindName(lines.back().kind))];
      }
    }
    for (const AckRecord& line : lines) {
      if (line.kind == AckKind::kRotate) request.finish_rotation = true;
      if (line.kind == AckKind::kRotate || line.kind == AckKind::kPurge ||
          line.kind == AckKind::kBackup) {
        if (!line.attempt) request.scope.jobs.push_back(line);
        continue;
      }
      if (!line.id.empty() && request.scope.ids.insert(line.id).second) {
        touched.push_back(line.id);
      }
    }
    std::sample(checked_before.begin(), checked_before.end(),
                std::inserter(request.scope.ids, request.scope.ids.end()),
                kSampledPerRound, sampler);
    checked_before.insert(checked_before.end(), touched.begin(), touched.end());

    const auto verify_started = Clock::now();
    VerifyReport report = VerifyVault(request, model);
    verifying += Clock::now() - verify_started;
    if (request.finish_rotation) verifying_rotations += Clock::now() - verify_started;
    checked += report.checked;
    if (report.rotation_resumed) ++rotations_resumed;
    for (const std::string& failure : report.failures) {
      failures.push_back("round " + std::to_string(round) + ": " + failure);
    }
    if (report.checkpoint) trusted = report.checkpoint;
  }

  // Everything, once more, at the end.
  VerifyRequest last;
  last.paths = paths_;
  last.durability = durability();
  last.finish_rotation = model.rotation_attempted();
  last.trusted = trusted;
  last.problems_from = model.problems().size();  // reported in their round
  VerifyReport final_report = VerifyVault(last, model);
  checked += final_report.checked;
  for (const std::string& failure : final_report.failures) {
    failures.push_back("final check: " + failure);
  }

  std::cout << "kills: " << kills << ", acknowledged operations checked: " << checked
            << ", failures: " << failures.size() << "\n"
            << "rounds: " << rounds << " (seed " << seed << ") in "
            << Seconds(Clock::now() - started) << " s, verifying " << Seconds(verifying)
            << " s (finishing KEK rotations " << Seconds(verifying_rotations)
            << " s); KEK rotations started: " << rotations_started
            << ", resumed after a kill: " << rotations_resumed
            << "; audit chain verified " << audit_verifications
            << " times; final check: " << final_report.Summary() << "\n";
  std::cout << "kills that interrupted:";
  for (const auto& [what, n] : interrupted) std::cout << " " << what << "=" << n;
  std::cout << "\n";
  std::string shown;
  for (std::size_t i = 0; i < failures.size() && i < kFailuresShown; ++i) {
    shown += failures[i] + "\n";
  }
  EXPECT_TRUE(failures.empty()) << failures.size() << " failures; the first ones:\n"
                                << shown;

  // The runs did what they are meant to, or passing would prove little.
  auto acknowledged = [&](AckKind kind) {
    auto it = model.acknowledged_by_kind().find(kind);
    return it == model.acknowledged_by_kind().end() ? 0u : it->second;
  };
  EXPECT_GE(kills, rounds * 3 / 4) << "most workers should die by the kill";
  EXPECT_GT(acknowledged(AckKind::kCreate), rounds);
  EXPECT_GT(acknowledged(AckKind::kErase), 0u);
  EXPECT_GT(acknowledged(AckKind::kConsent), 0u);
  EXPECT_GT(acknowledged(AckKind::kRefundMove), 0u);
  EXPECT_GT(rotations_started, 0u);
}

}  // namespace
}  // namespace cvault::stress
