// Behaviour of the SQLCipher vault store: every row type round-trips,
// listing order and paging, uniqueness, transactions, the audit sequence,
// customer erasure, blind-index rotation (next indexes) and maintenance
// (rekey, backup, log truncation).
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cvault/secret_bytes.h"
#include "store/sqlcipher/sqlcipher_store.h"
#include "store/store.h"
#include "tests/testing/sqlcipher_fixture.h"
#include "tests/testing/store_rows.h"

namespace cvault::store {
namespace {

using testing::MakeCustomer;
using testing::TextBytes;

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
using testing::QueryInt;

// The code of opening the vault database at `file` with `key` (kOk when it
// opens).
StatusCode OpenCode(const std::filesystem::path& file, const SecretBytes& key) {
  auto opened = OpenSqlcipherVaultStore(file, key, /*create=*/false);
  return opened.has_value() ? StatusCode::kOk : opened.error().code();
}

std::filesystem::path WalOf(const std::filesystem::path& file) {
  std::filesystem::path wal = file;
  wal += "-wal";
  return wal;
}

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

TEST_F(SqlcipherVaultStoreTest, NextIndexesRoundTripThroughInsertAndUpdate) {
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

TEST_F(SqlcipherVaultStoreTest, SetNextIndexesChangesOnlyTheNextColumns) {
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

TEST_F(SqlcipherVaultStoreTest, SetNextIndexesRefusesTakenEmailAndUnknownCustomer) {
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

TEST_F(SqlcipherVaultStoreTest, ListsCustomersMissingANextIndexInInsertionOrder) {
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
  EXPECT_EQ(*all, (std::vector<std::string>{"cus_z_both", "cus_x_phone_missing",
                                            "cus_v_email_missing"}));

  auto first = tx->ListCustomersMissingNextIndex(std::nullopt, 1);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(*first, std::vector<std::string>{"cus_z_both"});
  // Paging resumes after a customer that is itself not listed.
  auto after_done = tx->ListCustomersMissingNextIndex("cus_y_email_done", 1);
  ASSERT_TRUE(after_done.has_value());
  EXPECT_EQ(*after_done, std::vector<std::string>{"cus_x_phone_missing"});
  auto rest = tx->ListCustomersMissingNextIndex("cus_x_phone_missing", 100);
  ASSERT_TRUE(rest.has_value());
  EXPECT_EQ(*rest, std::vector<std::string>{"cus_v_email_missing"});
  auto after_gone = tx->ListCustomersMissingNextIndex("cus_gone", 10);
  ASSERT_FALSE(after_gone.has_value());
  EXPECT_EQ(after_gone.error().code(), StatusCode::kNotFound);

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

TEST_F(SqlcipherVaultStoreTest, PromoteMovesNextIndexesIntoPlaceAndClearsThem) {
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

TEST_F(SqlcipherVaultStoreTest, ClearNextIndexesAbandonsARotation) {
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

TEST_F(SqlcipherVaultStoreTest, DeleteCustomerRemovesOnlyThatCustomer) {
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

TEST_F(SqlcipherVaultStoreTest, ErasureAndRotationWritesInReadTransactionFail) {
  {
    auto tx = Begin(true);
    ASSERT_TRUE(tx->InsertCustomer(MakeCustomer("cus_a", "a")).ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  auto tx = Begin(false);
  auto deleted = tx->DeleteCustomer("cus_a");
  ASSERT_FALSE(deleted.has_value());
  EXPECT_EQ(deleted.error().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(tx->SetNextIndexes("cus_a", TextBytes("n"), std::nullopt).code(),
            StatusCode::kFailedPrecondition);
  auto promoted = tx->PromoteNextIndexes();
  ASSERT_FALSE(promoted.has_value());
  EXPECT_EQ(promoted.error().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(tx->ClearNextIndexes().code(), StatusCode::kFailedPrecondition);
  auto still = tx->GetCustomer("cus_a");
  ASSERT_TRUE(still.has_value());
  EXPECT_TRUE(still->has_value());
}

TEST_F(SqlcipherVaultStoreTest, MaintenanceWithATransactionOpenIsRefused) {
  const auto backup = dir_ / "backup.db";
  auto tx = Begin(true);
  ASSERT_NE(tx, nullptr);
  EXPECT_EQ(store_->Rekey(SecretBytes::Random(kSqlcipherKeySize)).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->BackupTo(backup).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->TruncateLog().code(), StatusCode::kFailedPrecondition);
  EXPECT_FALSE(std::filesystem::exists(backup));
  // The transaction goes on.
  ASSERT_TRUE(tx->InsertCustomer(MakeCustomer("cus_a", "a")).ok());
  ASSERT_TRUE(tx->Commit().ok());
  tx.reset();
  // The key did not change.
  Reopen();
  auto read = Begin(false);
  auto ids = read->ListCustomerIds(std::nullopt, 10);
  ASSERT_TRUE(ids.has_value());
  EXPECT_EQ(*ids, std::vector<std::string>{"cus_a"});
}

TEST_F(SqlcipherVaultStoreTest, BackupIsAConsistentCopyUnderTheSameKey) {
  {
    auto tx = Begin(true);
    ASSERT_TRUE(tx->InsertCustomer(MakeCustomer("cus_a", "a")).ok());
    ASSERT_TRUE(tx->SetMeta("vault_id", "v1").ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  const auto backup = dir_ / "backup.db";
  Status backed_up = store_->BackupTo(backup);
  ASSERT_TRUE(backed_up.ok()) << backed_up.ToString();
  EXPECT_EQ(store_->BackupTo(backup).code(), StatusCode::kAlreadyExists);
  {
    // Changes after the backup stay out of it.
    auto tx = Begin(true);
    ASSERT_TRUE(tx->InsertCustomer(MakeCustomer("cus_later", "later")).ok());
    ASSERT_TRUE(tx->Commit().ok());
  }

  EXPECT_EQ(OpenCode(backup, SecretBytes::Random(kSqlcipherKeySize)),
            StatusCode::kKeyFailure);
  auto copy = OpenSqlcipherVaultStore(backup, key_, /*create=*/false);
  ASSERT_TRUE(copy.has_value()) << copy.error().ToString();
  auto tx = (*copy)->Begin(false);
  ASSERT_TRUE(tx.has_value());
  auto ids = (*tx)->ListCustomerIds(std::nullopt, 10);
  ASSERT_TRUE(ids.has_value());
  EXPECT_EQ(*ids, std::vector<std::string>{"cus_a"});
  auto customer = (*tx)->GetCustomer("cus_a");
  ASSERT_TRUE(customer.has_value() && customer->has_value());
  EXPECT_EQ((*customer)->fields, MakeCustomer("cus_a", "a").fields);
  auto meta = (*tx)->GetMeta("vault_id");
  ASSERT_TRUE(meta.has_value() && meta->has_value());
  EXPECT_EQ(**meta, "v1");
}

TEST_F(SqlcipherVaultStoreTest, RekeyReplacesTheKeyForReopenAndBackups) {
  {
    auto tx = Begin(true);
    ASSERT_TRUE(tx->InsertCustomer(MakeCustomer("cus_a", "a")).ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  EXPECT_EQ(store_->Rekey(SecretBytes::Random(16)).code(), StatusCode::kInvalidArgument);
  SecretBytes new_key = SecretBytes::Random(kSqlcipherKeySize);
  Status rekeyed = store_->Rekey(new_key);
  ASSERT_TRUE(rekeyed.ok()) << rekeyed.ToString();
  {
    // The store keeps working under the new key.
    auto tx = Begin(true);
    ASSERT_TRUE(tx->InsertCustomer(MakeCustomer("cus_b", "b")).ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  const auto backup = dir_ / "backup.db";
  ASSERT_TRUE(store_->BackupTo(backup).ok());
  store_.reset();

  EXPECT_EQ(OpenCode(file_, key_), StatusCode::kKeyFailure);
  EXPECT_EQ(OpenCode(backup, key_), StatusCode::kKeyFailure);

  key_ = std::move(new_key);
  Reopen();
  auto tx = Begin(false);
  auto ids = tx->ListCustomerIds(std::nullopt, 10);
  ASSERT_TRUE(ids.has_value());
  EXPECT_EQ(*ids, (std::vector<std::string>{"cus_a", "cus_b"}));
  EXPECT_EQ(OpenCode(backup, key_), StatusCode::kOk);
}

TEST_F(SqlcipherVaultStoreTest, FailedRekeyLeavesAStoreThatKeepsWritingUnderTheOldKey) {
  SqlcipherSettings impatient;
  impatient.busy_timeout_ms = 50;
  store_.reset();
  auto opened = OpenSqlcipherVaultStore(file_, key_, /*create=*/false, impatient);
  ASSERT_TRUE(opened.has_value()) << opened.error().ToString();
  store_ = std::move(*opened);
  auto writer = RawConnection();
  ASSERT_NE(writer, nullptr);
  ASSERT_TRUE(writer->Execute("BEGIN IMMEDIATE", "take the write lock").ok());

  const SecretBytes new_key = SecretBytes::Random(kSqlcipherKeySize);
  const Status rekeyed = store_->Rekey(new_key);
  EXPECT_FALSE(rekeyed.ok());
  ASSERT_TRUE(writer->Execute("ROLLBACK", "release the write lock").ok());
  writer.reset();

  // Writes after the failure land under the key the file still has, and
  // backups are keyed with it.
  {
    auto tx = Begin(true);
    ASSERT_NE(tx, nullptr);
    ASSERT_TRUE(tx->InsertCustomer(MakeCustomer("cus_after", "after")).ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  const auto backup = dir_ / "backup.db";
  ASSERT_TRUE(store_->BackupTo(backup).ok());
  store_.reset();
  EXPECT_EQ(OpenCode(file_, new_key), StatusCode::kKeyFailure);
  EXPECT_EQ(OpenCode(backup, key_), StatusCode::kOk);
  Reopen();
  auto tx = Begin(false);
  auto ids = tx->ListCustomerIds(std::nullopt, 10);
  ASSERT_TRUE(ids.has_value());
  EXPECT_EQ(*ids, std::vector<std::string>{"cus_after"});
}

TEST_F(SqlcipherVaultStoreTest, TruncateLogEmptiesTheWriteAheadLog) {
  {
    auto tx = Begin(true);
    for (int i = 0; i < 20; ++i) {
      const std::string id = "cus_" + std::to_string(i);
      ASSERT_TRUE(tx->InsertCustomer(MakeCustomer(id, id)).ok());
    }
    ASSERT_TRUE(tx->Commit().ok());
  }
  {
    auto tx = Begin(true);
    auto deleted = tx->DeleteCustomer("cus_3");
    ASSERT_TRUE(deleted.has_value());
    ASSERT_EQ(*deleted, 1u);
    ASSERT_TRUE(tx->Commit().ok());
  }
  ASSERT_TRUE(std::filesystem::exists(WalOf(file_)));
  ASSERT_GT(std::filesystem::file_size(WalOf(file_)), 0u);
  Status truncated = store_->TruncateLog();
  ASSERT_TRUE(truncated.ok()) << truncated.ToString();
  EXPECT_EQ(std::filesystem::file_size(WalOf(file_)), 0u);
  // Everything committed is in the database file itself.
  auto raw = RawConnection();
  ASSERT_NE(raw, nullptr);
  EXPECT_EQ(QueryInt(*raw, "SELECT count(*) FROM customers"), 19);
}

}  // namespace
}  // namespace cvault::store
