// The retention holds of the SQLCipher vault store (schema version 5): the
// upgrade of a version 4 vault (holds, next-index columns and the consent
// erasure guard). What every backend must do with holds is in
// tests/store/conformance/holds_conformance_test.cc.
#include <gtest/gtest.h>

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

using SqlcipherHoldStoreTest = testing::SqlcipherVaultRowsFixture;

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
