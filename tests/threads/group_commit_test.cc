// The group committer on its own (src/vault/group_commit.h), with a commit
// function the test controls: entries handed in while a commit runs share
// the next commit, each Submit returns that commit's status, and a failed
// group fails every call in it and no other.
#include "vault/group_commit.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

namespace cvault::internal {
namespace {

// A commit function that records each group's request ids and can be held
// at the start of its first run until the test lets it go.
class ScriptedCommit {
 public:
  Status operator()(std::span<const GroupCommitter::Entry> entries) {
    std::unique_lock lock(mu_);
    std::vector<std::string> ids;
    for (const auto& e : entries) ids.push_back(e.ctx->request_id);
    groups_.push_back(ids);
    const std::size_t index = groups_.size() - 1;
    started_.notify_all();
    released_.wait(lock, [&] { return index != 0 || released_first_; });
    return index == fail_group_ ? Status::Unavailable("the disk went away") : Status::Ok();
  }
  void WaitForFirstStart() {
    std::unique_lock lock(mu_);
    started_.wait(lock, [&] { return !groups_.empty(); });
  }
  void ReleaseFirst() {
    std::lock_guard lock(mu_);
    released_first_ = true;
    released_.notify_all();
  }
  void FailGroup(std::size_t index) { fail_group_ = index; }
  std::vector<std::vector<std::string>> groups() {
    std::lock_guard lock(mu_);
    return groups_;
  }

 private:
  std::mutex mu_;
  std::condition_variable started_, released_;
  bool released_first_ = false;
  std::size_t fail_group_ = ~std::size_t{0};
  std::vector<std::vector<std::string>> groups_;
};

struct Call {
  AccessContext ctx;
  audit::AuditEvent event;
  Status status = Status::Internal("not run");
};

Call MakeCall(std::string id) {
  Call c;
  c.ctx.request_id = std::move(id);
  c.event.action = "customer.read";
  return c;
}

// One call commits while `late` more are handed in; returns them all run.
std::vector<Call> RunHeldThenLate(ScriptedCommit& script, GroupCommitter& committer,
                                  int late) {
  std::vector<Call> calls;
  for (int i = 0; i <= late; ++i) calls.push_back(MakeCall("r" + std::to_string(i)));
  std::vector<std::thread> threads;
  threads.emplace_back([&] { calls[0].status = committer.Submit({&calls[0].ctx, &calls[0].event}); });
  script.WaitForFirstStart();
  for (int i = 1; i <= late; ++i) {
    threads.emplace_back(
        [&, i] { calls[i].status = committer.Submit({&calls[i].ctx, &calls[i].event}); });
  }
  // Every late call is waiting in the open group before the first commit
  // ends.
  while (committer.waiting() < static_cast<std::size_t>(late)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  script.ReleaseFirst();
  for (auto& t : threads) t.join();
  return calls;
}

TEST(GroupCommitTest, ALoneCallCommitsItsOwnEntryAtOnce) {
  ScriptedCommit script;
  script.ReleaseFirst();
  GroupCommitter committer([&](auto entries) { return script(entries); });
  for (int i = 0; i < 3; ++i) {
    Call c = MakeCall("alone" + std::to_string(i));
    EXPECT_TRUE(committer.Submit({&c.ctx, &c.event}).ok());
  }
  auto groups = script.groups();
  ASSERT_EQ(groups.size(), 3u);
  for (const auto& g : groups) EXPECT_EQ(g.size(), 1u);
  EXPECT_EQ(committer.counts().groups, 3u);
  EXPECT_EQ(committer.counts().entries, 3u);
}

TEST(GroupCommitTest, CallsHandedInDuringACommitShareTheNextOne) {
  ScriptedCommit script;
  GroupCommitter committer([&](auto entries) { return script(entries); });
  constexpr int kLate = 6;
  auto calls = RunHeldThenLate(script, committer, kLate);
  for (const Call& c : calls) EXPECT_TRUE(c.status.ok()) << c.status.ToString();
  auto groups = script.groups();
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0], std::vector<std::string>{"r0"});
  EXPECT_EQ(groups[1].size(), static_cast<std::size_t>(kLate));
  EXPECT_EQ(committer.counts().entries, static_cast<std::size_t>(kLate + 1));
}

TEST(GroupCommitTest, AFailedGroupFailsEveryCallInItAndNoOther) {
  ScriptedCommit script;
  script.FailGroup(1);
  GroupCommitter committer([&](auto entries) { return script(entries); });
  auto calls = RunHeldThenLate(script, committer, 5);
  EXPECT_TRUE(calls[0].status.ok());
  for (std::size_t i = 1; i < calls.size(); ++i) {
    EXPECT_EQ(calls[i].status.code(), StatusCode::kUnavailable) << i;
  }
  // The committer is usable again after a failed group.
  Call after = MakeCall("after");
  EXPECT_TRUE(committer.Submit({&after.ctx, &after.event}).ok());
}

TEST(GroupCommitTest, EveryEntryOfManyThreadsIsCommittedExactlyOnce) {
  std::mutex mu;
  std::multiset<std::string> committed;
  GroupCommitter committer([&](std::span<const GroupCommitter::Entry> entries) {
    std::lock_guard lock(mu);
    for (const auto& e : entries) committed.insert(e.ctx->request_id);
    return Status::Ok();
  });
  constexpr int kThreads = 8;
  constexpr int kEach = 200;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        Call c = MakeCall("t" + std::to_string(t) + "-" + std::to_string(i));
        ASSERT_TRUE(committer.Submit({&c.ctx, &c.event}).ok());
      }
    });
  }
  for (auto& th : threads) th.join();
  ASSERT_EQ(committed.size(), static_cast<std::size_t>(kThreads * kEach));
  for (const auto& id : committed) ASSERT_EQ(committed.count(id), 1u) << id;
  EXPECT_EQ(committer.counts().entries, static_cast<std::size_t>(kThreads * kEach));
  EXPECT_LE(committer.counts().groups, committer.counts().entries);
}

}  // namespace
}  // namespace cvault::internal
