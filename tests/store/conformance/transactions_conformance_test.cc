// Conformance of every storage backend (tests/testing/store_backends.h) to
// the transaction rules of the vault store (store/store.h): an uncommitted
// transaction rolls back, a read transaction refuses writes, one transaction
// at a time, none after Commit; and the small settings (meta) they carry.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "cvault/status.h"
#include "store/store.h"
#include "tests/testing/store_backends.h"
#include "tests/testing/store_rows.h"

namespace cvault::store {
namespace {

using testing::MakeAudit;
using testing::MakeCustomer;
using testing::TextBytes;

using VaultTransactionConformanceTest = testing::VaultStoreConformanceFixture;

TEST_P(VaultTransactionConformanceTest, DestroyingUncommittedTransactionRollsBack) {
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

TEST_P(VaultTransactionConformanceTest, WriteInReadTransactionFails) {
  auto tx = Begin(false);
  EXPECT_EQ(tx->InsertCustomer(MakeCustomer("cus_a", "a")).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(tx->SetMeta("k", "v").code(), StatusCode::kFailedPrecondition);
}

TEST_P(VaultTransactionConformanceTest, UseAfterCommitFails) {
  auto tx = Begin(true);
  ASSERT_TRUE(tx->Commit().ok());
  EXPECT_EQ(tx->SetMeta("k", "v").code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(tx->Commit().code(), StatusCode::kFailedPrecondition);
  // The store is free for a new transaction.
  EXPECT_NE(Begin(true), nullptr);
}

// Parallel reads: from other threads while a write is open, each sees what
// was committed before it began and nothing uncommitted, and refuses writes.
TEST_P(VaultTransactionConformanceTest, ParallelReadsRunBesideAnOpenWrite) {
  {
    auto tx = Begin(true);
    ASSERT_TRUE(tx->InsertCustomer(MakeCustomer("cus_a", "a")).ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  auto writer = Begin(true);
  ASSERT_TRUE(writer->InsertCustomer(MakeCustomer("cus_b", "b")).ok());
  std::atomic<int> wrong{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&] {
      for (int i = 0; i < 20; ++i) {
        auto read = store_->BeginParallelRead();
        if (!read) {
          ++wrong;
          continue;
        }
        auto a = (*read)->GetCustomer("cus_a");
        auto b = (*read)->GetCustomer("cus_b");
        if (!a || !a->has_value() || !b || b->has_value()) ++wrong;
        if ((*read)->SetMeta("k", "v").code() != StatusCode::kFailedPrecondition) ++wrong;
      }
    });
  }
  for (auto& t : readers) t.join();
  EXPECT_EQ(wrong.load(), 0);
  ASSERT_TRUE(writer->Commit().ok());
  writer.reset();
  // A parallel read begun after the commit sees it.
  auto read = store_->BeginParallelRead();
  ASSERT_TRUE(read.has_value()) << read.error().ToString();
  auto b = (*read)->GetCustomer("cus_b");
  ASSERT_TRUE(b.has_value());
  EXPECT_TRUE(b->has_value());
}

TEST_P(VaultTransactionConformanceTest, ErasureAndRotationWritesInReadTransactionFail) {
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

TEST_P(VaultTransactionConformanceTest, MetaRoundTripsAndOverwrites) {
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

INSTANTIATE_TEST_SUITE_P(Backends, VaultTransactionConformanceTest,
                         ::testing::ValuesIn(testing::StoreBackends()),
                         testing::StoreBackendName);

}  // namespace
}  // namespace cvault::store
