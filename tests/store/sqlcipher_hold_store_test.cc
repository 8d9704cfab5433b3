// Behaviour of the retention holds of the SQLCipher vault store (schema
// version 5): holds round-trip, duplicates are refused, due holds list by
// expiry, deletion, read-only transactions, and the upgrade of a version 4
// vault (holds, next-index columns and the consent erasure guard).
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "store/store.h"
#include "tests/testing/sqlcipher_fixture.h"
#include "tests/testing/store_rows.h"

namespace cvault::store {
namespace {

using testing::kNoLimit;
using testing::MakeHold;
using testing::QueryInt;

void ExpectSameHold(const HoldRow& got, const HoldRow& expected) {
  EXPECT_EQ(got.hold_id, expected.hold_id);
  EXPECT_EQ(got.erasure_id, expected.erasure_id);
  EXPECT_EQ(got.jurisdiction, expected.jurisdiction);
  EXPECT_EQ(got.legal_reason, expected.legal_reason);
  EXPECT_EQ(got.created_at_us, expected.created_at_us);
  EXPECT_EQ(got.until_us, expected.until_us);
}

class SqlcipherHoldStoreTest : public testing::SqlcipherVaultRowsFixture {
 protected:
  std::vector<std::string> DueHoldIds(std::int64_t at_us) {
    return ListIds([&](VaultTransaction& tx) { return tx.ListHoldsDueBy(at_us); },
                   &HoldRow::hold_id);
  }
};

TEST_F(SqlcipherHoldStoreTest, HoldRoundTripsAcrossReopen) {
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

TEST_F(SqlcipherHoldStoreTest, DuplicateHoldIdIsAlreadyExists) {
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

TEST_F(SqlcipherHoldStoreTest, DueHoldsListOldestExpiryFirstIncludingTheInstant) {
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

TEST_F(SqlcipherHoldStoreTest, DeleteHoldRemovesOnlyThatHold) {
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

TEST_F(SqlcipherHoldStoreTest, WritesInReadTransactionFail) {
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

TEST_F(SqlcipherHoldStoreTest, VersionFourVaultUpgradesOnOpen) {
  // A vault as the version 4 code left it: a customer with an email, a
  // consent event and a refund.
  {
    auto raw = RecreateWithRowsAtSchemaVersion(
        4,
        "INSERT INTO customers(id, created_at, updated_at, email, email_index, "
        "phone_index) VALUES('cus_old', 10, 10, x'0a', x'01', x'02');"
        "INSERT INTO consent_events(event_id, consent_id, customer_id, purpose, "
        "event_type, time_us, receipt) VALUES('evt_old', 'con_old', 'cus_old', "
        "'marketing', 'given', 10, x'01');"
        "INSERT INTO cases(case_id, kind, customer_id, status, opened_at_us, "
        "updated_at_us, retention_class, document) VALUES('rfd_old', 'refund', "
        "'cus_old', 'completed', 10, 10, 2, x'03')");
    ASSERT_NE(raw, nullptr);
    ASSERT_EQ(QueryInt(*raw,
                       "SELECT count(*) FROM sqlite_master WHERE name IN "
                       "('retention_holds', 'consent_erasures')"),
              0);
  }

  Reopen();
  {
    auto tx = Begin(true);
    ASSERT_NE(tx, nullptr);
    auto old = tx->GetCustomer("cus_old");
    ASSERT_TRUE(old.has_value()) << old.error().ToString();
    ASSERT_TRUE(old->has_value());
    EXPECT_EQ((*old)->email_index, Bytes{0x01});
    EXPECT_FALSE((*old)->email_index_next.has_value());
    EXPECT_FALSE((*old)->phone_index_next.has_value());
    auto missing = tx->ListCustomersMissingNextIndex(std::nullopt, 10);
    ASSERT_TRUE(missing.has_value());
    EXPECT_EQ(*missing, std::vector<std::string>{"cus_old"});

    auto refund = tx->GetCase("rfd_old");
    ASSERT_TRUE(refund.has_value() && refund->has_value());
    CaseRow held = **refund;
    held.customer_id = "hld_1";
    ASSERT_TRUE(tx->ReassignCase(held).ok());
    ASSERT_TRUE(tx->InsertHold(MakeHold("hld_1", 500)).ok());

    auto deleted = tx->DeleteConsentEvents("cus_old", kNoLimit);
    ASSERT_TRUE(deleted.has_value()) << deleted.error().ToString();
    EXPECT_EQ(*deleted, 1u);
    auto erased = tx->DeleteCustomer("cus_old");
    ASSERT_TRUE(erased.has_value());
    EXPECT_EQ(*erased, 1u);
    ASSERT_TRUE(tx->AppendConsentEvent({"evt_new", "con_new", "cus_new", "marketing",
                                        "given", 20, std::nullopt, "", Bytes{0x04}})
                    .ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  EXPECT_EQ(DueHoldIds(500), std::vector<std::string>{"hld_1"});

  auto raw = CloseAndExpectCurrentSchema();
  ASSERT_NE(raw, nullptr);
  EXPECT_EQ(QueryInt(*raw,
                     "SELECT count(*) FROM sqlite_master WHERE type = 'index' "
                     "AND name IN ('customers_by_email_index_next', "
                     "'customers_by_phone_index_next', 'retention_holds_by_until')"),
            3);
  // The upgraded guard still refuses deletes outside DeleteConsentEvents.
  EXPECT_FALSE(raw->Execute("DELETE FROM consent_events", "delete consent events").ok());
  EXPECT_EQ(QueryInt(*raw, "SELECT count(*) FROM consent_events"), 1);
}

}  // namespace
}  // namespace cvault::store
