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
// Bytes of a failed worker's output quoted in its failure.
constexpr std::size_t kOutputShown = 4000;

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

  // Runs one worker with a fresh seed, kills it, and checks what it touched
  // plus a sample of what came before.
  void RunRound(std::uint64_t round) {
    acks_.push_back(dir_ / ("run-" + std::to_string(round) + ".ack"));
    bool killed = KillWorker(round, WorkerArgs(round));
    std::vector<AckRecord> lines = model_.AddFile(acks_.back());
    if (killed) {
      // What the kill interrupted: start-up and open, or the call whose
      // attempt is the log's last line.
      if (lines.empty()) {
        ++interrupted_["start-up or open"];
      } else if (lines.back().attempt) {
        ++interrupted_[std::string(AckKindName(lines.back().kind))];
      }
    }
    VerifyRequest request = Request();
    request.scope.everything = false;
    request.problems_from = problems_seen_;
    request.verify_audit = VerifiesAuditAfter(round);
    std::vector<std::string> touched;
    for (const AckRecord& line : lines) {
      if (line.kind == AckKind::kRotate) request.finish_rotation = true;
      if (line.kind == AckKind::kRotate || line.kind == AckKind::kPurge ||
          line.kind == AckKind::kBackup) {
        if (!line.attempt) request.scope.jobs.push_back(line);
      } else if (!line.id.empty() && request.scope.ids.insert(line.id).second) {
        touched.push_back(line.id);
      }
    }
    std::sample(earlier_ids_.begin(), earlier_ids_.end(),
                std::inserter(request.scope.ids, request.scope.ids.end()),
                kSampledPerRound, sampler_);
    earlier_ids_.insert(earlier_ids_.end(), touched.begin(), touched.end());
    Verify(request, "round " + std::to_string(round));
  }

  // Checks everything the logs acknowledged.
  void FinalCheck() {
    VerifyRequest request = Request();
    request.finish_rotation = model_.rotation_attempted();
    request.problems_from = problems_seen_;
    final_summary_ = Verify(request, "final check").Summary();
  }

  void PrintTotals(std::uint64_t rounds, Clock::duration took) const {
    std::cout << "kills: " << kills_ << ", acknowledged operations checked: " << checked_
              << ", failures: " << failures_.size() << "\n"
              << "rounds: " << rounds << " (seed " << seed_ << ") in " << Seconds(took)
              << " s, verifying " << Seconds(verifying_) << " s (finishing KEK rotations "
              << Seconds(verifying_rotations_)
              << " s); KEK rotations started: " << rotations_started_
              << ", resumed after a kill: " << rotations_resumed_
              << "; audit chain verified " << audit_verifications_
              << " times; final check: " << final_summary_ << "\nkills interrupted:";
    for (const auto& [what, n] : interrupted_) std::cout << " " << what << "=" << n;
    std::cout << "\n";
  }

  std::string FirstFailures() const {
    std::string shown;
    for (std::size_t i = 0; i < failures_.size() && i < kFailuresShown; ++i) {
      shown += failures_[i] + "\n";
    }
    return shown;
  }

  std::uint64_t Acknowledged(AckKind kind) const {
    auto it = model_.acknowledged_by_kind().find(kind);
    return it == model_.acknowledged_by_kind().end() ? 0 : it->second;
  }

  std::uint64_t seed_ = FromEnvironment("CVAULT_CRASH_SEED", kDefaultSeed);
  // The plan (delays, jobs, worker numbers) comes from one generator and
  // the sample of older records from another, so a seed names one plan
  // however many records the runs happen to acknowledge.
  std::mt19937_64 plan_{seed_};
  std::mt19937_64 sampler_{seed_ + 1};
  AckModel model_;
  std::vector<std::filesystem::path> acks_;
  std::vector<std::string> earlier_ids_;  // records of earlier rounds
  std::optional<AuditCheckpoint> trusted_;
  std::size_t problems_seen_ = 0;  // the model's problems already reported
  std::vector<std::string> failures_;
  std::uint64_t kills_ = 0;
  std::uint64_t checked_ = 0;
  std::uint64_t rotations_started_ = 0;
  std::uint64_t rotations_resumed_ = 0;  // interrupted, finished by the verifier
  std::uint64_t audit_verifications_ = 0;
  std::map<std::string, std::uint64_t> interrupted_;
  Clock::duration verifying_{};
  Clock::duration verifying_rotations_{};  // of checks that finished a rotation
  std::string final_summary_;

 private:
  // A fresh seed per run keeps emails unique; the worker number varies the
  // workload with the harness seed. Jobs start in one run in eight each.
  std::vector<std::string> WorkerArgs(std::uint64_t round) {
    std::vector<std::string> args = {
        "--ack",  acks_.back().string(),     "--worker", std::to_string(plan_() % 10000),
        "--seed", std::to_string(round + 1), "--ops",    "400"};
    // The two runs before share their refund cases and customers.
    for (std::size_t back = 2; back <= 3 && back <= acks_.size(); ++back) {
      args.insert(args.end(), {"--peer-ack", acks_[acks_.size() - back].string()});
    }
    std::uniform_int_distribution<int> early(0, 8);
    auto one_in_eight = [&] {
      return std::uniform_int_distribution<int>(0, 7)(plan_) == 0;
    };
    if (one_in_eight()) {
      ++rotations_started_;
      // Small batches make the rotation long enough to be killed half-way.
      args.insert(args.end(), {"--rotate-kek-at", std::to_string(early(plan_)),
                               "--rotate-batch", "2"});
    }
    if (one_in_eight()) {
      args.insert(args.end(),
                  {"--backup-at", std::to_string(early(plan_)), "--backup-dir",
                   (dir_ / ("backup-" + std::to_string(round))).string()});
    }
    if (one_in_eight()) {
      args.insert(args.end(), {"--purge-at", std::to_string(early(plan_))});
    }
    return args;
  }

  // Starts the worker and SIGKILLs it (one time in five during start-up,
  // otherwise after its first line); true when the kill found it running.
  bool KillWorker(std::uint64_t round, const std::vector<std::string>& args) {
    testing::ChildProcess& worker = Start(args, dir_ / "workers.out");
    const bool in_startup = std::uniform_int_distribution<int>(0, 4)(plan_) == 0;
    const auto delay = std::chrono::microseconds(std::uniform_int_distribution<int>(
        0, in_startup ? kStartupMicros : kWorkMicros)(plan_));
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
    if (in_startup || run_until(Clock::now() + kFirstLineLimit,
                                [&] { return FileSize(acks_.back()) > 0; })) {
      run_until(Clock::now() + delay, [] { return false; });
    }
    const int status = worker.KillAndReap();
    workers_.clear();
    if (!ended) {
      ++kills_;
      return true;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      // Killed workers print nothing, so the output ends with this one's
      // (a sanitizer report, or why it could not run).
      const std::string output = ReadText(dir_ / "workers.out");
      failures_.push_back(
          "round " + std::to_string(round) + ": the worker " +
          testing::DescribeWaitStatus(status) + "; its output ends:\n" +
          output.substr(output.size() -
                        std::min<std::size_t>(output.size(), kOutputShown)));
    }
    return false;
  }

  VerifyRequest Request() const {
    VerifyRequest request;
    request.paths = paths_;
    request.durability = durability();
    request.trusted = trusted_;
    return request;
  }

  VerifyReport Verify(const VerifyRequest& request, const std::string& when) {
    const auto started = Clock::now();
    VerifyReport report = VerifyVault(request, model_);
    verifying_ += Clock::now() - started;
    if (request.finish_rotation) verifying_rotations_ += Clock::now() - started;
    problems_seen_ = model_.problems().size();
    checked_ += report.checked;
    if (report.rotation_resumed) ++rotations_resumed_;
    if (request.verify_audit) ++audit_verifications_;
    for (const std::string& failure : report.failures) {
      failures_.push_back(when + ": " + failure);
    }
    if (report.checkpoint) trusted_ = report.checkpoint;
    return report;
  }
};

TEST_F(CrashHarnessTest, SigkillAtAnyMomentLosesNothingAcknowledged) {
  const std::uint64_t rounds = FromEnvironment("CVAULT_CRASH_KILLS", kDefaultKills);
  const auto started = Clock::now();
  for (std::uint64_t round = 0; round < rounds; ++round) RunRound(round);
  FinalCheck();
  PrintTotals(rounds, Clock::now() - started);
  EXPECT_TRUE(failures_.empty()) << failures_.size() << " failures; the first ones:\n"
                                 << FirstFailures();

  // The runs did what they are meant to, or passing would prove little.
  EXPECT_GE(kills_, rounds * 3 / 4) << "most workers should die by the kill";
  EXPECT_GT(Acknowledged(AckKind::kCreate), rounds);
  EXPECT_GT(Acknowledged(AckKind::kErase), 0u);
  EXPECT_GT(Acknowledged(AckKind::kConsent), 0u);
  EXPECT_GT(Acknowledged(AckKind::kRefundMove), 0u);
  EXPECT_GT(rotations_started_, 0u);
}

}  // namespace
}  // namespace cvault::stress
