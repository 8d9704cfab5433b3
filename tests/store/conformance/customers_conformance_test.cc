// Conformance of every storage backend (tests/testing/store_backends.h) to
// the customer part of the VaultTransaction contract (store/store.h): rows
// round-trip across a reopen, updates replace what may change, ids and email
// indexes are unique, lookups by blind index, listing order and paging, and
// deletion.
#include <gtest/gtest.h>

#include <algorithm>

#include <optional>
#include <string>
#include <vector>

#include "cvault/status.h"
#include "store/store.h"
#include "tests/testing/store_backends.h"
#include "tests/testing/store_rows.h"

namespace cvault::store {
namespace {

using testing::MakeCustomer;
using testing::TextBytes;

using CustomerConformanceTest = testing::VaultStoreConformanceFixture;

TEST_P(CustomerConformanceTest, CustomerRoundTripsAcrossReopen) {
  CustomerRow row = MakeCustomer("cus_a", "a@example.com");
  row.restricted = true;
  row.fields[2] = std::nullopt;  // no phone
  row.fields[6] = Bytes();       // present but empty stays empty, not NULL
  row.phone_index = std::nullopt;
  {
    auto tx = Begin(true);
    ASSERT_TRUE(tx->InsertCustomer(row).ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  Reopen();
  auto tx = Begin(false);
  auto got = tx->GetCustomer("cus_a");
  ASSERT_TRUE(got.has_value()) << got.error().ToString();
  ASSERT_TRUE(got->has_value());
  const CustomerRow& back = **got;
  EXPECT_EQ(back.id, row.id);
  EXPECT_EQ(back.created_at_us, row.created_at_us);
  EXPECT_EQ(back.updated_at_us, row.updated_at_us);
  EXPECT_TRUE(back.restricted);
  EXPECT_EQ(back.fields, row.fields);
  EXPECT_EQ(back.email_index, row.email_index);
  EXPECT_FALSE(back.phone_index.has_value());

  auto missing = tx->GetCustomer("cus_missing");
  ASSERT_TRUE(missing.has_value());
  EXPECT_FALSE(missing->has_value());
}

TEST_P(CustomerConformanceTest, UpdateCustomerReplacesFieldsButKeepsCreatedAt) {
  auto tx = Begin(true);
  ASSERT_TRUE(tx->InsertCustomer(MakeCustomer("cus_a", "a")).ok());
  CustomerRow changed = MakeCustomer("cus_a", "a2");
  changed.created_at_us = 5;  // ignored by UpdateCustomer
  changed.updated_at_us = 42;
  changed.restricted = true;
  changed.fields[0] = TextBytes("new name ciphertext");
  changed.email_index = std::nullopt;
  ASSERT_TRUE(tx->UpdateCustomer(changed).ok());
  auto got = tx->GetCustomer("cus_a");
  ASSERT_TRUE(got.has_value() && got->has_value());
  EXPECT_EQ((*got)->created_at_us, MakeCustomer("cus_a", "a").created_at_us);
  EXPECT_EQ((*got)->updated_at_us, 42);
  EXPECT_TRUE((*got)->restricted);
  EXPECT_EQ((*got)->fields[0], TextBytes("new name ciphertext"));
  EXPECT_FALSE((*got)->email_index.has_value());
}

TEST_P(CustomerConformanceTest, UpdateOfUnknownCustomerIsNotFound) {
  auto tx = Begin(true);
  EXPECT_EQ(tx->UpdateCustomer(MakeCustomer("cus_nobody", "x")).code(),
            StatusCode::kNotFound);
}

TEST_P(CustomerConformanceTest, DuplicateIdOrEmailIndexIsAlreadyExists) {
  auto tx = Begin(true);
  ASSERT_TRUE(tx->InsertCustomer(MakeCustomer("cus_a", "a")).ok());
  ASSERT_TRUE(tx->InsertCustomer(MakeCustomer("cus_b", "b")).ok());

  Status same_id = tx->InsertCustomer(MakeCustomer("cus_a", "other"));
  EXPECT_EQ(same_id.code(), StatusCode::kAlreadyExists);
  EXPECT_NE(same_id.message().find("id"), std::string::npos);

  Status same_email = tx->InsertCustomer(MakeCustomer("cus_c", "a"));
  EXPECT_EQ(same_email.code(), StatusCode::kAlreadyExists);
  EXPECT_NE(same_email.message().find("email"), std::string::npos);
  // The message never carries the index bytes.
  EXPECT_EQ(same_email.message().find("email-index-a"), std::string::npos);

  Status update_to_taken = tx->UpdateCustomer(MakeCustomer("cus_b", "a"));
  EXPECT_EQ(update_to_taken.code(), StatusCode::kAlreadyExists);

  // A refused statement does not spoil the transaction.
  ASSERT_TRUE(tx->InsertCustomer(MakeCustomer("cus_d", "d")).ok());
  ASSERT_TRUE(tx->Commit().ok());
  auto read = Begin(false);
  auto ids = read->ListCustomerIds(std::nullopt, 10);
  ASSERT_TRUE(ids.has_value());
  EXPECT_EQ(*ids, (std::vector<std::string>{"cus_a", "cus_b", "cus_d"}));
}

TEST_P(CustomerConformanceTest, CustomersWithoutEmailIndexDoNotClash) {
  auto tx = Begin(true);
  for (const char* id : {"cus_1", "cus_2"}) {
    CustomerRow row = MakeCustomer(id, "");
    row.email_index = std::nullopt;
    ASSERT_TRUE(tx->InsertCustomer(row).ok()) << id;
  }
}

TEST_P(CustomerConformanceTest, FindsCustomersByBlindIndexes) {
  auto tx = Begin(true);
  ASSERT_TRUE(tx->InsertCustomer(MakeCustomer("cus_a", "a")).ok());
  ASSERT_TRUE(tx->InsertCustomer(MakeCustomer("cus_b", "b")).ok());
  auto by_email = tx->FindByEmailIndex(TextBytes("email-index-b"));
  ASSERT_TRUE(by_email.has_value());
  EXPECT_EQ(*by_email, std::vector<std::string>{"cus_b"});
  auto by_phone = tx->FindByPhoneIndex(TextBytes("phone-index-shared"));
  ASSERT_TRUE(by_phone.has_value());
  EXPECT_EQ(*by_phone, (std::vector<std::string>{"cus_a", "cus_b"}));
  auto none = tx->FindByEmailIndex(TextBytes("email-index-zzz"));
  ASSERT_TRUE(none.has_value());
  EXPECT_TRUE(none->empty());
}

TEST_P(CustomerConformanceTest, ListsIdsInIdOrderWithPaging) {
  std::vector<std::string> inserted;
  {
    auto tx = Begin(true);
    // Inserted deliberately out of id order: the listing does not follow
    // insertion.
    for (int i = 0; i < 25; ++i) {
      std::string id = "cus_" + std::to_string((i * 7) % 25) + "_" +
                       std::string(1, static_cast<char>('z' - i));
      ASSERT_TRUE(tx->InsertCustomer(MakeCustomer(id, id)).ok());
      inserted.push_back(id);
    }
    ASSERT_TRUE(tx->Commit().ok());
  }
  std::vector<std::string> sorted = inserted;
  std::sort(sorted.begin(), sorted.end());
  auto tx = Begin(false);
  std::vector<std::string> listed;
  std::optional<std::string> after;
  int pages = 0;
  while (true) {
    auto page = tx->ListCustomerIds(after, 10);
    ASSERT_TRUE(page.has_value()) << page.error().ToString();
    if (page->empty()) break;
    ++pages;
    EXPECT_LE(page->size(), 10u);
    listed.insert(listed.end(), page->begin(), page->end());
    after = page->back();
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(listed, sorted);

  auto zero = tx->ListCustomerIds(std::nullopt, 0);
  ASSERT_TRUE(zero.has_value());
  EXPECT_TRUE(zero->empty());
}

TEST_P(CustomerConformanceTest, ListingResumesAfterACustomerThatIsGone) {
  {
    auto tx = Begin(true);
    for (const char* id : {"cus_a", "cus_b", "cus_c"}) {
      ASSERT_TRUE(tx->InsertCustomer(MakeCustomer(id, id)).ok());
    }
    ASSERT_TRUE(tx->Commit().ok());
  }
  {
    auto tx = Begin(true);
    ASSERT_EQ(tx->DeleteCustomer("cus_b").value_or(0), 1u);
    ASSERT_TRUE(tx->Commit().ok());
  }
  auto tx = Begin(false);
  auto page = tx->ListCustomerIds("cus_b", 10);
  ASSERT_TRUE(page.has_value()) << page.error().ToString();
  EXPECT_EQ(*page, (std::vector<std::string>{"cus_c"}));
}

TEST_P(CustomerConformanceTest, UpdateFromAStaleReadIsAConflictAndWritesNothing) {
  {
    auto tx = Begin(true);
    ASSERT_TRUE(tx->InsertCustomer(MakeCustomer("cus_v", "v@example.com")).ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  store::CustomerRow first_read;
  {
    auto tx = Begin(false);
    auto row = tx->GetCustomer("cus_v");
    ASSERT_TRUE(row.has_value() && row->has_value());
    first_read = **row;
  }
  store::CustomerRow winner = first_read;
  winner.restricted = true;
  winner.updated_at_us = first_read.updated_at_us + 1;
  {
    auto tx = Begin(true);
    ASSERT_TRUE(tx->UpdateCustomer(winner).ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  // A second writer that read before the first one wrote.
  store::CustomerRow loser = first_read;
  loser.updated_at_us = first_read.updated_at_us + 2;
  {
    auto tx = Begin(true);
    const Status lost = tx->UpdateCustomer(loser);
    EXPECT_EQ(lost.code(), StatusCode::kConflict) << lost.ToString();
    EXPECT_TRUE(lost.retryable());
  }
  auto tx = Begin(false);
  auto row = tx->GetCustomer("cus_v");
  ASSERT_TRUE(row.has_value() && row->has_value());
  EXPECT_TRUE((*row)->restricted) << "the first writer's update survives";
  EXPECT_EQ((*row)->updated_at_us, winner.updated_at_us);
  EXPECT_NE((*row)->version, first_read.version) << "every update moves the version";
  // A write from a fresh read goes through.
  store::CustomerRow retried = **row;
  retried.restricted = false;
  tx.reset();
  auto wtx = Begin(true);
  EXPECT_TRUE(wtx->UpdateCustomer(retried).ok());
}

TEST_P(CustomerConformanceTest, DeleteCustomerRemovesOnlyThatCustomer) {
  {
    auto tx = Begin(true);
    ASSERT_TRUE(tx->InsertCustomer(MakeCustomer("cus_a", "a")).ok());
    ASSERT_TRUE(tx->InsertCustomer(MakeCustomer("cus_b", "b")).ok());
    auto deleted = tx->DeleteCustomer("cus_a");
    ASSERT_TRUE(deleted.has_value()) << deleted.error().ToString();
    EXPECT_EQ(*deleted, 1u);
    auto again = tx->DeleteCustomer("cus_a");
    ASSERT_TRUE(again.has_value());
    EXPECT_EQ(*again, 0u);
    auto nobody = tx->DeleteCustomer("cus_nobody");
    ASSERT_TRUE(nobody.has_value());
    EXPECT_EQ(*nobody, 0u);
    ASSERT_TRUE(tx->Commit().ok());
  }
  Reopen();
  auto tx = Begin(true);
  auto gone = tx->GetCustomer("cus_a");
  ASSERT_TRUE(gone.has_value());
  EXPECT_FALSE(gone->has_value());
  auto ids = tx->ListCustomerIds(std::nullopt, 10);
  ASSERT_TRUE(ids.has_value());
  EXPECT_EQ(*ids, std::vector<std::string>{"cus_b"});
  auto by_phone = tx->FindByPhoneIndex(TextBytes("phone-index-shared"));
  ASSERT_TRUE(by_phone.has_value());
  EXPECT_EQ(*by_phone, std::vector<std::string>{"cus_b"});
  // The erased customer's email index is free for a new customer.
  EXPECT_TRUE(tx->InsertCustomer(MakeCustomer("cus_new", "a")).ok());
}

INSTANTIATE_TEST_SUITE_P(Backends, CustomerConformanceTest,
                         ::testing::ValuesIn(testing::StoreBackends()),
                         testing::StoreBackendName);

}  // namespace
}  // namespace cvault::store
