// Blind-index rotation through Vault::operations(): lookups keep working
// before, during and after it, writes made between its batches are indexed
// under the new key, it resumes after an interruption and a restart, and a
// keyring that cannot be saved changes nothing. Rotations racing other
// threads are in tests/threads/key_jobs_test.cc.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "tests/vault/key_ops_fixture.h"

namespace cvault {
namespace {

using testing::AccountService;
using testing::Dpo;
using testing::InterruptAfterFirstBatch;
using testing::Interrupted;
using testing::KeyOpsTest;
using testing::KeyringSavesFail;
using testing::Operator;
using testing::Person;
using testing::PersonNumber;

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

}  // namespace
}  // namespace cvault
