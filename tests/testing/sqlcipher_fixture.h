// Fixtures for the SQLCipher store tests: a fresh folder and a random key for
// one database file, the vault store or keystore opened on it, and raw
// connections to the same file for checks below the store interface.
#ifndef CVAULT_TESTS_TESTING_SQLCIPHER_FIXTURE_H_
#define CVAULT_TESTS_TESTING_SQLCIPHER_FIXTURE_H_

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "cvault/secret_bytes.h"
#include "cvault/status.h"
#include "store/sqlcipher/connection.h"
#include "store/sqlcipher/migrations.h"
#include "store/sqlcipher/schemas.h"
#include "store/sqlcipher/sqlcipher_store.h"
#include "store/store.h"
#include "tests/testing/temp_dir.h"

namespace cvault::testing {

// How the vault store names its database file in messages.
inline constexpr std::string_view kVaultDatabaseRole = "vault database";

// The first column of the first row of `sql`, or -1.
inline std::int64_t QueryInt(store::sqlcipher::Connection& connection,
                             std::string_view sql) {
  auto query = connection.Prepare(sql);
  if (!query.has_value()) return -1;
  auto has_row = (*query)->Step("test query");
  if (!has_row.has_value() || !*has_row) return -1;
  return (*query)->ColumnInt64(0);
}

// Every column of an audit row but its sequence.
inline void ExpectSameAuditFields(const store::AuditRow& got,
                                  const store::AuditRow& expected) {
  EXPECT_EQ(got.time_us, expected.time_us);
  EXPECT_EQ(got.principal_id, expected.principal_id);
  EXPECT_EQ(got.role, expected.role);
  EXPECT_EQ(got.action, expected.action);
  EXPECT_EQ(got.purpose, expected.purpose);
  EXPECT_EQ(got.subject, expected.subject);
  EXPECT_EQ(got.fields_requested, expected.fields_requested);
  EXPECT_EQ(got.fields_returned, expected.fields_returned);
  EXPECT_EQ(got.decision, expected.decision);
  EXPECT_EQ(got.reason_code, expected.reason_code);
  EXPECT_EQ(got.request_id, expected.request_id);
  EXPECT_EQ(got.previous_hash, expected.previous_hash);
  EXPECT_EQ(got.entry_hash, expected.entry_hash);
}

// A fresh folder and a random database key for `file_`, which is not created.
class SqlcipherFileFixture : public ::testing::Test {
 protected:
  explicit SqlcipherFileFixture(const std::string& file_name = "vault.db")
      : file_(dir_ / file_name) {}

  // A connection of its own to `file_`, as the vault database (a store on the
  // file may stay open); null, with a test failure, if it does not open.
  std::unique_ptr<store::sqlcipher::Connection> RawConnection(bool create = false) {
    auto connection =
        store::sqlcipher::Connection::Open(file_, key_, create, {}, kVaultDatabaseRole);
    EXPECT_TRUE(connection.has_value()) << connection.error().ToString();
    return connection.has_value() ? std::move(*connection) : nullptr;
  }

  TempDir dir_;
  std::filesystem::path file_;
  SecretBytes key_ = SecretBytes::Random(store::kSqlcipherKeySize);
};

// A store of type `Store` created on `file_` before each test.
template <class Store, class Transaction>
class SqlcipherStoreFixture : public SqlcipherFileFixture {
 protected:
  using SqlcipherFileFixture::SqlcipherFileFixture;

  void SetUp() override { OpenStore(/*create=*/true); }

  // Closes the store and opens it again from the same file.
  void Reopen() {
    store_.reset();
    OpenStore(/*create=*/false);
  }

  // A transaction on the store; null, with a test failure, if it does not
  // begin.
  std::unique_ptr<Transaction> Begin(bool write) {
    auto transaction = store_->Begin(write);
    EXPECT_TRUE(transaction.has_value()) << transaction.error().ToString();
    return transaction.has_value() ? std::move(*transaction) : nullptr;
  }

  std::unique_ptr<Store> store_;

 private:
  virtual StatusOr<std::unique_ptr<Store>> Open(bool create) = 0;

  void OpenStore(bool create) {
    auto opened = Open(create);
    ASSERT_TRUE(opened.has_value()) << opened.error().ToString();
    store_ = std::move(*opened);
  }
};

// A vault store on "vault.db".
class SqlcipherVaultStoreFixture
    : public SqlcipherStoreFixture<store::SqlcipherVaultStore, store::VaultTransaction> {
 protected:
  // Closes the store and replaces its file with a database migrated only up
  // to `version`, as older code left it. Returns a connection to it; null,
  // with a test failure, if that fails.
  std::unique_ptr<store::sqlcipher::Connection> RecreateAtSchemaVersion(int version) {
    store_.reset();
    store::sqlcipher::RemoveDatabaseFiles(file_);
    auto raw = RawConnection(/*create=*/true);
    if (raw == nullptr) return nullptr;
    Status migrated = store::sqlcipher::ApplyMigrations(
        *raw,
        store::sqlcipher::VaultMigrations().first(static_cast<std::size_t>(version)));
    EXPECT_TRUE(migrated.ok()) << migrated.ToString();
    return migrated.ok() ? std::move(raw) : nullptr;
  }

 private:
  StatusOr<std::unique_ptr<store::SqlcipherVaultStore>> Open(bool create) override {
    return store::OpenSqlcipherVaultStore(file_, key_, create);
  }
};

// A keystore on "keystore.db".
class SqlcipherKeyStoreFixture
    : public SqlcipherStoreFixture<store::SqlcipherKeyStore, store::KeyTransaction> {
 protected:
  SqlcipherKeyStoreFixture() : SqlcipherStoreFixture("keystore.db") {}

 private:
  StatusOr<std::unique_ptr<store::SqlcipherKeyStore>> Open(bool create) override {
    return store::OpenSqlcipherKeyStore(file_, key_, create);
  }
};

}  // namespace cvault::testing

#endif  // CVAULT_TESTS_TESTING_SQLCIPHER_FIXTURE_H_
