// The consent tables of the SQLCipher vault store (schema versions 2 and 5):
// the append-only triggers, which stay whole after erasure's controlled
// deletion, and the upgrade of a version 1 vault. What every backend must do
// with consent events, notices and customer counts is in
// tests/store/conformance/consent_conformance_test.cc.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "store/store.h"
#include "tests/testing/sqlcipher_fixture.h"
#include "tests/testing/store_rows.h"

namespace cvault::store {
namespace {

using testing::EventIds;
using testing::ExpectSameEvent;
using testing::kNoLimit;
using testing::MakeConsentEvent;
using testing::QueryInt;

using SqlcipherConsentStoreTest = testing::SqlcipherVaultRowsFixture;

TEST_F(SqlcipherConsentStoreTest, TriggersRefuseUpdateDeleteAndReplace) {
  const ConsentEventRow original =
      MakeConsentEvent("evt_1", "cus_a", "marketing", "given", 100);
  AppendConsentEvents({original});
  {
    auto raw = RawConnection();
    ASSERT_NE(raw, nullptr);
    EXPECT_FALSE(raw->Execute("UPDATE consent_events SET event_type = 'withdrawn'",
                              "update a consent event")
                     .ok());
    EXPECT_FALSE(raw->Execute("UPDATE consent_events SET receipt = x'00' "
                              "WHERE event_id = 'evt_1'",
                              "update a consent event")
                     .ok());
    EXPECT_FALSE(
        raw->Execute("DELETE FROM consent_events", "delete consent events").ok());
    // REPLACE deletes without firing DELETE triggers; the INSERT guard
    // catches it.
    EXPECT_FALSE(raw->Execute("INSERT OR REPLACE INTO consent_events(event_id, "
                              "consent_id, customer_id, purpose, event_type, "
                              "time_us, receipt) VALUES('evt_1', 'c', "
                              "'cus_a', 'marketing', 'withdrawn', 1, x'')",
                              "replace a consent event")
                     .ok());
    EXPECT_FALSE(raw->Execute("INSERT OR REPLACE INTO consent_events(seq, "
                              "event_id, consent_id, customer_id, purpose, "
                              "event_type, time_us, receipt) VALUES(1, "
                              "'evt_new', 'c', 'cus_a', 'marketing', "
                              "'withdrawn', 1, x'')",
                              "replace a consent event")
                     .ok());
    EXPECT_EQ(QueryInt(*raw, "SELECT count(*) FROM consent_events"), 1);
  }
  auto tx = Begin(false);
  auto events = tx->ListConsentEvents("cus_a");
  ASSERT_TRUE(events.has_value());
  ASSERT_EQ(events->size(), 1u);
  ExpectSameEvent((*events)[0], original);
}

TEST_F(SqlcipherConsentStoreTest, VersionOneVaultUpgradesOnOpen) {
  // A vault as the version 1 code left it: only migration 1, and a customer.
  {
    auto raw = RecreateWithRowsAtSchemaVersion(
        1, "INSERT INTO customers(id, created_at, updated_at) VALUES('cus_old', 10, 10)");
    ASSERT_NE(raw, nullptr);
    ASSERT_EQ(QueryInt(*raw,
                       "SELECT count(*) FROM sqlite_master "
                       "WHERE name IN ('consent_events', 'notices')"),
              0);
  }

  Reopen();
  {
    auto tx = Begin(true);
    ASSERT_NE(tx, nullptr);
    auto old = tx->GetCustomer("cus_old");
    ASSERT_TRUE(old.has_value() && old->has_value());
    auto count = tx->CountCustomers(10);
    ASSERT_TRUE(count.has_value());
    EXPECT_EQ(*count, 1u);
    ASSERT_TRUE(
        tx->AppendConsentEvent(MakeConsentEvent("evt_1", "cus_old", "p", "given", 20))
            .ok());
    ASSERT_TRUE(tx->InsertNotice({"privacy", "v1", Bytes(32, 1), "text", 20}).ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  auto raw = CloseAndExpectCurrentSchema();
  ASSERT_NE(raw, nullptr);
  // The upgraded vault carries the append-only guard too.
  EXPECT_FALSE(raw->Execute("DELETE FROM consent_events", "delete consent events").ok());
}

TEST_F(SqlcipherConsentStoreTest, GuardIsWholeAgainAfterDeleteConsentEvents) {
  AppendConsentEvents({
      MakeConsentEvent("a1", "cus_a", "marketing", "given", 100),
      MakeConsentEvent("b1", "cus_b", "marketing", "given", 110),
  });
  {
    auto tx = Begin(true);
    ASSERT_NE(tx, nullptr);
    auto deleted = tx->DeleteConsentEvents("cus_a", kNoLimit);
    ASSERT_TRUE(deleted.has_value()) << deleted.error().ToString();
    ASSERT_EQ(*deleted, 1u);
    // The same customer's new events are protected again at once.
    ASSERT_TRUE(
        tx->AppendConsentEvent(MakeConsentEvent("a2", "cus_a", "marketing", "given", 500))
            .ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  {
    auto raw = RawConnection();
    ASSERT_NE(raw, nullptr);
    EXPECT_EQ(QueryInt(*raw, "SELECT count(*) FROM consent_erasures"), 0);
    EXPECT_FALSE(raw->Execute("DELETE FROM consent_events WHERE customer_id = 'cus_a'",
                              "delete consent events")
                     .ok());
    EXPECT_FALSE(raw->Execute("DELETE FROM consent_events WHERE customer_id = 'cus_b'",
                              "delete consent events")
                     .ok());
    EXPECT_FALSE(
        raw->Execute("DELETE FROM consent_events", "delete consent events").ok());
    EXPECT_FALSE(raw->Execute("UPDATE consent_events SET event_type = 'withdrawn'",
                              "update a consent event")
                     .ok());
    EXPECT_EQ(QueryInt(*raw, "SELECT count(*) FROM consent_events"), 2);
  }
  auto tx = Begin(false);
  auto events = tx->ListConsentEvents("cus_a");
  ASSERT_TRUE(events.has_value());
  EXPECT_EQ(EventIds(*events), std::vector<std::string>{"a2"});
}

}  // namespace
}  // namespace cvault::store
