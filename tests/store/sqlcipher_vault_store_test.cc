// Behaviour of the SQLCipher vault store: every row type round-trips,
// listing order and paging, uniqueness, transactions and the audit sequence.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "cvault/secret_bytes.h"
#include "store/sqlcipher/sqlcipher_store.h"
#include "store/store.h"
#include "tests/testing/sqlcipher_fixture.h"

namespace cvault::store {
namespace {

Bytes B(std::string_view text) { return Bytes(text.begin(), text.end()); }

CustomerRow MakeCustomer(const std::string& id, const std::string& email) {
  CustomerRow row;
  row.id = id;
  row.created_at_us = 1'700'000'000'000'000;
  row.updated_at_us = 1'700'000'000'000'001;
  row.restricted = false;
  for (std::size_t i = 0; i < kCustomerFieldCount; ++i) {
    row.fields[i] = B("ciphertext-" + std::to_string(i) + "-" + id);
  }
  row.email_index = B("email-index-" + email);
  row.phone_index = B("phone-index-shared");
  return row;
}

AuditRow MakeAudit(std::uint64_t sequence) {
  AuditRow row;
  row.sequence = sequence;
  row.time_us = 1'000 + static_cast<std::int64_t>(sequence);
  row.principal_id = "svc-refunds";
  row.role = "refund-service";
  row.action = "customer.read";
  row.purpose = "refund_processing";
  row.subject = "abcdef0123";
  row.fields_requested = "full_name,email";
  row.fields_returned = "full_name";
  row.decision = "partial";
  row.reason_code = "ok";
  row.request_id = "req-" + std::to_string(sequence);
  row.previous_hash = Bytes(32, static_cast<std::uint8_t>(sequence - 1));
  row.entry_hash = Bytes(32, static_cast<std::uint8_t>(sequence));
  return row;
}

using SqlcipherVaultStoreTest = testing::SqlcipherVaultStoreFixture;

TEST_F(SqlcipherVaultStoreTest, CustomerRoundTripsAcrossReopen) {
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

TEST_F(SqlcipherVaultStoreTest, UpdateCustomerReplacesFieldsButKeepsCreatedAt) {
  auto tx = Begin(true);
  ASSERT_TRUE(tx->InsertCustomer(MakeCustomer("cus_a", "a")).ok());
  CustomerRow changed = MakeCustomer("cus_a", "a2");
  changed.created_at_us = 5;  // ignored by UpdateCustomer
  changed.updated_at_us = 42;
  changed.restricted = true;
  changed.fields[0] = B("new name ciphertext");
  changed.email_index = std::nullopt;
  ASSERT_TRUE(tx->UpdateCustomer(changed).ok());
  auto got = tx->GetCustomer("cus_a");
  ASSERT_TRUE(got.has_value() && got->has_value());
  EXPECT_EQ((*got)->created_at_us, MakeCustomer("cus_a", "a").created_at_us);
  EXPECT_EQ((*got)->updated_at_us, 42);
  EXPECT_TRUE((*got)->restricted);
  EXPECT_EQ((*got)->fields[0], B("new name ciphertext"));
  EXPECT_FALSE((*got)->email_index.has_value());
}

TEST_F(SqlcipherVaultStoreTest, UpdateOfUnknownCustomerIsNotFound) {
  auto tx = Begin(true);
  EXPECT_EQ(tx->UpdateCustomer(MakeCustomer("cus_nobody", "x")).code(),
            StatusCode::kNotFound);
}

TEST_F(SqlcipherVaultStoreTest, DuplicateIdOrEmailIndexIsAlreadyExists) {
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

TEST_F(SqlcipherVaultStoreTest, CustomersWithoutEmailIndexDoNotClash) {
  auto tx = Begin(true);
  for (const char* id : {"cus_1", "cus_2"}) {
    CustomerRow row = MakeCustomer(id, "");
    row.email_index = std::nullopt;
    ASSERT_TRUE(tx->InsertCustomer(row).ok()) << id;
  }
}

TEST_F(SqlcipherVaultStoreTest, FindsCustomersByBlindIndexes) {
  auto tx = Begin(true);
  ASSERT_TRUE(tx->InsertCustomer(MakeCustomer("cus_a", "a")).ok());
  ASSERT_TRUE(tx->InsertCustomer(MakeCustomer("cus_b", "b")).ok());
  auto by_email = tx->FindByEmailIndex(B("email-index-b"));
  ASSERT_TRUE(by_email.has_value());
  EXPECT_EQ(*by_email, std::vector<std::string>{"cus_b"});
  auto by_phone = tx->FindByPhoneIndex(B("phone-index-shared"));
  ASSERT_TRUE(by_phone.has_value());
  EXPECT_EQ(*by_phone, (std::vector<std::string>{"cus_a", "cus_b"}));
  auto none = tx->FindByEmailIndex(B("email-index-zzz"));
  ASSERT_TRUE(none.has_value());
  EXPECT_TRUE(none->empty());
}

TEST_F(SqlcipherVaultStoreTest, ListsIdsInInsertionOrderWithPaging) {
  std::vector<std::string> inserted;
  {
    auto tx = Begin(true);
    // Ids deliberately out of lexical order.
    for (int i = 0; i < 25; ++i) {
      std::string id = "cus_" + std::to_string((i * 7) % 25) + "_" +
                       std::string(1, static_cast<char>('z' - i));
      ASSERT_TRUE(tx->InsertCustomer(MakeCustomer(id, id)).ok());
      inserted.push_back(id);
    }
    ASSERT_TRUE(tx->Commit().ok());
  }
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
  EXPECT_EQ(listed, inserted);

  auto zero = tx->ListCustomerIds(std::nullopt, 0);
  ASSERT_TRUE(zero.has_value());
  EXPECT_TRUE(zero->empty());
  EXPECT_EQ(tx->ListCustomerIds("cus_gone", 10).error().code(),
            StatusCode::kNotFound);
}

TEST_F(SqlcipherVaultStoreTest, DestroyingUncommittedTransactionRollsBack) {
  {
    auto tx = Begin(true);
    ASSERT_TRUE(tx->InsertCustomer(MakeCustomer("cus_a", "a")).ok());
    ASSERT_TRUE(tx->AppendAudit(MakeAudit(1)).ok());
    ASSERT_TRUE(tx->SetMeta("vault_id", "v1").ok());
  }  // no Commit
  auto tx = Begin(false);
  auto customer = tx->GetCustomer("cus_a");
  ASSERT_TRUE(customer.has_value());
  EXPECT_FALSE(customer->has_value());
  auto last = tx->LastAudit();
  ASSERT_TRUE(last.has_value());
  EXPECT_FALSE(last->has_value());
  auto meta = tx->GetMeta("vault_id");
  ASSERT_TRUE(meta.has_value());
  EXPECT_FALSE(meta->has_value());
}

TEST_F(SqlcipherVaultStoreTest, WriteInReadTransactionFails) {
  auto tx = Begin(false);
  EXPECT_EQ(tx->InsertCustomer(MakeCustomer("cus_a", "a")).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(tx->SetMeta("k", "v").code(), StatusCode::kFailedPrecondition);
}

TEST_F(SqlcipherVaultStoreTest, SecondOpenTransactionFails) {
  auto first = Begin(false);
  auto second = store_->Begin(true);
  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error().code(), StatusCode::kFailedPrecondition);
}

TEST_F(SqlcipherVaultStoreTest, UseAfterCommitFails) {
  auto tx = Begin(true);
  ASSERT_TRUE(tx->Commit().ok());
  EXPECT_EQ(tx->SetMeta("k", "v").code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(tx->Commit().code(), StatusCode::kFailedPrecondition);
  // The store is free for a new transaction.
  EXPECT_NE(Begin(true), nullptr);
}

TEST_F(SqlcipherVaultStoreTest, AuditEntriesRoundTripInOrder) {
  {
    auto tx = Begin(true);
    for (std::uint64_t s = 1; s <= 5; ++s) {
      ASSERT_TRUE(tx->AppendAudit(MakeAudit(s)).ok()) << s;
    }
    ASSERT_TRUE(tx->Commit().ok());
  }
  Reopen();
  auto tx = Begin(false);
  auto last = tx->LastAudit();
  ASSERT_TRUE(last.has_value() && last->has_value());
  EXPECT_EQ((*last)->sequence, 5u);

  auto rows = tx->ReadAudit(2, 2);
  ASSERT_TRUE(rows.has_value());
  ASSERT_EQ(rows->size(), 2u);
  const AuditRow expected = MakeAudit(2);
  const AuditRow& got = (*rows)[0];
  EXPECT_EQ(got.sequence, 2u);
  testing::ExpectSameAuditFields(got, expected);
  EXPECT_EQ((*rows)[1].sequence, 3u);

  auto tail = tx->ReadAudit(5, 100);
  ASSERT_TRUE(tail.has_value());
  EXPECT_EQ(tail->size(), 1u);
}

TEST_F(SqlcipherVaultStoreTest, AuditSequenceGapOrRepeatIsRefused) {
  auto tx = Begin(true);
  EXPECT_EQ(tx->AppendAudit(MakeAudit(2)).code(),
            StatusCode::kFailedPrecondition)
      << "the first entry must be sequence 1";
  ASSERT_TRUE(tx->AppendAudit(MakeAudit(1)).ok());
  ASSERT_TRUE(tx->AppendAudit(MakeAudit(2)).ok());
  EXPECT_EQ(tx->AppendAudit(MakeAudit(4)).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(tx->AppendAudit(MakeAudit(2)).code(),
            StatusCode::kFailedPrecondition);
  ASSERT_TRUE(tx->AppendAudit(MakeAudit(3)).ok());
}

TEST_F(SqlcipherVaultStoreTest, EmptyAuditHashesStayEmpty) {
  auto tx = Begin(true);
  AuditRow row = MakeAudit(1);
  row.previous_hash.clear();
  ASSERT_TRUE(tx->AppendAudit(row).ok());
  auto last = tx->LastAudit();
  ASSERT_TRUE(last.has_value() && last->has_value());
  EXPECT_TRUE((*last)->previous_hash.empty());
}

TEST_F(SqlcipherVaultStoreTest, CheckpointsRoundTripAndDuplicatesAreRefused) {
  CheckpointRow first{10, 111, Bytes(32, 1), Bytes(64, 2), Bytes(32, 3)};
  CheckpointRow second{20, 222, Bytes(32, 4), Bytes(64, 5), Bytes(32, 6)};
  {
    auto tx = Begin(true);
    ASSERT_TRUE(tx->InsertCheckpoint(second).ok());
    ASSERT_TRUE(tx->InsertCheckpoint(first).ok());
    EXPECT_EQ(tx->InsertCheckpoint(first).code(), StatusCode::kAlreadyExists);
    ASSERT_TRUE(tx->Commit().ok());
  }
  auto tx = Begin(false);
  auto rows = tx->ListCheckpoints();
  ASSERT_TRUE(rows.has_value());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].sequence, 10u);
  EXPECT_EQ((*rows)[0].time_us, 111);
  EXPECT_EQ((*rows)[0].head_hash, first.head_hash);
  EXPECT_EQ((*rows)[0].signature, first.signature);
  EXPECT_EQ((*rows)[0].public_key, first.public_key);
  EXPECT_EQ((*rows)[1].sequence, 20u);
}

TEST_F(SqlcipherVaultStoreTest, MetaRoundTripsAndOverwrites) {
  {
    auto tx = Begin(true);
    ASSERT_TRUE(tx->SetMeta("vault_id", "v1").ok());
    ASSERT_TRUE(tx->SetMeta("vault_id", "v2").ok());
    ASSERT_TRUE(tx->SetMeta("empty", "").ok());
    EXPECT_EQ(tx->SetMeta("cvault.store_kind", "keystore").code(),
              StatusCode::kInvalidArgument);
    ASSERT_TRUE(tx->Commit().ok());
  }
  Reopen();
  auto tx = Begin(false);
  auto id = tx->GetMeta("vault_id");
  ASSERT_TRUE(id.has_value() && id->has_value());
  EXPECT_EQ(**id, "v2");
  auto empty = tx->GetMeta("empty");
  ASSERT_TRUE(empty.has_value() && empty->has_value());
  EXPECT_EQ(**empty, "");
}

}  // namespace
}  // namespace cvault::store
