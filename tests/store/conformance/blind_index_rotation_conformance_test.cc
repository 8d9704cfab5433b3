// Conformance of every storage backend (tests/testing/store_backends.h) to
// the blind-index rotation part of the VaultTransaction contract
// (store/store.h): next indexes round-trip and stay unique for email, the
// rebuild's remaining work, promotion and abandoning a rotation.
#include <gtest/gtest.h>

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

using BlindIndexRotationConformanceTest = testing::VaultStoreConformanceFixture;

TEST_P(BlindIndexRotationConformanceTest, NextIndexesRoundTripThroughInsertAndUpdate) {
  CustomerRow row = MakeCustomer("cus_a", "a");
  row.email_index_next = TextBytes("next-email-a");
  row.phone_index_next = TextBytes("next-phone-a");
  {
    auto tx = Begin(true);
    ASSERT_TRUE(tx->InsertCustomer(row).ok());
    ASSERT_TRUE(tx->InsertCustomer(MakeCustomer("cus_b", "b")).ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  Reopen();
  {
    auto tx = Begin(true);
    auto got = tx->GetCustomer("cus_a");
    ASSERT_TRUE(got.has_value() && got->has_value());
    EXPECT_EQ((*got)->email_index_next, TextBytes("next-email-a"));
    EXPECT_EQ((*got)->phone_index_next, TextBytes("next-phone-a"));
    EXPECT_EQ((*got)->email_index, row.email_index);
    auto plain = tx->GetCustomer("cus_b");
    ASSERT_TRUE(plain.has_value() && plain->has_value());
    EXPECT_FALSE((*plain)->email_index_next.has_value());
    EXPECT_FALSE((*plain)->phone_index_next.has_value());

    CustomerRow changed = **got;
    changed.email_index_next = std::nullopt;
    changed.phone_index_next = TextBytes("next-phone-a2");
    ASSERT_TRUE(tx->UpdateCustomer(changed).ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  auto tx = Begin(false);
  auto got = tx->GetCustomer("cus_a");
  ASSERT_TRUE(got.has_value() && got->has_value());
  EXPECT_FALSE((*got)->email_index_next.has_value());
  EXPECT_EQ((*got)->phone_index_next, TextBytes("next-phone-a2"));
}

TEST_P(BlindIndexRotationConformanceTest, SetNextIndexesChangesOnlyTheNextColumns) {
  auto tx = Begin(true);
  ASSERT_TRUE(tx->InsertCustomer(MakeCustomer("cus_a", "a")).ok());
  ASSERT_TRUE(tx->InsertCustomer(MakeCustomer("cus_b", "b")).ok());
  ASSERT_TRUE(
      tx->SetNextIndexes("cus_a", TextBytes("next-a"), TextBytes("next-phone")).ok());
  // The next email index may equal another customer's current one: the two
  // belong to different keys.
  ASSERT_TRUE(tx->SetNextIndexes("cus_b", TextBytes("email-index-a"), std::nullopt).ok());

  auto a = tx->GetCustomer("cus_a");
  ASSERT_TRUE(a.has_value() && a->has_value());
  EXPECT_EQ((*a)->email_index_next, TextBytes("next-a"));
  EXPECT_EQ((*a)->phone_index_next, TextBytes("next-phone"));
  EXPECT_EQ((*a)->email_index, TextBytes("email-index-a"));
  EXPECT_EQ((*a)->phone_index, TextBytes("phone-index-shared"));
  EXPECT_EQ((*a)->fields, MakeCustomer("cus_a", "a").fields);
  auto b = tx->GetCustomer("cus_b");
  ASSERT_TRUE(b.has_value() && b->has_value());
  EXPECT_EQ((*b)->email_index_next, TextBytes("email-index-a"));
  EXPECT_FALSE((*b)->phone_index_next.has_value());

  // Lookups keep using the current indexes until promotion.
  auto by_email = tx->FindByEmailIndex(TextBytes("next-a"));
  ASSERT_TRUE(by_email.has_value());
  EXPECT_TRUE(by_email->empty());
}

TEST_P(BlindIndexRotationConformanceTest,
       SetNextIndexesRefusesTakenEmailAndUnknownCustomer) {
  auto tx = Begin(true);
  ASSERT_TRUE(tx->InsertCustomer(MakeCustomer("cus_a", "a")).ok());
  ASSERT_TRUE(tx->InsertCustomer(MakeCustomer("cus_b", "b")).ok());
  ASSERT_TRUE(tx->SetNextIndexes("cus_a", TextBytes("next-shared"), std::nullopt).ok());

  Status taken = tx->SetNextIndexes("cus_b", TextBytes("next-shared"), std::nullopt);
  EXPECT_EQ(taken.code(), StatusCode::kAlreadyExists);
  EXPECT_NE(taken.message().find("email"), std::string::npos);
  EXPECT_EQ(taken.message().find("next-shared"), std::string::npos);

  CustomerRow inserted = MakeCustomer("cus_c", "c");
  inserted.email_index_next = TextBytes("next-shared");
  EXPECT_EQ(tx->InsertCustomer(inserted).code(), StatusCode::kAlreadyExists);

  Status missing = tx->SetNextIndexes("cus_nobody", TextBytes("next-x"), std::nullopt);
  EXPECT_EQ(missing.code(), StatusCode::kNotFound);

  // Several customers may lack a next email index at once, and a phone
  // index is not unique.
  ASSERT_TRUE(tx->SetNextIndexes("cus_a", std::nullopt, TextBytes("next-phone")).ok());
  ASSERT_TRUE(tx->SetNextIndexes("cus_b", std::nullopt, TextBytes("next-phone")).ok());
  auto b = tx->GetCustomer("cus_b");
  ASSERT_TRUE(b.has_value() && b->has_value());
  EXPECT_FALSE((*b)->email_index_next.has_value());
}

TEST_P(BlindIndexRotationConformanceTest,
       ListsCustomersMissingANextIndexInIdOrder) {
  {
    auto tx = Begin(true);
    // email and phone set, no next index: missing.
    ASSERT_TRUE(tx->InsertCustomer(MakeCustomer("cus_z_both", "z")).ok());
    // email set with its next index, no phone: done.
    CustomerRow email_only = MakeCustomer("cus_y_email_done", "y");
    email_only.fields[2] = std::nullopt;
    email_only.phone_index = std::nullopt;
    email_only.email_index_next = TextBytes("next-y");
    ASSERT_TRUE(tx->InsertCustomer(email_only).ok());
    // email done but phone not: missing.
    CustomerRow phone_missing = MakeCustomer("cus_x_phone_missing", "x");
    phone_missing.email_index_next = TextBytes("next-x");
    ASSERT_TRUE(tx->InsertCustomer(phone_missing).ok());
    // Neither email nor phone: nothing to index.
    CustomerRow bare = MakeCustomer("cus_w_bare", "w");
    bare.fields[1] = std::nullopt;
    bare.fields[2] = std::nullopt;
    bare.email_index = std::nullopt;
    bare.phone_index = std::nullopt;
    ASSERT_TRUE(tx->InsertCustomer(bare).ok());
    // phone done but email not: missing.
    CustomerRow email_missing = MakeCustomer("cus_v_email_missing", "v");
    email_missing.phone_index_next = TextBytes("next-phone");
    ASSERT_TRUE(tx->InsertCustomer(email_missing).ok());
    // Both done.
    CustomerRow done = MakeCustomer("cus_u_done", "u");
    done.email_index_next = TextBytes("next-u");
    done.phone_index_next = TextBytes("next-phone");
    ASSERT_TRUE(tx->InsertCustomer(done).ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  auto tx = Begin(true);
  auto all = tx->ListCustomersMissingNextIndex(std::nullopt, 100);
  ASSERT_TRUE(all.has_value()) << all.error().ToString();
  EXPECT_EQ(*all, (std::vector<std::string>{"cus_v_email_missing", "cus_x_phone_missing",
                                            "cus_z_both"}));

  auto first = tx->ListCustomersMissingNextIndex(std::nullopt, 1);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(*first, std::vector<std::string>{"cus_v_email_missing"});
  // Paging resumes after a customer that is itself not listed.
  auto after_bare = tx->ListCustomersMissingNextIndex("cus_w_bare", 1);
  ASSERT_TRUE(after_bare.has_value());
  EXPECT_EQ(*after_bare, std::vector<std::string>{"cus_x_phone_missing"});
  auto rest = tx->ListCustomersMissingNextIndex("cus_x_phone_missing", 100);
  ASSERT_TRUE(rest.has_value());
  EXPECT_EQ(*rest, std::vector<std::string>{"cus_z_both"});
  // ... or after one that does not exist at all.
  auto after_gone = tx->ListCustomersMissingNextIndex("cus_w", 10);
  ASSERT_TRUE(after_gone.has_value()) << after_gone.error().ToString();
  EXPECT_EQ(*after_gone, (std::vector<std::string>{"cus_x_phone_missing", "cus_z_both"}));

  // Filling in the indexes finishes the work.
  ASSERT_TRUE(
      tx->SetNextIndexes("cus_z_both", TextBytes("next-z"), TextBytes("next-phone"))
          .ok());
  ASSERT_TRUE(tx->SetNextIndexes("cus_x_phone_missing", TextBytes("next-x"),
                                 TextBytes("next-phone"))
                  .ok());
  ASSERT_TRUE(tx->SetNextIndexes("cus_v_email_missing", TextBytes("next-v"),
                                 TextBytes("next-phone"))
                  .ok());
  auto none = tx->ListCustomersMissingNextIndex(std::nullopt, 100);
  ASSERT_TRUE(none.has_value());
  EXPECT_TRUE(none->empty());
}

TEST_P(BlindIndexRotationConformanceTest, PromoteMovesNextIndexesIntoPlaceAndClearsThem) {
  {
    auto tx = Begin(true);
    ASSERT_TRUE(tx->InsertCustomer(MakeCustomer("cus_a", "a")).ok());
    ASSERT_TRUE(tx->InsertCustomer(MakeCustomer("cus_b", "b")).ok());
    ASSERT_TRUE(tx->InsertCustomer(MakeCustomer("cus_untouched", "u")).ok());
    // Each takes the other's current email index, the worst case for a
    // row-by-row copy under the UNIQUE constraint.
    ASSERT_TRUE(
        tx->SetNextIndexes("cus_a", TextBytes("email-index-b"), TextBytes("phone-new"))
            .ok());
    ASSERT_TRUE(
        tx->SetNextIndexes("cus_b", TextBytes("email-index-a"), std::nullopt).ok());
    auto promoted = tx->PromoteNextIndexes();
    ASSERT_TRUE(promoted.has_value()) << promoted.error().ToString();
    EXPECT_EQ(*promoted, 2u);
    ASSERT_TRUE(tx->Commit().ok());
  }
  auto tx = Begin(true);
  auto a = tx->GetCustomer("cus_a");
  ASSERT_TRUE(a.has_value() && a->has_value());
  EXPECT_EQ((*a)->email_index, TextBytes("email-index-b"));
  EXPECT_EQ((*a)->phone_index, TextBytes("phone-new"));
  EXPECT_FALSE((*a)->email_index_next.has_value());
  EXPECT_FALSE((*a)->phone_index_next.has_value());
  auto b = tx->GetCustomer("cus_b");
  ASSERT_TRUE(b.has_value() && b->has_value());
  EXPECT_EQ((*b)->email_index, TextBytes("email-index-a"));
  EXPECT_FALSE((*b)->phone_index.has_value()) << "no next phone index: none now";
  auto untouched = tx->GetCustomer("cus_untouched");
  ASSERT_TRUE(untouched.has_value() && untouched->has_value());
  EXPECT_EQ((*untouched)->email_index, TextBytes("email-index-u"));
  EXPECT_EQ((*untouched)->phone_index, TextBytes("phone-index-shared"));

  auto by_email = tx->FindByEmailIndex(TextBytes("email-index-a"));
  ASSERT_TRUE(by_email.has_value());
  EXPECT_EQ(*by_email, std::vector<std::string>{"cus_b"});
  auto by_phone = tx->FindByPhoneIndex(TextBytes("phone-new"));
  ASSERT_TRUE(by_phone.has_value());
  EXPECT_EQ(*by_phone, std::vector<std::string>{"cus_a"});

  auto again = tx->PromoteNextIndexes();
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(*again, 0u);
}

TEST_P(BlindIndexRotationConformanceTest, ClearNextIndexesAbandonsARotation) {
  auto tx = Begin(true);
  ASSERT_TRUE(tx->InsertCustomer(MakeCustomer("cus_a", "a")).ok());
  ASSERT_TRUE(tx->InsertCustomer(MakeCustomer("cus_b", "b")).ok());
  ASSERT_TRUE(
      tx->SetNextIndexes("cus_a", TextBytes("next-a"), TextBytes("next-phone")).ok());
  ASSERT_TRUE(tx->SetNextIndexes("cus_b", std::nullopt, TextBytes("next-phone")).ok());
  ASSERT_TRUE(tx->ClearNextIndexes().ok());
  for (const char* id : {"cus_a", "cus_b"}) {
    auto got = tx->GetCustomer(id);
    ASSERT_TRUE(got.has_value() && got->has_value()) << id;
    EXPECT_FALSE((*got)->email_index_next.has_value()) << id;
    EXPECT_FALSE((*got)->phone_index_next.has_value()) << id;
    EXPECT_EQ((*got)->phone_index, TextBytes("phone-index-shared")) << id;
  }
  auto a = tx->GetCustomer("cus_a");
  ASSERT_TRUE(a.has_value() && a->has_value());
  EXPECT_EQ((*a)->email_index, TextBytes("email-index-a"));
  auto promoted = tx->PromoteNextIndexes();
  ASSERT_TRUE(promoted.has_value());
  EXPECT_EQ(*promoted, 0u);
  // The cleared next email index is free again.
  EXPECT_TRUE(tx->SetNextIndexes("cus_b", TextBytes("next-a"), std::nullopt).ok());
}

INSTANTIATE_TEST_SUITE_P(Backends, BlindIndexRotationConformanceTest,
                         ::testing::ValuesIn(testing::StoreBackends()),
                         testing::StoreBackendName);

}  // namespace
}  // namespace cvault::store
