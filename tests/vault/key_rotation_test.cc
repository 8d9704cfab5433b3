// KEK rotation through Vault::operations(): every data key, the retention
// holds' included, is rewrapped and the old KEK retired; the rotation resumes
// after an interruption or a restart, the vault serves a half-done rotation,
// and a rotation that cannot save the keyring or meets a tampered data key
// stops without losing a key. Rotations racing other threads are in
// tests/threads/key_jobs_test.cc.
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "tests/testing/raw_sqlcipher.h"
#include "tests/vault/key_ops_fixture.h"

namespace cvault {
namespace {

using testing::As;
using testing::Dpo;
using testing::InterruptAfterFirstBatch;
using testing::Interrupted;
using testing::KeyOpsTest;
using testing::KeyringSavesFail;
using testing::Operator;
using testing::Person;

TEST_F(KeyOpsTest, RotateKekRewrapsEveryDataKeyAndRetiresTheOldKek) {
  std::vector<Person> people = AddPeople(40, /*refund_every=*/4);
  const std::size_t refunds = RefundCount(people);
  ASSERT_EQ(refunds, 10u);
  const std::uint64_t data_keys = people.size() + refunds;
  auto before = ReadAll(people);
  auto raw_before = RawFields(people[3].id);
  EXPECT_EQ(DataKeysByKek(), (std::map<std::uint32_t, std::uint64_t>{{1, data_keys}}));
  Reopen();

  std::vector<JobProgress> calls;
  auto result = vault_->operations().RotateKek(
      Operator(), [&](const JobProgress& p) { calls.push_back(p); }, /*batch=*/7);
  ASSERT_TRUE(result.has_value()) << result.error().ToString();
  EXPECT_EQ(result->primary_version, 2u);
  EXPECT_FALSE(result->resumed);
  EXPECT_EQ(result->rewrapped, data_keys);
  EXPECT_EQ(result->retired, std::vector<std::uint32_t>{1});

  // (0, total), then one call per batch of 7, the last at (total, total).
  ASSERT_EQ(calls.size(), 1 + (data_keys + 6) / 7);
  EXPECT_EQ(calls.front().done, 0u);
  for (std::size_t i = 0; i < calls.size(); ++i) {
    EXPECT_EQ(calls[i].stage, "rewrap");
    EXPECT_EQ(calls[i].total, data_keys);
    if (i > 0) {
      EXPECT_GT(calls[i].done, calls[i - 1].done);
    }
  }
  EXPECT_EQ(calls.back().done, data_keys);

  EXPECT_EQ(ReadAll(people), before);
  EXPECT_EQ(OpenKeyring().kek_versions(), std::vector<std::uint32_t>{2});
  Reopen();
  EXPECT_EQ(ReadAll(people), before);

  EXPECT_EQ(DataKeysByKek(), (std::map<std::uint32_t, std::uint64_t>{{2, data_keys}}));
  // Only the data keys were rewrapped: the field ciphertext is as it was.
  EXPECT_EQ(RawFields(people[3].id), raw_before);
  Reopen();
  ExpectNoPersonalDataLogged(people);
  EXPECT_NE(sink_->Text().find("KEK rotation"), std::string::npos);
}

TEST_F(KeyOpsTest, SecondRotateKekRetiresTheFirstRotationsKek) {
  std::vector<Person> people = AddPeople(9, /*refund_every=*/3);
  auto before = ReadAll(people);
  auto first = vault_->operations().RotateKek(Operator(), {}, 4);
  ASSERT_TRUE(first.has_value()) << first.error().ToString();
  EXPECT_EQ(first->primary_version, 2u);
  std::vector<Person> more = AddPeople(3, 0, /*first=*/100);  // wrapped under KEK 2

  auto second = vault_->operations().RotateKek(Operator(), {}, 4);
  ASSERT_TRUE(second.has_value()) << second.error().ToString();
  EXPECT_EQ(second->primary_version, 3u);
  EXPECT_FALSE(second->resumed);
  EXPECT_EQ(second->rewrapped, 9u + 3u + 3u);
  EXPECT_EQ(second->retired, std::vector<std::uint32_t>{2});
  EXPECT_EQ(OpenKeyring().kek_versions(), std::vector<std::uint32_t>{3});
  EXPECT_EQ(DataKeysByKek(), (std::map<std::uint32_t, std::uint64_t>{{3, 15}}));
  Reopen();
  EXPECT_EQ(ReadAll(people), before);
  ReadAll(more);
}

// After an erasure the kept refund record is sealed under the retention
// hold's own data key: rotation rewraps it like a customer's.
TEST_F(KeyOpsTest, RotateKekRewrapsRetentionHoldKeys) {
  std::vector<Person> people = AddPeople(3, /*refund_every=*/1);
  auto erased = vault_->rights().Erase(Dpo(), people[0].id);
  ASSERT_TRUE(erased.has_value()) << erased.error().ToString();
  // Two customers with two keys each, and the hold's key.
  EXPECT_EQ(DataKeysByKek(), (std::map<std::uint32_t, std::uint64_t>{{1, 5}}));
  Reopen();

  auto result = vault_->operations().RotateKek(Operator(), {}, 2);
  ASSERT_TRUE(result.has_value()) << result.error().ToString();
  EXPECT_EQ(result->rewrapped, 5u);
  EXPECT_EQ(result->retired, std::vector<std::uint32_t>{1});
  EXPECT_EQ(DataKeysByKek(), (std::map<std::uint32_t, std::uint64_t>{{2, 5}}));
  Reopen();
  auto kept = vault_->refunds().Get(As("dpo", "legal_compliance"), people[0].refund_case);
  ASSERT_TRUE(kept.has_value()) << kept.error().ToString();
  EXPECT_EQ(kept->order_ref, people[0].order_ref);
  EXPECT_FALSE(kept->retention_hold.empty());
  people.erase(people.begin());
  ReadAll(people);
}

TEST_F(KeyOpsTest, RotateKekResumesAfterTheProgressCallbackThrows) {
  std::vector<Person> people = AddPeople(20, /*refund_every=*/5);
  const std::uint64_t data_keys = people.size() + RefundCount(people);
  auto before = ReadAll(people);

  EXPECT_THROW(
      (void)vault_->operations().RotateKek(Operator(), InterruptAfterFirstBatch(), 7),
      Interrupted);
  // Half-way: both KEKs in the keyring, and the vault serves as usual.
  EXPECT_EQ(OpenKeyring().kek_versions(), (std::vector<std::uint32_t>{1, 2}));
  EXPECT_EQ(ReadAll(people), before);
  std::vector<Person> late = AddPeople(2, 0, /*first=*/500);
  ASSERT_EQ(late.size(), 2u);

  auto result = vault_->operations().RotateKek(Operator(), {}, 7);
  ASSERT_TRUE(result.has_value()) << result.error().ToString();
  EXPECT_TRUE(result->resumed);
  EXPECT_EQ(result->primary_version, 2u);
  EXPECT_EQ(result->rewrapped, data_keys - 7);
  EXPECT_EQ(result->retired, std::vector<std::uint32_t>{1});
  EXPECT_EQ(ReadAll(people), before);
  EXPECT_EQ(OpenKeyring().kek_versions(), std::vector<std::uint32_t>{2});
  EXPECT_EQ(DataKeysByKek(),
            (std::map<std::uint32_t, std::uint64_t>{{2, data_keys + 2}}));
  Reopen();
  EXPECT_EQ(ReadAll(people), before);
  ReadAll(late);
}

TEST_F(KeyOpsTest, RotateKekResumesAfterARestartMidRotation) {
  std::vector<Person> people = AddPeople(20, /*refund_every=*/5);
  const std::uint64_t data_keys = people.size() + RefundCount(people);
  auto before = ReadAll(people);
  EXPECT_THROW(
      (void)vault_->operations().RotateKek(Operator(), InterruptAfterFirstBatch(), 7),
      Interrupted);
  // The process dies here; what is on disk is half of each.
  EXPECT_EQ(DataKeysByKek(),
            (std::map<std::uint32_t, std::uint64_t>{{1, data_keys - 7}, {2, 7}}));
  EXPECT_EQ(OpenKeyring().kek_versions(), (std::vector<std::uint32_t>{1, 2}));
  Reopen();
  EXPECT_EQ(ReadAll(people), before);

  std::vector<JobProgress> calls;
  auto result = vault_->operations().RotateKek(
      Operator(), [&](const JobProgress& p) { calls.push_back(p); }, 7);
  ASSERT_TRUE(result.has_value()) << result.error().ToString();
  EXPECT_TRUE(result->resumed);
  EXPECT_EQ(result->primary_version, 2u);
  EXPECT_EQ(result->rewrapped, data_keys - 7);
  EXPECT_EQ(result->retired, std::vector<std::uint32_t>{1});
  ASSERT_FALSE(calls.empty());
  EXPECT_EQ(calls.back().done, calls.back().total);
  EXPECT_EQ(calls.back().total, data_keys - 7);
  EXPECT_EQ(DataKeysByKek(), (std::map<std::uint32_t, std::uint64_t>{{2, data_keys}}));
  EXPECT_EQ(OpenKeyring().kek_versions(), std::vector<std::uint32_t>{2});
  Reopen();
  EXPECT_EQ(ReadAll(people), before);
  EXPECT_EQ(KeyAuditTrail(), (std::vector<std::pair<std::string, std::string>>{
                                 {"keys.rotate_kek", "started"},
                                 {"keys.rotate_kek", "resumed"},
                                 {"keys.rotate_kek", "completed"}}));
}

// A rotation that cannot save its new KEK must leave the vault on the KEK
// the keyring file holds: a data key wrapped under a KEK that never reached
// the disk is lost at the next open.
TEST_F(KeyOpsTest, RotateKekThatCannotSaveTheKeyringWrapsNothingUnderTheUnsavedKek) {
  std::vector<Person> people = AddPeople(3);
  {
    KeyringSavesFail saves_fail(dir_ / "keys");
    auto result = vault_->operations().RotateKek(Operator(), {}, 2);
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().reason_code(), "keyring_save_failed");
  }
  EXPECT_EQ(OpenKeyring().kek_versions(), std::vector<std::uint32_t>{1});
  std::vector<Person> later = AddPeople(2, /*refund_every=*/1, /*first=*/40);
  ASSERT_EQ(later.size(), 2u);
  EXPECT_EQ(DataKeysByKek(), (std::map<std::uint32_t, std::uint64_t>{{1, 3 + 4}}));
  Reopen();
  ReadAll(people);
  ReadAll(later);
}

TEST_F(KeyOpsTest, RotateKekStopsAtATamperedDataKeyAndTheVaultKeepsServing) {
  std::vector<Person> people = AddPeople(6);
  vault_.reset();
  // people[0]'s key row now holds people[1]'s wrapped key: it fails
  // authentication (the customer id is bound into it).
  const std::string sql =
      "UPDATE data_keys SET wrapped = (SELECT wrapped FROM data_keys "
      "WHERE customer_id = '" +
      people[1].id.str() + "') WHERE customer_id = '" + people[0].id.str() + "';";
  ASSERT_EQ(testing::RunRawSql(dir_ / "vault" / "keystore.db",
                               OpenKeyring().keystore_db_key(), sql),
            SQLITE_OK);
  Reopen();
  auto result = vault_->operations().RotateKek(Operator(), {}, 2);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code(), StatusCode::kIntegrity);
  people.erase(people.begin());
  ReadAll(people);
  ReadAll(AddPeople(1, 0, /*first=*/60));
  // The old KEK stays while a key is still under it.
  EXPECT_EQ(OpenKeyring().kek_versions(), (std::vector<std::uint32_t>{1, 2}));
  Reopen();
  ReadAll(people);
  EXPECT_EQ(
      KeyAuditTrail(),
      (std::vector<std::pair<std::string, std::string>>{{"keys.rotate_kek", "started"}}));
}

}  // namespace
}  // namespace cvault
