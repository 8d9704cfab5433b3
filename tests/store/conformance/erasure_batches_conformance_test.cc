// Conformance of every storage backend (tests/testing/store_backends.h) to
// what the purge sweeps an erasure with (store/store.h): DeleteCases and
// DeleteConsentEvents bounded by a row limit (oldest first, one customer and
// kind only, repeated calls finish the set), and CountCases and
// CountConsentEvents.
#include <gtest/gtest.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "store/store.h"
#include "tests/testing/store_backends.h"
#include "tests/testing/store_rows.h"

namespace cvault::store {
namespace {

using testing::kNoLimit;
using testing::MakeCase;
using testing::MakeConsentEvent;

class ErasureBatchConformanceTest
    : public testing::VaultRowsFixture<testing::VaultStoreConformanceFixture> {
 protected:
  // One committed DeleteCases call; how many rows it deleted, or kNoLimit
  // (with a test failure) if it failed.
  std::size_t CommitDeleteCases(std::string_view customer_id, std::string_view kind,
                                std::size_t limit) {
    return CommitDelete(
        [&](VaultTransaction& tx) { return tx.DeleteCases(customer_id, kind, limit); });
  }

  std::vector<std::string> CaseIdsOf(std::string_view customer_id,
                                     std::string_view kind) {
    return ListIds([&](VaultTransaction& tx) { return tx.ListCases(customer_id, kind); },
                   &CaseRow::case_id);
  }

  std::vector<std::string> EventIdsOf(std::string_view customer_id) {
    return ListIds(
        [&](VaultTransaction& tx) { return tx.ListConsentEvents(customer_id); },
        &ConsentEventRow::event_id);
  }
};

// Case ids whose alphabetical order and opening times both differ from the
// insertion order, so only "oldest inserted first" explains what goes. Each
// document is "ciphertext-<case_id>".
std::vector<CaseRow> InterleavedCases() {
  std::vector<CaseRow> cases = {
      MakeCase("tkt_a_first", "ticket", "cus_a", 500),
      MakeCase("tkt_b_first", "ticket", "cus_b", 100),
      MakeCase("rfd_a_first", "refund", "cus_a", 100),
      MakeCase("tkt_a_second", "ticket", "cus_a", 100),
      MakeCase("tkt_a_third", "ticket", "cus_a", 400),
      MakeCase("tkt_b_second", "ticket", "cus_b", 100),
      MakeCase("tkt_a_fourth", "ticket", "cus_a", 200),
      MakeCase("rfd_a_second", "refund", "cus_a", 100),
      MakeCase("tkt_a_fifth", "ticket", "cus_a", 300),
  };
  for (CaseRow& row : cases) {
    row.document = testing::TextBytes("ciphertext-" + row.case_id);
  }
  return cases;
}

TEST_P(ErasureBatchConformanceTest, DeleteCasesWithLimitDeletesOldestOfOneKindFirst) {
  InsertCases(InterleavedCases());

  EXPECT_EQ(CommitDeleteCases("cus_a", "ticket", 2), 2u);
  EXPECT_EQ(CaseIdsOf("cus_a", "ticket"),
            (std::vector<std::string>{"tkt_a_third", "tkt_a_fourth", "tkt_a_fifth"}));
  // Neither the customer's other kind nor another customer's cases go.
  EXPECT_EQ(CaseIdsOf("cus_a", "refund"),
            (std::vector<std::string>{"rfd_a_first", "rfd_a_second"}));
  EXPECT_EQ(CaseIdsOf("cus_b", "ticket"),
            (std::vector<std::string>{"tkt_b_first", "tkt_b_second"}));

  // Repeated calls finish the set, then find nothing left.
  EXPECT_EQ(CommitDeleteCases("cus_a", "ticket", 2), 2u);
  EXPECT_EQ(CaseIdsOf("cus_a", "ticket"), std::vector<std::string>{"tkt_a_fifth"});
  EXPECT_EQ(CommitDeleteCases("cus_a", "ticket", 2), 1u);
  EXPECT_TRUE(CaseIdsOf("cus_a", "ticket").empty());
  EXPECT_EQ(CommitDeleteCases("cus_a", "ticket", 2), 0u);

  EXPECT_EQ(CommitDeleteCases("cus_a", "refund", 1), 1u);
  EXPECT_EQ(CaseIdsOf("cus_a", "refund"), std::vector<std::string>{"rfd_a_second"});
  EXPECT_EQ(CaseIdsOf("cus_b", "ticket"),
            (std::vector<std::string>{"tkt_b_first", "tkt_b_second"}));
}

TEST_P(ErasureBatchConformanceTest, DeleteCasesWithZeroLimitDeletesNothing) {
  InsertCases(InterleavedCases());
  EXPECT_EQ(CommitDeleteCases("cus_a", "ticket", 0), 0u);
  EXPECT_EQ(CaseIdsOf("cus_a", "ticket"),
            (std::vector<std::string>{"tkt_a_first", "tkt_a_second", "tkt_a_third",
                                      "tkt_a_fourth", "tkt_a_fifth"}));
  EXPECT_EQ(CommitDeleteCases("cus_a", "ticket", kNoLimit), 5u);
  EXPECT_TRUE(CaseIdsOf("cus_a", "ticket").empty());
}

TEST_P(ErasureBatchConformanceTest, LimitedDeleteCasesRollsBackWithoutCommit) {
  InsertCases(InterleavedCases());
  {
    auto tx = Begin(true);
    ASSERT_NE(tx, nullptr);
    auto deleted = tx->DeleteCases("cus_a", "ticket", 3);
    ASSERT_TRUE(deleted.has_value()) << deleted.error().ToString();
    EXPECT_EQ(*deleted, 3u);
    auto left = tx->CountCases("cus_a", "ticket");
    ASSERT_TRUE(left.has_value()) << left.error().ToString();
    EXPECT_EQ(*left, 2u) << "the count sees the transaction's own deletes";
  }  // no Commit
  EXPECT_EQ(CaseIdsOf("cus_a", "ticket").size(), 5u);
}

TEST_P(ErasureBatchConformanceTest, DeleteConsentEventsWithLimitDeletesOldestFirst) {
  AppendConsentEvents({
      MakeConsentEvent("evt_a_first", "cus_a", "marketing", "given", 100),
      MakeConsentEvent("evt_b_first", "cus_b", "marketing", "given", 110),
      MakeConsentEvent("evt_a_second", "cus_a", "analytics", "given", 120),
      MakeConsentEvent("evt_a_third", "cus_a", "marketing", "given", 130),
      MakeConsentEvent("evt_b_second", "cus_b", "analytics", "given", 140),
      MakeConsentEvent("evt_a_fourth", "cus_a", "billing", "given", 150),
      MakeConsentEvent("evt_a_fifth", "cus_a", "marketing", "given", 160),
  });

  EXPECT_EQ(CommitDeleteConsentEvents("cus_a", 0), 0u);
  EXPECT_EQ(EventIdsOf("cus_a").size(), 5u) << "limit 0 deletes nothing";

  EXPECT_EQ(CommitDeleteConsentEvents("cus_a", 2), 2u);
  EXPECT_EQ(EventIdsOf("cus_a"),
            (std::vector<std::string>{"evt_a_third", "evt_a_fourth", "evt_a_fifth"}));
  EXPECT_EQ(EventIdsOf("cus_b"),
            (std::vector<std::string>{"evt_b_first", "evt_b_second"}));

  EXPECT_EQ(CommitDeleteConsentEvents("cus_a", 2), 2u);
  EXPECT_EQ(EventIdsOf("cus_a"), std::vector<std::string>{"evt_a_fifth"});
  EXPECT_EQ(CommitDeleteConsentEvents("cus_a", 2), 1u);
  EXPECT_TRUE(EventIdsOf("cus_a").empty());
  EXPECT_EQ(CommitDeleteConsentEvents("cus_a", 2), 0u);
  EXPECT_EQ(EventIdsOf("cus_b"),
            (std::vector<std::string>{"evt_b_first", "evt_b_second"}));
}

TEST_P(ErasureBatchConformanceTest, CountsCountOnlyThatCustomerAndKind) {
  InsertCases(InterleavedCases());
  AppendConsentEvents({
      MakeConsentEvent("evt_a_1", "cus_a", "marketing", "given", 100),
      MakeConsentEvent("evt_b_1", "cus_b", "marketing", "given", 110),
      MakeConsentEvent("evt_a_2", "cus_a", "analytics", "given", 120),
      MakeConsentEvent("evt_ab_1", "cus_ab", "marketing", "given", 130),
  });

  auto tx = Begin(false);  // counting needs no write lock
  ASSERT_NE(tx, nullptr);
  const auto count_cases = [&](std::string_view customer_id, std::string_view kind) {
    auto count = tx->CountCases(customer_id, kind);
    EXPECT_TRUE(count.has_value()) << count.error().ToString();
    return count.has_value() ? *count : kNoLimit;
  };
  const auto count_events = [&](std::string_view customer_id) {
    auto count = tx->CountConsentEvents(customer_id);
    EXPECT_TRUE(count.has_value()) << count.error().ToString();
    return count.has_value() ? *count : kNoLimit;
  };
  EXPECT_EQ(count_cases("cus_a", "ticket"), 5u);
  EXPECT_EQ(count_cases("cus_a", "refund"), 2u);
  EXPECT_EQ(count_cases("cus_b", "ticket"), 2u);
  EXPECT_EQ(count_cases("cus_b", "refund"), 0u);
  EXPECT_EQ(count_cases("cus_nobody", "ticket"), 0u);

  EXPECT_EQ(count_events("cus_a"), 2u);
  EXPECT_EQ(count_events("cus_b"), 1u);
  EXPECT_EQ(count_events("cus_ab"), 1u);
  EXPECT_EQ(count_events("cus_nobody"), 0u);
}

INSTANTIATE_TEST_SUITE_P(Backends, ErasureBatchConformanceTest,
                         ::testing::ValuesIn(testing::StoreBackends()),
                         testing::StoreBackendName);

}  // namespace
}  // namespace cvault::store
