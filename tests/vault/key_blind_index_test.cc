// Blind-index rotation through Vault::operations(): lookups keep working
// before, during and after it, writes made meanwhile are indexed under the
// new key, it resumes after an interruption and a restart, a keyring that
// cannot be saved changes nothing, and overlapping key jobs stay harmless.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
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
using testing::Dpo;
using testing::InterruptAfterFirstBatch;
using testing::Interrupted;
using testing::KeyOpsDeathTest;
using testing::KeyOpsTest;
using testing::KeyringSavesFail;
using testing::Operator;
using testing::Person;
using testing::PersonNumber;
using testing::WaitForWriterBetweenBatches;

TEST_F(KeyOpsTest, RotateBlindIndexKeepsLookupsWorking) {
  std::vector<Person> people = AddPeople(11);
  Person no_phone{CustomerId(), PersonNumber(11), "", ""};
  no_phone.data.phone.reset();
  auto id = vault_->customers().Create(AccountService(), no_phone.data);
  ASSERT_TRUE(id.has_value()) << id.error().ToString();
  no_phone.id = *id;
  people.push_back(no_phone);
  ASSERT_TRUE(vault_->rights().Restrict(Dpo(), people[4].id).ok());
  ExpectLookupsWork(people);
  std::vector<JobProgress> calls;
  auto result = vault_->operations().RotateBlindIndex(
      Operator(), [&](const JobProgress& p) { calls.push_back(p); }, /*batch=*/5);
  ASSERT_TRUE(result.has_value()) << result.error().ToString();
  EXPECT_EQ(result->index_version, 2u);
  EXPECT_FALSE(result->resumed);
  EXPECT_EQ(result->rebuilt, 12u);
  EXPECT_EQ(result->retired, std::vector<std::uint32_t>{1});
  ASSERT_FALSE(calls.empty());
  EXPECT_EQ(calls.back().stage, "reindex");
  EXPECT_EQ(calls.back().done, 12u);
  EXPECT_EQ(calls.back().total, 12u);
  ExpectLookupsWork(people);
  EXPECT_EQ(FindByEmailCode("nobody@example.com"), StatusCode::kNotFound);
  EXPECT_EQ(OpenKeyring().blind_index_versions(), std::vector<std::uint32_t>{2});
  EXPECT_EQ(OpenKeyring().blind_index_version(), 2u);
  Reopen();
  ExpectLookupsWork(people);
  // A second rotation moves on to version 3.
  auto again = vault_->operations().RotateBlindIndex(Operator(), {}, 5);
  ASSERT_TRUE(again.has_value()) << again.error().ToString();
  EXPECT_EQ(again->index_version, 3u);
  EXPECT_EQ(again->retired, std::vector<std::uint32_t>{2});
  Reopen();
  ExpectLookupsWork(people);
}

TEST_F(KeyOpsTest, WritesDuringBlindIndexRotationAreIndexedUnderTheNewKey) {
  std::vector<Person> people = AddPeople(20);
  // people[2] is in the first batch (already re-indexed when the callback
  // runs), people[15] in a later one.
  const std::string old_email_2 = people[2].data.email;
  const std::string old_email_15 = people[15].data.email;
  std::vector<Person> late;
  bool wrote = false;
  auto write_between_batches = [&](const JobProgress& p) {
    if (p.done == 0 || wrote) return;
    wrote = true;
    late = AddPeople(1, 0, /*first=*/700);
    for (Person* changed : {&people[2], &people[15]}) {
      changed->data.email = "renamed." + changed->data.email;
      CustomerUpdate u;
      u.email = changed->data.email;
      Status updated = vault_->customers().Update(AccountService(), changed->id, u);
      EXPECT_TRUE(updated.ok()) << updated.ToString();
    }
    // During the window, lookups use the old index and see the writes.
    EXPECT_EQ(FindByEmailCode(people[2].data.email), StatusCode::kOk);
    EXPECT_EQ(FindByEmailCode(old_email_2), StatusCode::kNotFound);
  };
  auto result = vault_->operations().RotateBlindIndex(Operator(), write_between_batches,
                                                      /*batch=*/5);
  ASSERT_TRUE(result.has_value()) << result.error().ToString();
  ASSERT_TRUE(wrote);
  ASSERT_EQ(late.size(), 1u);
  EXPECT_EQ(result->index_version, 2u);
  EXPECT_EQ(result->retired, std::vector<std::uint32_t>{1});

  std::vector<Person> everyone = people;
  everyone.push_back(late[0]);
  ExpectLookupsWork(everyone);
  EXPECT_EQ(FindByEmailCode(old_email_2), StatusCode::kNotFound);
  EXPECT_EQ(FindByEmailCode(old_email_15), StatusCode::kNotFound);
  Reopen();
  ExpectLookupsWork(everyone);
  EXPECT_EQ(FindByEmailCode(old_email_2), StatusCode::kNotFound);
  // The old address is free again.
  NewCustomer reuse = PersonNumber(800);
  reuse.email = old_email_2;
  EXPECT_TRUE(vault_->customers().Create(AccountService(), reuse).has_value());
}

TEST_F(KeyOpsTest, RotateBlindIndexResumesAfterAnInterruptionAndRestart) {
  std::vector<Person> people = AddPeople(20);
  EXPECT_THROW((void)vault_->operations().RotateBlindIndex(Operator(),
                                                           InterruptAfterFirstBatch(), 5),
               Interrupted);
  // Interrupted: lookups still use the old index; writes dual-write.
  ExpectLookupsWork(people);
  EXPECT_EQ(OpenKeyring().blind_index_versions(), (std::vector<std::uint32_t>{1, 2}));
  std::vector<Person> before_restart = AddPeople(1, 0, /*first=*/300);
  people[19].data.email = "moved.person19@example.com";
  CustomerUpdate u;
  u.email = people[19].data.email;
  ASSERT_TRUE(vault_->customers().Update(AccountService(), people[19].id, u).ok());

  Reopen();
  ExpectLookupsWork(people);
  ExpectLookupsWork(before_restart);
  std::vector<Person> after_restart = AddPeople(1, 0, /*first=*/301);

  std::vector<JobProgress> calls;
  auto result = vault_->operations().RotateBlindIndex(
      Operator(), [&](const JobProgress& p) { calls.push_back(p); }, 5);
  ASSERT_TRUE(result.has_value()) << result.error().ToString();
  EXPECT_TRUE(result->resumed);
  EXPECT_EQ(result->index_version, 2u);
  // Progress counts this run's work to its end, as for a resumed KEK rotation.
  ASSERT_FALSE(calls.empty());
  EXPECT_EQ(calls.back().done, calls.back().total);
  // The 15 not done before the interruption; the two new customers were
  // indexed under both keys when written.
  EXPECT_EQ(result->rebuilt, 15u);
  EXPECT_EQ(result->retired, std::vector<std::uint32_t>{1});
  ExpectLookupsWork(people);
  ExpectLookupsWork(before_restart);
  ExpectLookupsWork(after_restart);
  EXPECT_EQ(FindByEmailCode("person19@example.com"), StatusCode::kNotFound);
  Reopen();
  ExpectLookupsWork(people);
  ExpectLookupsWork(after_restart);
  EXPECT_EQ(OpenKeyring().blind_index_versions(), std::vector<std::uint32_t>{2});
  EXPECT_EQ(KeyAuditTrail(), (std::vector<std::pair<std::string, std::string>>{
                                 {"keys.rotate_index", "started"},
                                 {"keys.rotate_index", "resumed"},
                                 {"keys.rotate_index", "completed"}}));
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

TEST_F(KeyOpsTest, RotateBlindIndexThatCannotSaveTheKeyringChangesNothing) {
  std::vector<Person> people = AddPeople(3);
  {
    KeyringSavesFail saves_fail(dir_ / "keys");
    auto result = vault_->operations().RotateBlindIndex(Operator(), {}, 2);
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().reason_code(), "keyring_save_failed");
  }
  std::vector<Person> later = AddPeople(2, 0, /*first=*/40);
  Reopen();
  ExpectLookupsWork(people);
  ExpectLookupsWork(later);
  auto retried = vault_->operations().RotateBlindIndex(Operator(), {}, 2);
  ASSERT_TRUE(retried.has_value()) << retried.error().ToString();
  EXPECT_FALSE(retried->resumed);
  EXPECT_EQ(retried->index_version, 2u);
  Reopen();
  ExpectLookupsWork(people);
  ExpectLookupsWork(later);
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
