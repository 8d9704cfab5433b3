// Key jobs racing other threads on one vault: reads and writes keep working
// during a KEK rotation and a blind-index rotation (writes made meanwhile
// stay findable), and two overlapping jobs of one kind stay harmless.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "tests/vault/key_ops_fixture.h"

namespace cvault {
namespace {

using namespace std::chrono_literals;
using testing::AccountService;
using testing::KeyOpsDeathTest;
using testing::KeyOpsTest;
using testing::Operator;
using testing::Person;
using testing::PersonNumber;
using testing::WaitForWriterBetweenBatches;

TEST_F(KeyOpsTest, ReadsAndWritesKeepWorkingDuringRotateKek) {
  std::vector<Person> people = AddPeople(200);
  ASSERT_EQ(people.size(), 200u);
  std::atomic<bool> rotation_done{false};
  std::atomic<int> calls{0};
  std::mutex mu;
  std::vector<std::string> failures;  // guarded by mu
  std::vector<Person> written;        // guarded by mu
  std::thread writer([&] {
    for (int i = 0; !rotation_done.load(); ++i) {
      Person p{CustomerId(), PersonNumber(1000 + i), "", ""};
      auto id = vault_->customers().Create(AccountService(), p.data);
      const Person& old = people[static_cast<std::size_t>(i) % people.size()];
      auto record = vault_->customers().Get(AccountService(), old.id);
      std::lock_guard lock(mu);
      if (id) {
        p.id = *id;
        written.push_back(std::move(p));
      } else {
        failures.push_back("create: " + id.error().ToString());
      }
      if (!record) {
        failures.push_back("get: " + record.error().ToString());
      } else if (record->fields[CustomerField::kFullName] != old.data.full_name) {
        failures.push_back("get returned another name");
      }
      ++calls;
    }
  });
  // Between batches, wait until the writer got a call through, so the calls
  // provably interleave with the rotation.
  int batches_without_writer = 0;
  ProgressFn wait_for_writer = WaitForWriterBetweenBatches(calls, batches_without_writer);
  auto result = vault_->operations().RotateKek(Operator(), wait_for_writer, /*batch=*/5);
  rotation_done = true;
  writer.join();

  ASSERT_TRUE(result.has_value()) << result.error().ToString();
  EXPECT_EQ(batches_without_writer, 0);
  EXPECT_TRUE(failures.empty())
      << failures.size() << " failures, first: " << failures.front();
  EXPECT_GE(calls.load(), 200 / 5);
  EXPECT_GE(result->rewrapped, 200u);  // plus what the writer made before the new KEK
  EXPECT_EQ(result->retired, std::vector<std::uint32_t>{1});
  const std::uint64_t all_keys = people.size() + written.size();
  EXPECT_EQ(DataKeysByKek(), (std::map<std::uint32_t, std::uint64_t>{{2, all_keys}}));
  Reopen();
  ReadAll(people);
  ReadAll(written);
  ExpectNoPersonalDataLogged(people);
}

TEST_F(KeyOpsTest, ConcurrentWritesDuringBlindIndexRotationStayFindable) {
  std::vector<Person> people = AddPeople(100);
  ASSERT_EQ(people.size(), 100u);
  std::vector<std::string> first_emails;
  for (const Person& p : people) first_emails.push_back(p.data.email);
  std::atomic<bool> rotation_done{false};
  std::atomic<int> calls{0};
  std::mutex mu;
  std::vector<std::string> failures;  // guarded by mu
  std::vector<Person> written;        // guarded by mu
  std::thread writer([&] {
    for (int i = 0; !rotation_done.load(); ++i) {
      Person p{CustomerId(), PersonNumber(2000 + i), "", ""};
      auto id = vault_->customers().Create(AccountService(), p.data);
      // Moves customers on both sides of the rebuild's cursor.
      Person& moved = people[static_cast<std::size_t>(i * 37) % people.size()];
      const std::string email =
          "v" + std::to_string(i) + "." +
          first_emails[static_cast<std::size_t>(i * 37) % people.size()];
      CustomerUpdate u;
      u.email = email;
      Status updated = vault_->customers().Update(AccountService(), moved.id, u);
      auto found = vault_->customers().FindByEmail(AccountService(), email);
      std::lock_guard lock(mu);
      if (id) {
        p.id = *id;
        written.push_back(std::move(p));
      } else {
        failures.push_back("create: " + id.error().ToString());
      }
      if (updated.ok()) {
        moved.data.email = email;
      } else {
        failures.push_back("update: " + updated.ToString());
      }
      if (!found || *found != moved.id) failures.push_back("the new email was not found");
      ++calls;
    }
  });
  int batches_without_writer = 0;
  ProgressFn wait_for_writer = WaitForWriterBetweenBatches(calls, batches_without_writer);
  auto result = vault_->operations().RotateBlindIndex(Operator(), wait_for_writer, 5);
  rotation_done = true;
  writer.join();

  ASSERT_TRUE(result.has_value()) << result.error().ToString();
  EXPECT_EQ(batches_without_writer, 0);
  EXPECT_TRUE(failures.empty())
      << failures.size() << " failures, first: " << failures.front();
  EXPECT_EQ(result->index_version, 2u);
  ExpectLookupsWork(people);
  ExpectLookupsWork(written);
  for (std::size_t i = 0; i < people.size(); ++i) {
    if (people[i].data.email != first_emails[i]) {
      EXPECT_EQ(FindByEmailCode(first_emails[i]), StatusCode::kNotFound);
    }
  }
  Reopen();
  ExpectLookupsWork(people);
  ExpectLookupsWork(written);
}

// Runs job(progress) twice, overlapping: the first run, after its first
// batch, starts the second on another thread and lets it get past its setup
// (or be refused); the second then waits until the first has returned.
template <class Job>
auto RunOverlapped(Job job) {
  using Result = std::invoke_result_t<Job, ProgressFn>;
  std::atomic<bool> second_started{false};
  std::atomic<bool> first_finished{false};
  std::optional<Result> second;
  std::thread other;
  auto wait_until = [](const std::atomic<bool>& flag) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!flag && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(1ms);
    }
  };
  ProgressFn hold_second = [&](const JobProgress& q) {
    if (q.done != 0) return;
    second_started = true;
    wait_until(first_finished);
  };
  ProgressFn start_second = [&](const JobProgress& p) {
    if (p.done == 0 || other.joinable()) return;
    other = std::thread([&] {
      second = job(hold_second);
      second_started = true;
    });
    wait_until(second_started);
  };
  std::optional<Result> first(job(start_second));
  first_finished = true;
  if (other.joinable()) other.join();
  return std::pair(std::move(first), std::move(second));
}

// vault.h: Operations is "Thread-safe; one job at a time": a second job
// started while one runs must be refused (Busy) or finish
// harmlessly. The tests below run it in a child process (KeyOpsDeathTest),
// since a broken library aborts here.

TEST_F(KeyOpsDeathTest, OverlappingBlindIndexRotationsLeaveLookupsWorking) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  auto overlap = [&]() -> int {
    std::vector<Person> people = AddPeople(10);
    auto [first, second] = RunOverlapped([&](ProgressFn progress) {
      return vault_->operations().RotateBlindIndex(Operator(), progress, 2);
    });
    if (!*first) return 10;
    if (!second) return 11;
    if (!*second && second->error().code() != StatusCode::kBusy) return 12;
    for (const Person& p : people) {
      auto found = vault_->customers().FindByEmail(AccountService(), p.data.email);
      if (!found || *found != p.id) return 13;
    }
    NewCustomer late = PersonNumber(99);
    auto id = vault_->customers().Create(AccountService(), late);
    if (!id) return 14;
    auto found = vault_->customers().FindByEmail(AccountService(), late.email);
    if (!found || *found != *id) return 15;
    return 0;
  };
  EXPECT_EXIT(std::_Exit(overlap()), ::testing::ExitedWithCode(0), "");
}

TEST_F(KeyOpsDeathTest, OverlappingKekRotationsLeaveOneKek) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  auto overlap = [&]() -> int {
    std::vector<Person> people = AddPeople(10, 2);
    auto [first, second] = RunOverlapped([&](ProgressFn progress) {
      return vault_->operations().RotateKek(Operator(), progress, 2);
    });
    if (!*first) return 10;
    if (!second) return 11;
    if (!*second && second->error().code() != StatusCode::kBusy) return 12;
    if (OpenKeyring().kek_versions().size() != 1) return 13;
    for (const Person& p : people) {
      if (!vault_->customers().Get(AccountService(), p.id)) return 14;
    }
    if (DataKeysByKek().size() != 1) return 15;
    Reopen();
    for (const Person& p : people) {
      if (!vault_->customers().Get(AccountService(), p.id)) return 16;
    }
    return 0;
  };
  EXPECT_EXIT(std::_Exit(overlap()), ::testing::ExitedWithCode(0), "");
}

}  // namespace
}  // namespace cvault
