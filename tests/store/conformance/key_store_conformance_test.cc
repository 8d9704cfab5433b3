// Conformance of every storage backend (tests/testing/store_backends.h) to
// the KeyTransaction contract (store/store.h): wrapped data keys round-trip,
// are unique per (customer, retention class), rewrap, list by KEK and shred;
// and the keystore's transactions roll back and refuse writes when read-only.
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cvault/status.h"
#include "store/store.h"
#include "tests/testing/store_backends.h"

namespace cvault::store {
namespace {

DataKeyRow MakeKey(const std::string& customer, int retention_class,
                   std::uint32_t kek_version = 1) {
  DataKeyRow row;
  row.customer_id = customer;
  row.retention_class = retention_class;
  row.kek_version = kek_version;
  row.wrapped = Bytes(72, static_cast<std::uint8_t>(retention_class + 1));
  row.created_at_us = 1'700'000'000'000'000 + retention_class;
  return row;
}

using KeyStoreConformanceTest = testing::KeyStoreConformanceFixture;

TEST_P(KeyStoreConformanceTest, DataKeyRoundTripsAcrossReopen) {
  {
    auto tx = Begin(true);
    ASSERT_TRUE(tx->InsertDataKey(MakeKey("cus_a", 0)).ok());
    ASSERT_TRUE(tx->InsertDataKey(MakeKey("cus_a", 4, 7)).ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  Reopen();

  auto tx = Begin(false);
  auto got = tx->GetDataKey("cus_a", 4);
  ASSERT_TRUE(got.has_value() && got->has_value());
  const DataKeyRow expected = MakeKey("cus_a", 4, 7);
  EXPECT_EQ((*got)->customer_id, "cus_a");
  EXPECT_EQ((*got)->retention_class, 4);
  EXPECT_EQ((*got)->kek_version, 7u);
  EXPECT_EQ((*got)->wrapped, expected.wrapped);
  EXPECT_EQ((*got)->created_at_us, expected.created_at_us);

  auto missing = tx->GetDataKey("cus_a", 2);
  ASSERT_TRUE(missing.has_value());
  EXPECT_FALSE(missing->has_value());
}

TEST_P(KeyStoreConformanceTest, SecondKeyForSameClassIsAlreadyExists) {
  auto tx = Begin(true);
  ASSERT_TRUE(tx->InsertDataKey(MakeKey("cus_a", 1)).ok());
  EXPECT_EQ(tx->InsertDataKey(MakeKey("cus_a", 1, 2)).code(), StatusCode::kAlreadyExists);
  EXPECT_TRUE(tx->InsertDataKey(MakeKey("cus_b", 1)).ok());
}

TEST_P(KeyStoreConformanceTest, UpdateRewrapsAndUnknownKeyIsNotFound) {
  auto tx = Begin(true);
  ASSERT_TRUE(tx->InsertDataKey(MakeKey("cus_a", 1)).ok());
  DataKeyRow rewrapped = MakeKey("cus_a", 1, 2);
  rewrapped.wrapped = Bytes(72, 0xee);
  ASSERT_TRUE(tx->UpdateDataKey(rewrapped).ok());
  auto got = tx->GetDataKey("cus_a", 1);
  ASSERT_TRUE(got.has_value() && got->has_value());
  EXPECT_EQ((*got)->kek_version, 2u);
  EXPECT_EQ((*got)->wrapped, rewrapped.wrapped);
  EXPECT_EQ(tx->UpdateDataKey(MakeKey("cus_nobody", 1)).code(), StatusCode::kNotFound);
}

TEST_P(KeyStoreConformanceTest, DeleteShredsEveryKeyOfTheCustomer) {
  {
    auto tx = Begin(true);
    ASSERT_TRUE(tx->InsertDataKey(MakeKey("cus_a", 0)).ok());
    ASSERT_TRUE(tx->InsertDataKey(MakeKey("cus_a", 1)).ok());
    ASSERT_TRUE(tx->InsertDataKey(MakeKey("cus_b", 0)).ok());
    auto deleted = tx->DeleteDataKeys("cus_a");
    ASSERT_TRUE(deleted.has_value());
    EXPECT_EQ(*deleted, 2u);
    auto none = tx->DeleteDataKeys("cus_a");
    ASSERT_TRUE(none.has_value());
    EXPECT_EQ(*none, 0u);
    ASSERT_TRUE(tx->Commit().ok());
  }
  auto tx = Begin(false);
  auto gone = tx->GetDataKey("cus_a", 0);
  ASSERT_TRUE(gone.has_value());
  EXPECT_FALSE(gone->has_value());
  auto kept = tx->GetDataKey("cus_b", 0);
  ASSERT_TRUE(kept.has_value());
  EXPECT_TRUE(kept->has_value());
}

TEST_P(KeyStoreConformanceTest, ListsEachKeyedCustomerOnceWithPaging) {
  {
    auto tx = Begin(true);
    for (const char* id : {"cus_c", "cus_a", "cus_b", "cus_d", "cus_e"}) {
      ASSERT_TRUE(tx->InsertDataKey(MakeKey(id, 0)).ok());
      ASSERT_TRUE(tx->InsertDataKey(MakeKey(id, 1)).ok());
    }
    ASSERT_TRUE(tx->Commit().ok());
  }
  auto tx = Begin(false);
  auto first = tx->ListKeyedCustomerIds(std::nullopt, 2);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(*first, (std::vector<std::string>{"cus_a", "cus_b"}));
  auto second = tx->ListKeyedCustomerIds("cus_b", 10);
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(*second, (std::vector<std::string>{"cus_c", "cus_d", "cus_e"}));
  // Paging survives the "after" customer being shredded meanwhile.
  auto after_missing = tx->ListKeyedCustomerIds("cus_bb", 10);
  ASSERT_TRUE(after_missing.has_value());
  EXPECT_EQ(*after_missing, (std::vector<std::string>{"cus_c", "cus_d", "cus_e"}));
}

TEST_P(KeyStoreConformanceTest, DeleteDataKeyRemovesOnlyThatRetentionClass) {
  {
    auto tx = Begin(true);
    ASSERT_TRUE(tx->InsertDataKey(MakeKey("cus_a", 1)).ok());
    ASSERT_TRUE(tx->InsertDataKey(MakeKey("cus_a", 2)).ok());
    ASSERT_TRUE(tx->InsertDataKey(MakeKey("cus_b", 1)).ok());
    auto deleted = tx->DeleteDataKey("cus_a", 1);
    ASSERT_TRUE(deleted.has_value()) << deleted.error().ToString();
    EXPECT_EQ(*deleted, 1u);
    auto again = tx->DeleteDataKey("cus_a", 1);
    ASSERT_TRUE(again.has_value());
    EXPECT_EQ(*again, 0u);
    auto unknown = tx->DeleteDataKey("cus_nobody", 1);
    ASSERT_TRUE(unknown.has_value());
    EXPECT_EQ(*unknown, 0u);
    ASSERT_TRUE(tx->Commit().ok());
  }
  auto tx = Begin(false);
  auto gone = tx->GetDataKey("cus_a", 1);
  ASSERT_TRUE(gone.has_value());
  EXPECT_FALSE(gone->has_value());
  for (const auto& [customer, retention_class] :
       {std::pair<std::string, int>{"cus_a", 2},
        std::pair<std::string, int>{"cus_b", 1}}) {
    auto kept = tx->GetDataKey(customer, retention_class);
    ASSERT_TRUE(kept.has_value());
    EXPECT_TRUE(kept->has_value()) << customer << " " << retention_class;
  }
}

TEST_P(KeyStoreConformanceTest, ListDataKeysNotAtKekGivesWholeRowsInKeyOrder) {
  {
    auto tx = Begin(true);
    ASSERT_TRUE(tx->InsertDataKey(MakeKey("cus_c", 1, 1)).ok());
    ASSERT_TRUE(tx->InsertDataKey(MakeKey("cus_a", 2, 1)).ok());
    ASSERT_TRUE(tx->InsertDataKey(MakeKey("cus_a", 1, 3)).ok());
    ASSERT_TRUE(tx->InsertDataKey(MakeKey("cus_b", 1, 2)).ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  auto tx = Begin(false);
  auto rows = tx->ListDataKeysNotAtKek(2, std::nullopt, 10);
  ASSERT_TRUE(rows.has_value()) << rows.error().ToString();
  ASSERT_EQ(rows->size(), 3u);
  const DataKeyRow expected[] = {MakeKey("cus_a", 1, 3), MakeKey("cus_a", 2, 1),
                                 MakeKey("cus_c", 1, 1)};
  for (std::size_t i = 0; i < rows->size(); ++i) {
    const DataKeyRow& got = (*rows)[i];
    EXPECT_EQ(got.customer_id, expected[i].customer_id) << i;
    EXPECT_EQ(got.retention_class, expected[i].retention_class) << i;
    EXPECT_EQ(got.kek_version, expected[i].kek_version) << i;
    EXPECT_EQ(got.wrapped, expected[i].wrapped) << i;
    EXPECT_EQ(got.created_at_us, expected[i].created_at_us) << i;
  }
  auto none = tx->ListDataKeysNotAtKek(2, std::nullopt, 0);
  ASSERT_TRUE(none.has_value());
  EXPECT_TRUE(none->empty());
  // From a cursor: strictly after it, same order.
  auto after = tx->ListDataKeysNotAtKek(2, KeyTransaction::DataKeyCursor{"cus_a", 1}, 10);
  ASSERT_TRUE(after.has_value());
  ASSERT_EQ(after->size(), 2u);
  EXPECT_EQ((*after)[0].customer_id, "cus_a");
  EXPECT_EQ((*after)[0].retention_class, 2);
  EXPECT_EQ((*after)[1].customer_id, "cus_c");
  auto past_end =
      tx->ListDataKeysNotAtKek(2, KeyTransaction::DataKeyCursor{"cus_c", 1}, 10);
  ASSERT_TRUE(past_end.has_value());
  EXPECT_TRUE(past_end->empty());
}

TEST_P(KeyStoreConformanceTest, RewrappingPageByPageEmptiesTheList) {
  {
    auto tx = Begin(true);
    for (const char* id : {"cus_e", "cus_b", "cus_d", "cus_a", "cus_c"}) {
      ASSERT_TRUE(tx->InsertDataKey(MakeKey(id, 1, 1)).ok());
    }
    ASSERT_TRUE(tx->Commit().ok());
  }
  std::vector<std::string> rewrapped;
  std::optional<KeyTransaction::DataKeyCursor> cursor;
  for (int page = 0; page < 10; ++page) {
    auto tx = Begin(true);
    auto rows = tx->ListDataKeysNotAtKek(2, cursor, 2);
    ASSERT_TRUE(rows.has_value()) << rows.error().ToString();
    if (rows->empty()) break;
    cursor = KeyTransaction::DataKeyCursor{rows->back().customer_id,
                                           rows->back().retention_class};
    EXPECT_LE(rows->size(), 2u);
    for (DataKeyRow row : *rows) {
      row.kek_version = 2;
      row.wrapped = Bytes(72, 0x22);
      ASSERT_TRUE(tx->UpdateDataKey(row).ok());
      rewrapped.push_back(row.customer_id);
    }
    ASSERT_TRUE(tx->Commit().ok());
  }
  EXPECT_EQ(rewrapped,
            (std::vector<std::string>{"cus_a", "cus_b", "cus_c", "cus_d", "cus_e"}));
  auto tx = Begin(false);
  auto counts = tx->CountDataKeysByKek();
  ASSERT_TRUE(counts.has_value());
  EXPECT_EQ(*counts, (std::map<std::uint32_t, std::uint64_t>{{2, 5}}));
}

TEST_P(KeyStoreConformanceTest, CountDataKeysByKekCountsEachVersion) {
  {
    auto tx = Begin(false);
    auto empty = tx->CountDataKeysByKek();
    ASSERT_TRUE(empty.has_value()) << empty.error().ToString();
    EXPECT_TRUE(empty->empty());
  }
  {
    auto tx = Begin(true);
    ASSERT_TRUE(tx->InsertDataKey(MakeKey("cus_a", 1, 1)).ok());
    ASSERT_TRUE(tx->InsertDataKey(MakeKey("cus_a", 2, 3)).ok());
    ASSERT_TRUE(tx->InsertDataKey(MakeKey("cus_b", 1, 3)).ok());
    ASSERT_TRUE(tx->InsertDataKey(MakeKey("cus_c", 1, 3)).ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  auto tx = Begin(false);
  auto counts = tx->CountDataKeysByKek();
  ASSERT_TRUE(counts.has_value()) << counts.error().ToString();
  EXPECT_EQ(*counts, (std::map<std::uint32_t, std::uint64_t>{{1, 1}, {3, 3}}));
}

TEST_P(KeyStoreConformanceTest, DestroyingUncommittedTransactionRollsBack) {
  {
    auto tx = Begin(true);
    ASSERT_TRUE(tx->InsertDataKey(MakeKey("cus_a", 0)).ok());
  }
  auto tx = Begin(false);
  auto got = tx->GetDataKey("cus_a", 0);
  ASSERT_TRUE(got.has_value());
  EXPECT_FALSE(got->has_value());
}

TEST_P(KeyStoreConformanceTest, WriteInReadTransactionFails) {
  auto tx = Begin(false);
  EXPECT_EQ(tx->InsertDataKey(MakeKey("cus_a", 0)).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(tx->DeleteDataKeys("cus_a").error().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(tx->DeleteDataKey("cus_a", 0).error().code(),
            StatusCode::kFailedPrecondition);
}

INSTANTIATE_TEST_SUITE_P(Backends, KeyStoreConformanceTest,
                         ::testing::ValuesIn(testing::StoreBackends()),
                         testing::StoreBackendName);

}  // namespace
}  // namespace cvault::store
