// Maintenance of the SQLCipher vault store (rekey, backup, log truncation),
// which works on its files and keys. The rest of the vault store contract is
// in tests/store/conformance/, run against every backend.
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

// One connection, one transaction at a time (the PostgreSQL store borrows a
// connection per transaction instead).
TEST_F(SqlcipherVaultStoreTest, SecondOpenTransactionFails) {
  auto first = store_->Begin(false);
  ASSERT_TRUE(first.has_value());
  auto second = store_->Begin(true);
  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error().code(), StatusCode::kFailedPrecondition);
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
