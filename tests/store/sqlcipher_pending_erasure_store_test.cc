// The pending erasures of the SQLCipher vault store (schema version 6): the
// upgrade of a version 5 vault. What every backend must do with pending
// erasures is in tests/store/conformance/pending_erasures_conformance_test.cc.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "store/store.h"
#include "tests/testing/sqlcipher_fixture.h"
#include "tests/testing/store_rows.h"

namespace cvault::store {
namespace {

using testing::kNoLimit;
using testing::MakePendingErasure;
using testing::QueryInt;

using SqlcipherPendingErasureStoreTest = testing::SqlcipherVaultRowsFixture;

TEST_F(SqlcipherPendingErasureStoreTest, VersionFiveVaultUpgradesOnOpen) {
  // A vault as the version 5 code left it: a customer with a consent event
  // and a due refund, and a retention hold.
  {
    auto raw = RecreateWithRowsAtSchemaVersion(
        5,
        "INSERT INTO customers(id, created_at, updated_at) VALUES('cus_old', 10, 10);"
        "INSERT INTO consent_events(event_id, consent_id, customer_id, purpose, "
        "event_type, time_us, receipt) VALUES('evt_old', 'con_old', 'cus_old', "
        "'marketing', 'given', 10, x'01');"
        "INSERT INTO cases(case_id, kind, customer_id, status, opened_at_us, "
        "updated_at_us, processing_due_at_us, retention_class, document) "
        "VALUES('rfd_old', 'refund', 'cus_old', 'approved', 10, 10, 30, 2, x'03');"
        "INSERT INTO retention_holds(hold_id, erasure_id, jurisdiction, "
        "legal_reason, created_at, until_us) "
        "VALUES('hld_old', 'era_old', 'DE', 'tax law', 10, 900)");
    ASSERT_NE(raw, nullptr);
    ASSERT_EQ(QueryInt(*raw,
                       "SELECT count(*) FROM sqlite_master "
                       "WHERE name = 'erasures_pending'"),
              0);
  }

  Reopen();
  {
    auto tx = Begin(true);
    ASSERT_NE(tx, nullptr);
    auto old = tx->GetCustomer("cus_old");
    ASSERT_TRUE(old.has_value() && old->has_value());
    auto hold = tx->GetHold("hld_old");
    ASSERT_TRUE(hold.has_value() && hold->has_value());
    EXPECT_EQ((*hold)->until_us, 900);
    auto events = tx->CountConsentEvents("cus_old");
    ASSERT_TRUE(events.has_value()) << events.error().ToString();
    EXPECT_EQ(*events, 1u);
    auto due = tx->ListDueRefunds(30);
    ASSERT_TRUE(due.has_value()) << due.error().ToString();
    ASSERT_EQ(due->size(), 1u);
    EXPECT_EQ((*due)[0].case_id, "rfd_old");

    auto none = tx->ListPendingErasures(kNoLimit);
    ASSERT_TRUE(none.has_value()) << none.error().ToString();
    EXPECT_TRUE(none->empty());
    ASSERT_TRUE(tx->InsertPendingErasure(MakePendingErasure("cus_old", 40)).ok());
    auto hidden = tx->ListDueRefunds(30);
    ASSERT_TRUE(hidden.has_value()) << hidden.error().ToString();
    EXPECT_TRUE(hidden->empty());
    ASSERT_TRUE(tx->Commit().ok());
  }
  EXPECT_EQ(PendingIds(kNoLimit), std::vector<std::string>{"cus_old"});

  auto raw = CloseAndExpectCurrentSchema();
  ASSERT_NE(raw, nullptr);
  EXPECT_EQ(QueryInt(*raw, "SELECT count(*) FROM erasures_pending"), 1);
  EXPECT_EQ(QueryInt(*raw, "SELECT count(*) FROM cases"), 1);
  // The consent guard of version 5 survives the upgrade.
  EXPECT_FALSE(raw->Execute("DELETE FROM consent_events", "delete consent events").ok());
  EXPECT_EQ(QueryInt(*raw, "SELECT count(*) FROM consent_events"), 1);
}

}  // namespace
}  // namespace cvault::store
