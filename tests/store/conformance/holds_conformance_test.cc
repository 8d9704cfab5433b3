// Conformance of every storage backend (tests/testing/store_backends.h) to
// the retention-hold part of the VaultTransaction contract (store/store.h):
// holds round-trip, duplicates are refused, due holds list by expiry,
// deletion, and read-only transactions.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cvault/status.h"
#include "store/store.h"
#include "tests/testing/store_backends.h"
#include "tests/testing/store_rows.h"

namespace cvault::store {
namespace {

using testing::MakeHold;

void ExpectSameHold(const HoldRow& got, const HoldRow& expected) {
  EXPECT_EQ(got.hold_id, expected.hold_id);
  EXPECT_EQ(got.erasure_id, expected.erasure_id);
  EXPECT_EQ(got.jurisdiction, expected.jurisdiction);
  EXPECT_EQ(got.legal_reason, expected.legal_reason);
  EXPECT_EQ(got.created_at_us, expected.created_at_us);
  EXPECT_EQ(got.until_us, expected.until_us);
}

using HoldConformanceTest =
    testing::VaultRowsFixture<testing::VaultStoreConformanceFixture>;

TEST_P(HoldConformanceTest, HoldRoundTripsAcrossReopen) {
  HoldRow hold = MakeHold("hld_1", 9'000);
  hold.jurisdiction = "default";
  hold.created_at_us = 1'700'000'000'000'000;
  InsertHolds({hold});
  Reopen();
  auto tx = Begin(false);
  ASSERT_NE(tx, nullptr);
  auto got = tx->GetHold("hld_1");
  ASSERT_TRUE(got.has_value()) << got.error().ToString();
  ASSERT_TRUE(got->has_value());
  ExpectSameHold(**got, hold);
  auto missing = tx->GetHold("hld_missing");
  ASSERT_TRUE(missing.has_value());
  EXPECT_FALSE(missing->has_value());
}

TEST_P(HoldConformanceTest, DuplicateHoldIdIsAlreadyExists) {
  auto tx = Begin(true);
  ASSERT_NE(tx, nullptr);
  ASSERT_TRUE(tx->InsertHold(MakeHold("hld_dup", 100)).ok());
  Status again = tx->InsertHold(MakeHold("hld_dup", 200));
  EXPECT_EQ(again.code(), StatusCode::kAlreadyExists);
  EXPECT_NE(again.message().find("hold"), std::string::npos);
  EXPECT_EQ(again.message().find("hld_dup"), std::string::npos);
  // A refused insert does not spoil the transaction.
  ASSERT_TRUE(tx->InsertHold(MakeHold("hld_next", 300)).ok());
  auto got = tx->GetHold("hld_dup");
  ASSERT_TRUE(got.has_value() && got->has_value());
  EXPECT_EQ((*got)->until_us, 100) << "the first insert stands";
}

TEST_P(HoldConformanceTest, DueHoldsListOldestExpiryFirstIncludingTheInstant) {
  InsertHolds({
      MakeHold("hld_300", 300),
      MakeHold("hld_100_first", 100),
      MakeHold("hld_200", 200),
      MakeHold("hld_100_second", 100),
  });
  EXPECT_TRUE(DueHoldIds(99).empty());
  EXPECT_EQ(DueHoldIds(100),
            (std::vector<std::string>{"hld_100_first", "hld_100_second"}));
  EXPECT_EQ(DueHoldIds(299),
            (std::vector<std::string>{"hld_100_first", "hld_100_second", "hld_200"}));
  EXPECT_EQ(DueHoldIds(300), (std::vector<std::string>{"hld_100_first", "hld_100_second",
                                                       "hld_200", "hld_300"}));
  auto tx = Begin(false);
  ASSERT_NE(tx, nullptr);
  auto due = tx->ListHoldsDueBy(200);
  ASSERT_TRUE(due.has_value());
  ASSERT_EQ(due->size(), 3u);
  ExpectSameHold((*due)[2], MakeHold("hld_200", 200));
}

TEST_P(HoldConformanceTest, DeleteHoldRemovesOnlyThatHold) {
  InsertHolds({MakeHold("hld_1", 100), MakeHold("hld_2", 100)});
  {
    auto tx = Begin(true);
    ASSERT_NE(tx, nullptr);
    auto deleted = tx->DeleteHold("hld_1");
    ASSERT_TRUE(deleted.has_value()) << deleted.error().ToString();
    EXPECT_EQ(*deleted, 1u);
    auto again = tx->DeleteHold("hld_1");
    ASSERT_TRUE(again.has_value());
    EXPECT_EQ(*again, 0u);
    ASSERT_TRUE(tx->Commit().ok());
  }
  EXPECT_EQ(DueHoldIds(100), std::vector<std::string>{"hld_2"});
  auto tx = Begin(false);
  ASSERT_NE(tx, nullptr);
  auto gone = tx->GetHold("hld_1");
  ASSERT_TRUE(gone.has_value());
  EXPECT_FALSE(gone->has_value());
}

TEST_P(HoldConformanceTest, WritesInReadTransactionFail) {
  InsertHolds({MakeHold("hld_1", 100)});
  auto tx = Begin(false);
  ASSERT_NE(tx, nullptr);
  EXPECT_EQ(tx->InsertHold(MakeHold("hld_2", 100)).code(),
            StatusCode::kFailedPrecondition);
  auto deleted = tx->DeleteHold("hld_1");
  ASSERT_FALSE(deleted.has_value());
  EXPECT_EQ(deleted.error().code(), StatusCode::kFailedPrecondition);
  auto still = tx->GetHold("hld_1");
  ASSERT_TRUE(still.has_value());
  EXPECT_TRUE(still->has_value());
}

INSTANTIATE_TEST_SUITE_P(Backends, HoldConformanceTest,
                         ::testing::ValuesIn(testing::StoreBackends()),
                         testing::StoreBackendName);

}  // namespace
}  // namespace cvault::store
