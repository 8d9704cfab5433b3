// The consent append-only guard of the SQLCipher vault store after a bounded
// DeleteConsentEvents. What every backend must do when the purge sweeps an
// erasure in batches is in
// tests/store/conformance/erasure_batches_conformance_test.cc.
#include <gtest/gtest.h>

#include "store/store.h"
#include "tests/testing/sqlcipher_fixture.h"
#include "tests/testing/store_rows.h"

namespace cvault::store {
namespace {

using testing::MakeConsentEvent;
using testing::QueryInt;

using SqlcipherErasureBatchStoreTest = testing::SqlcipherVaultRowsFixture;

TEST_F(SqlcipherErasureBatchStoreTest, GuardIsWholeAgainAfterLimitedDelete) {
  AppendConsentEvents({
      MakeConsentEvent("evt_a_first", "cus_a", "marketing", "given", 100),
      MakeConsentEvent("evt_a_second", "cus_a", "marketing", "given", 200),
      MakeConsentEvent("evt_a_third", "cus_a", "marketing", "given", 300),
      MakeConsentEvent("evt_b_first", "cus_b", "marketing", "given", 110),
  });
  // The customer still has events left when the call returns.
  ASSERT_EQ(CommitDeleteConsentEvents("cus_a", 1), 1u);
  ASSERT_EQ(CommitDeleteConsentEvents("cus_a", 0), 0u);

  auto raw = RawConnection();
  ASSERT_NE(raw, nullptr);
  EXPECT_EQ(QueryInt(*raw, "SELECT count(*) FROM consent_erasures"), 0);
  EXPECT_FALSE(raw->Execute("DELETE FROM consent_events WHERE customer_id = 'cus_a'",
                            "delete consent events")
                   .ok());
  EXPECT_FALSE(raw->Execute("DELETE FROM consent_events", "delete consent events").ok());
  EXPECT_EQ(QueryInt(*raw, "SELECT count(*) FROM consent_events"), 3);
}

}  // namespace
}  // namespace cvault::store
