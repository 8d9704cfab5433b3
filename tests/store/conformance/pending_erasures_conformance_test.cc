// Conformance of every storage backend (tests/testing/store_backends.h) to
// the pending-erasure part of the VaultTransaction contract (store/store.h):
// rows round-trip, a customer is listed at most once, listing oldest
// erasure first up to a limit, deletion, read-only transactions; and the listings
// across customers (latest consent events, lapsed consents, due refunds)
// leaving a listed customer out until the row goes.
#include <gtest/gtest.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cvault/status.h"
#include "store/store.h"
#include "tests/testing/store_backends.h"
#include "tests/testing/store_rows.h"

namespace cvault::store {
namespace {

using testing::IdsOf;
using testing::kNoLimit;
using testing::MakeConsentEvent;
using testing::MakePendingErasure;
using testing::MakeRefund;

std::vector<std::string> CustomerIds(const std::vector<PendingErasureRow>& rows) {
  return IdsOf(rows, &PendingErasureRow::customer_id);
}

void ExpectSamePending(const PendingErasureRow& got, const PendingErasureRow& expected) {
  EXPECT_EQ(got.customer_id, expected.customer_id);
  EXPECT_EQ(got.erasure_id, expected.erasure_id);
  EXPECT_EQ(got.hold_id, expected.hold_id);
  EXPECT_EQ(got.erased_at_us, expected.erased_at_us);
}

class PendingErasureConformanceTest
    : public testing::VaultRowsFixture<testing::VaultStoreConformanceFixture> {
 protected:
  // Deletes the customer's pending erasure and commits; how many rows went.
  std::size_t CommitDeletePending(std::string_view customer_id) {
    return CommitDelete(
        [&](VaultTransaction& tx) { return tx.DeletePendingErasure(customer_id); });
  }

  // What each listing across customers returns, read in one transaction:
  // the customers of the latest marketing events as of 1'000 and of the
  // consents lapsed by 1'000, and the ids of the refunds due by 1'000.
  struct Listed {
    std::vector<std::string> latest;
    std::vector<std::string> lapsed;
    std::vector<std::string> due;
  };
  Listed ListAcrossCustomers() {
    Listed listed;
    auto tx = Begin(false);
    if (tx == nullptr) return listed;
    auto latest = tx->LatestConsentEvents("marketing", 1'000);
    EXPECT_TRUE(latest.has_value()) << latest.error().ToString();
    if (latest.has_value()) listed.latest = IdsOf(*latest, &ConsentEventRow::customer_id);
    auto lapsed = tx->ListLapsedConsents(1'000);
    EXPECT_TRUE(lapsed.has_value()) << lapsed.error().ToString();
    if (lapsed.has_value()) listed.lapsed = IdsOf(*lapsed, &ConsentEventRow::customer_id);
    auto due = tx->ListDueRefunds(1'000);
    EXPECT_TRUE(due.has_value()) << due.error().ToString();
    if (due.has_value()) listed.due = testing::CaseIds(*due);
    return listed;
  }
};

TEST_P(PendingErasureConformanceTest, PendingErasureRoundTripsAcrossReopen) {
  PendingErasureRow held = MakePendingErasure("cus_a", 1'700'000'000'000'000);
  PendingErasureRow unheld = MakePendingErasure("cus_b", 20);
  unheld.hold_id.clear();  // no refunds to hold: empty stays empty
  InsertPendingErasures({held, unheld});
  Reopen();

  auto tx = Begin(false);
  ASSERT_NE(tx, nullptr);
  for (const PendingErasureRow& expected : {held, unheld}) {
    auto got = tx->GetPendingErasure(expected.customer_id);
    ASSERT_TRUE(got.has_value()) << got.error().ToString();
    ASSERT_TRUE(got->has_value()) << expected.customer_id;
    ExpectSamePending(**got, expected);
  }
  auto missing = tx->GetPendingErasure("cus_missing");
  ASSERT_TRUE(missing.has_value()) << missing.error().ToString();
  EXPECT_FALSE(missing->has_value());
}

TEST_P(PendingErasureConformanceTest, RepeatedCustomerIsAlreadyExists) {
  auto tx = Begin(true);
  ASSERT_NE(tx, nullptr);
  ASSERT_TRUE(tx->InsertPendingErasure(MakePendingErasure("cus_dup", 100)).ok());
  PendingErasureRow second = MakePendingErasure("cus_dup", 200);
  second.erasure_id = "era_second";
  Status again = tx->InsertPendingErasure(second);
  EXPECT_EQ(again.code(), StatusCode::kAlreadyExists);
  EXPECT_NE(again.message().find("erasure"), std::string::npos);
  EXPECT_EQ(again.message().find("cus_dup"), std::string::npos);
  // A refused insert does not spoil the transaction.
  ASSERT_TRUE(tx->InsertPendingErasure(MakePendingErasure("cus_next", 300)).ok());
  ASSERT_TRUE(tx->Commit().ok());

  auto read = Begin(false);
  ASSERT_NE(read, nullptr);
  auto got = read->GetPendingErasure("cus_dup");
  ASSERT_TRUE(got.has_value() && got->has_value());
  ExpectSamePending(**got,
                    MakePendingErasure("cus_dup", 100));  // the first insert stands
  auto listed = read->ListPendingErasures(kNoLimit);
  ASSERT_TRUE(listed.has_value()) << listed.error().ToString();
  EXPECT_EQ(CustomerIds(*listed), (std::vector<std::string>{"cus_dup", "cus_next"}));
}

TEST_P(PendingErasureConformanceTest, ListIsOldestErasureFirstUpToTheLimit) {
  // Inserted out of time order; cus_d and cus_b were erased at the same
  // instant and follow by customer id.
  InsertPendingErasures(
      {MakePendingErasure("cus_c", 300), MakePendingErasure("cus_a", 100)});
  InsertPendingErasures({MakePendingErasure("cus_d", 200)});
  InsertPendingErasures({MakePendingErasure("cus_b", 200)});

  const std::vector<std::string> oldest_first = {"cus_a", "cus_b", "cus_d", "cus_c"};
  EXPECT_EQ(PendingIds(kNoLimit), oldest_first);
  EXPECT_EQ(PendingIds(4), oldest_first);
  EXPECT_EQ(PendingIds(2), (std::vector<std::string>{"cus_a", "cus_b"}));
  EXPECT_EQ(PendingIds(1), std::vector<std::string>{"cus_a"});
  EXPECT_TRUE(PendingIds(0).empty());

  auto tx = Begin(false);
  ASSERT_NE(tx, nullptr);
  auto listed = tx->ListPendingErasures(kNoLimit);
  ASSERT_TRUE(listed.has_value()) << listed.error().ToString();
  ASSERT_EQ(listed->size(), 4u);
  ExpectSamePending((*listed)[0], MakePendingErasure("cus_a", 100));
}

TEST_P(PendingErasureConformanceTest, DeleteRemovesOnlyThatCustomer) {
  InsertPendingErasures({MakePendingErasure("cus_c", 300),
                         MakePendingErasure("cus_a", 100),
                         MakePendingErasure("cus_b", 200)});
  EXPECT_EQ(CommitDeletePending("cus_a"), 1u);
  EXPECT_EQ(CommitDeletePending("cus_a"), 0u);
  EXPECT_EQ(CommitDeletePending("cus_nobody"), 0u);
  EXPECT_EQ(PendingIds(kNoLimit), (std::vector<std::string>{"cus_b", "cus_c"}));

  // Recorded again, the customer is the newest pending erasure.
  InsertPendingErasures({MakePendingErasure("cus_a", 400)});
  EXPECT_EQ(PendingIds(kNoLimit), (std::vector<std::string>{"cus_b", "cus_c", "cus_a"}));

  auto tx = Begin(false);
  ASSERT_NE(tx, nullptr);
  auto got = tx->GetPendingErasure("cus_a");
  ASSERT_TRUE(got.has_value() && got->has_value());
  EXPECT_EQ((*got)->erased_at_us, 400);
}

TEST_P(PendingErasureConformanceTest, WritesInReadTransactionFail) {
  InsertPendingErasures({MakePendingErasure("cus_a", 100)});
  auto tx = Begin(false);
  ASSERT_NE(tx, nullptr);
  EXPECT_EQ(tx->InsertPendingErasure(MakePendingErasure("cus_b", 200)).code(),
            StatusCode::kFailedPrecondition);
  auto deleted = tx->DeletePendingErasure("cus_a");
  ASSERT_FALSE(deleted.has_value());
  EXPECT_EQ(deleted.error().code(), StatusCode::kFailedPrecondition);

  auto still = tx->GetPendingErasure("cus_a");
  ASSERT_TRUE(still.has_value());
  EXPECT_TRUE(still->has_value());
  auto listed = tx->ListPendingErasures(kNoLimit);
  ASSERT_TRUE(listed.has_value()) << listed.error().ToString();
  EXPECT_EQ(CustomerIds(*listed), std::vector<std::string>{"cus_a"});
}

TEST_P(PendingErasureConformanceTest, ListingsLeaveOutCustomersPendingErasure) {
  {
    auto tx = Begin(true);
    ASSERT_NE(tx, nullptr);
    // Every customer has a marketing consent that lapsed at 500.
    for (const char* customer : {"cus_a", "cus_b", "cus_c"}) {
      const std::string id = customer;
      ConsentEventRow event =
          MakeConsentEvent("evt_" + id, id, "marketing", "given", 100, 500);
      event.consent_id = "con_" + id;
      event.receipt = Bytes{0x01};
      ASSERT_TRUE(tx->AppendConsentEvent(event).ok());
    }
    // cus_b has a refund due on each count alone and one due on both; each
    // side of ListDueRefunds' OR must leave it out.
    for (CaseRow refund : {
             MakeRefund("rfd_a", "cus_a", 10, 200, std::nullopt),
             MakeRefund("rfd_b_processing", "cus_b", 10, 200, std::nullopt),
             MakeRefund("rfd_b_update", "cus_b", 10, std::nullopt, 200),
             MakeRefund("rfd_b_both", "cus_b", 10, 200, 200),
             MakeRefund("rfd_c", "cus_c", 10, std::nullopt, 200),
         }) {
      refund.status = "approved";
      refund.document = Bytes{0x02};
      ASSERT_TRUE(tx->InsertCase(refund).ok()) << refund.case_id;
    }
    ASSERT_TRUE(tx->Commit().ok());
  }
  const std::vector<std::string> all_customers = {"cus_a", "cus_b", "cus_c"};
  const std::vector<std::string> all_refunds = {"rfd_a", "rfd_b_processing",
                                                "rfd_b_update", "rfd_b_both", "rfd_c"};
  Listed before = ListAcrossCustomers();
  ASSERT_EQ(before.latest, all_customers);
  ASSERT_EQ(before.lapsed, all_customers);
  ASSERT_EQ(before.due, all_refunds);

  InsertPendingErasures({MakePendingErasure("cus_b", 700)});
  Listed pending = ListAcrossCustomers();
  EXPECT_EQ(pending.latest, (std::vector<std::string>{"cus_a", "cus_c"}));
  EXPECT_EQ(pending.lapsed, (std::vector<std::string>{"cus_a", "cus_c"}));
  EXPECT_EQ(pending.due, (std::vector<std::string>{"rfd_a", "rfd_c"}));

  // The customer's own rows are still there for the sweep.
  {
    auto tx = Begin(false);
    ASSERT_NE(tx, nullptr);
    auto events = tx->CountConsentEvents("cus_b");
    ASSERT_TRUE(events.has_value());
    EXPECT_EQ(*events, 1u);
    auto refunds = tx->CountCases("cus_b", "refund");
    ASSERT_TRUE(refunds.has_value());
    EXPECT_EQ(*refunds, 3u);
  }

  ASSERT_EQ(CommitDeletePending("cus_b"), 1u);
  Listed after = ListAcrossCustomers();
  EXPECT_EQ(after.latest, all_customers);
  EXPECT_EQ(after.lapsed, all_customers);
  EXPECT_EQ(after.due, all_refunds);
}

INSTANTIATE_TEST_SUITE_P(Backends, PendingErasureConformanceTest,
                         ::testing::ValuesIn(testing::StoreBackends()),
                         testing::StoreBackendName);

}  // namespace
}  // namespace cvault::store
