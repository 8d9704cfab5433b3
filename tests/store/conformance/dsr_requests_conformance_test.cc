// Conformance of every storage backend (tests/testing/store_backends.h) to
// the data-subject request part of the VaultTransaction contract
// (store/store.h): rows round-trip with and without their optional times,
// duplicates are refused, updates are guarded by the version, and listings
// filter and order by due time.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cvault/status.h"
#include "store/store.h"
#include "tests/testing/store_backends.h"
#include "tests/testing/store_rows.h"

namespace cvault::store {
namespace {

DsrRequestRow MakeRequest(const std::string& id, const std::string& customer,
                          std::int64_t due_us) {
  DsrRequestRow row;
  row.request_id = id;
  row.customer_id = customer;
  row.kind = "erasure";
  row.status = "open";
  row.identity = "pending";
  row.received_at_us = 1'000;
  row.due_at_us = due_us;
  return row;
}

std::vector<std::string> Ids(const std::vector<DsrRequestRow>& rows) {
  std::vector<std::string> ids;
  for (const DsrRequestRow& row : rows) ids.push_back(row.request_id);
  return ids;
}

using DsrRequestConformanceTest =
    testing::VaultRowsFixture<testing::VaultStoreConformanceFixture>;

TEST_P(DsrRequestConformanceTest, RequestRoundTripsAcrossReopenAndUpdatesMoveTheVersion) {
  DsrRequestRow row = MakeRequest("dsr_1", "cus_a", 5'000);
  {
    auto tx = Begin(true);
    ASSERT_NE(tx, nullptr);
    ASSERT_TRUE(tx->InsertDsrRequest(row).ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  Reopen();
  auto tx = Begin(true);
  ASSERT_NE(tx, nullptr);
  auto got = tx->GetDsrRequest("dsr_1");
  ASSERT_TRUE(got.has_value() && got->has_value());
  EXPECT_EQ((*got)->customer_id, "cus_a");
  EXPECT_EQ((*got)->kind, "erasure");
  EXPECT_EQ((*got)->due_at_us, 5'000);
  EXPECT_FALSE((*got)->extended_at_us.has_value());
  EXPECT_FALSE((*got)->closed_at_us.has_value());
  EXPECT_EQ((*got)->version, 0u);

  DsrRequestRow closed = **got;
  closed.status = "fulfilled";
  closed.identity = "verified";
  closed.extension = "complexity";
  closed.extended_at_us = 2'000;
  closed.due_at_us = 9'000;
  closed.closed_at_us = 3'000;
  closed.outcome_ref = "era_x";
  ASSERT_TRUE(tx->UpdateDsrRequest(closed).ok());
  // The same version again: another writer's update came first.
  EXPECT_EQ(tx->UpdateDsrRequest(closed).code(), StatusCode::kConflict);
  DsrRequestRow missing = closed;
  missing.request_id = "dsr_missing";
  EXPECT_EQ(tx->UpdateDsrRequest(missing).code(), StatusCode::kNotFound);
  auto after = tx->GetDsrRequest("dsr_1");
  ASSERT_TRUE(after.has_value() && after->has_value());
  EXPECT_EQ((*after)->version, 1u);
  EXPECT_EQ((*after)->status, "fulfilled");
  EXPECT_EQ((*after)->extended_at_us, 2'000);
  EXPECT_EQ((*after)->closed_at_us, 3'000);
  EXPECT_EQ((*after)->due_at_us, 9'000);
  EXPECT_EQ((*after)->outcome_ref, "era_x");
  EXPECT_EQ((*after)->received_at_us, 1'000);
}

TEST_P(DsrRequestConformanceTest, DuplicateRequestIdIsAlreadyExists) {
  auto tx = Begin(true);
  ASSERT_NE(tx, nullptr);
  ASSERT_TRUE(tx->InsertDsrRequest(MakeRequest("dsr_dup", "cus_a", 1)).ok());
  Status again = tx->InsertDsrRequest(MakeRequest("dsr_dup", "cus_b", 2));
  EXPECT_EQ(again.code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(again.message().find("dsr_dup"), std::string::npos);
  ASSERT_TRUE(tx->InsertDsrRequest(MakeRequest("dsr_next", "cus_a", 3)).ok());
}

TEST_P(DsrRequestConformanceTest, ListingsFilterByStatusAndCustomerEarliestDueFirst) {
  {
    auto tx = Begin(true);
    ASSERT_NE(tx, nullptr);
    DsrRequestRow done = MakeRequest("dsr_done", "cus_a", 100);
    done.status = "refused";
    for (const DsrRequestRow& row :
         {MakeRequest("dsr_late", "cus_a", 900), MakeRequest("dsr_b", "cus_b", 500),
          MakeRequest("dsr_a2", "cus_a", 500), done}) {
      ASSERT_TRUE(tx->InsertDsrRequest(row).ok());
    }
    ASSERT_TRUE(tx->Commit().ok());
  }
  auto tx = Begin(false);
  ASSERT_NE(tx, nullptr);
  auto open = tx->ListDsrRequests(true, "");
  ASSERT_TRUE(open.has_value()) << open.error().ToString();
  EXPECT_EQ(Ids(*open), (std::vector<std::string>{"dsr_a2", "dsr_b", "dsr_late"}));
  auto all_a = tx->ListDsrRequests(false, "cus_a");
  ASSERT_TRUE(all_a.has_value());
  EXPECT_EQ(Ids(*all_a), (std::vector<std::string>{"dsr_done", "dsr_a2", "dsr_late"}));
  auto open_b = tx->ListDsrRequests(true, "cus_b");
  ASSERT_TRUE(open_b.has_value());
  EXPECT_EQ(Ids(*open_b), std::vector<std::string>{"dsr_b"});
  EXPECT_EQ(tx->InsertDsrRequest(MakeRequest("dsr_ro", "cus_a", 1)).code(),
            StatusCode::kFailedPrecondition);
}

INSTANTIATE_TEST_SUITE_P(Backends, DsrRequestConformanceTest,
                         ::testing::ValuesIn(testing::StoreBackends()),
                         testing::StoreBackendName);

}  // namespace
}  // namespace cvault::store
