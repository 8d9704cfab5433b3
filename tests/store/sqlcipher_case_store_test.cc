// The case table of the SQLCipher vault store (schema versions 3 and 9): the
// upgrade of a version 2 vault, and of a version 7 one (the table rebuilt to
// take purchase records). What every backend must do with cases is in
// tests/store/conformance/cases_conformance_test.cc.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "store/store.h"
#include "tests/testing/sqlcipher_fixture.h"
#include "tests/testing/store_rows.h"

namespace cvault::store {
namespace {

using testing::MakeRefund;
using testing::QueryInt;

using SqlcipherCaseStoreTest = testing::SqlcipherVaultRowsFixture;

TEST_F(SqlcipherCaseStoreTest, VersionTwoVaultUpgradesOnOpen) {
  // A vault as the version 2 code left it: migrations 1 and 2, a customer and
  // a consent event.
  {
    auto raw = RecreateWithRowsAtSchemaVersion(
        2,
        "INSERT INTO customers(id, created_at, updated_at) VALUES('cus_old', 10, 10);"
        "INSERT INTO consent_events(event_id, consent_id, customer_id, purpose, "
        "event_type, time_us, receipt) VALUES('evt_old', 'con_old', 'cus_old', "
        "'marketing', 'given', 10, x'01')");
    ASSERT_NE(raw, nullptr);
    ASSERT_EQ(QueryInt(*raw, "SELECT count(*) FROM sqlite_master WHERE name = 'cases'"),
              0);
  }

  Reopen();
  {
    auto tx = Begin(true);
    ASSERT_NE(tx, nullptr);
    auto old = tx->GetCustomer("cus_old");
    ASSERT_TRUE(old.has_value() && old->has_value());
    auto events = tx->ListConsentEvents("cus_old");
    ASSERT_TRUE(events.has_value());
    EXPECT_EQ(events->size(), 1u);
    ASSERT_TRUE(
        tx->InsertCase(MakeRefund("rfd_1", "cus_old", 20, 30, std::nullopt)).ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  EXPECT_EQ(DueRefundIds(30), std::vector<std::string>{"rfd_1"});

  auto raw = CloseAndExpectCurrentSchema();
  ASSERT_NE(raw, nullptr);
  EXPECT_EQ(QueryInt(*raw,
                     "SELECT count(*) FROM sqlite_master WHERE type = 'index' "
                     "AND name IN ('cases_by_customer', "
                     "'cases_by_processing_due', 'cases_by_update_due')"),
            3);
}

TEST_F(SqlcipherCaseStoreTest, VersionSevenVaultKeepsItsCasesAndTakesPurchaseRecords) {
  // A vault as the version 7 code left it: cases of the two old kinds, one
  // updated (version 3), which the rebuild of the table must keep as they are.
  {
    auto raw = RecreateWithRowsAtSchemaVersion(
        7,
        "INSERT INTO cases(case_id, kind, customer_id, status, opened_at_us, "
        "updated_at_us, processing_due_at_us, update_due_at_us, retention_class, "
        "document, version) VALUES"
        "('tkt_old', 'ticket', 'cus_old', 'open', 10, 10, NULL, NULL, 1, x'01', 0),"
        "('rfd_old', 'refund', 'cus_old', 'approved', 20, 25, 40, 30, 2, x'02', 3)");
    ASSERT_NE(raw, nullptr);
  }

  Reopen();
  {
    auto tx = Begin(true);
    ASSERT_NE(tx, nullptr);
    auto refund = tx->GetCase("rfd_old");
    ASSERT_TRUE(refund.has_value() && refund->has_value());
    EXPECT_EQ((*refund)->version, 3u);
    EXPECT_EQ((*refund)->processing_due_at_us, 40);
    EXPECT_EQ((*refund)->document, Bytes{0x02});
    CaseRow purchase = MakeRefund("pur_1", "cus_old", 50, std::nullopt, std::nullopt);
    purchase.kind = "purchase";
    ASSERT_TRUE(tx->InsertCase(purchase).ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  EXPECT_EQ(DueRefundIds(30), std::vector<std::string>{"rfd_old"});

  auto raw = CloseAndExpectCurrentSchema();
  ASSERT_NE(raw, nullptr);
  EXPECT_EQ(QueryInt(*raw, "SELECT count(*) FROM cases"), 3);
  EXPECT_EQ(QueryInt(*raw, "SELECT seq FROM cases WHERE case_id = 'rfd_old'") >
                QueryInt(*raw, "SELECT seq FROM cases WHERE case_id = 'tkt_old'"),
            1);
  EXPECT_EQ(QueryInt(*raw,
                     "SELECT count(*) FROM sqlite_master WHERE type = 'index' "
                     "AND name IN ('cases_by_customer', "
                     "'cases_by_processing_due', 'cases_by_update_due')"),
            3);
}

}  // namespace
}  // namespace cvault::store
