// Fixtures for the SQLCipher-specific store tests: a fresh folder and a random
// key for one database file, the vault store or keystore opened on it, raw
// connections to the same file for checks below the store interface, and a
// vault as an older schema version left it. (The tests every backend runs
// get their stores from tests/testing/store_backends.h instead.)
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
#include "tests/testing/store_fixture.h"
#include "tests/testing/store_rows.h"
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

// A fresh folder and a random database key for `file_`, which is not created.
class SqlcipherFile {
 protected:
  explicit SqlcipherFile(const std::string& file_name) : file_(dir_ / file_name) {}

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

// A SqlcipherFile for tests that open it themselves.
class SqlcipherFileFixture : public ::testing::Test, public SqlcipherFile {
 protected:
  explicit SqlcipherFileFixture(const std::string& file_name = "vault.db")
      : SqlcipherFile(file_name) {}
};

// A store of type `Store` created on `file_` before each test.
template <class Store, class Transaction>
class SqlcipherStoreFixture : public StoreFixture<Store, Transaction>,
                              public SqlcipherFile {
 protected:
  explicit SqlcipherStoreFixture(const std::string& file_name = "vault.db")
      : SqlcipherFile(file_name) {}
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

// SqlcipherVaultStoreFixture with the row helpers of store_rows.h, and checks
// of a vault as an older schema version left it.
class SqlcipherVaultRowsFixture : public VaultRowsFixture<SqlcipherVaultStoreFixture> {
 protected:
  // RecreateAtSchemaVersion(version), then `rows_sql` run on the file for
  // the rows the older code left; the connection, or null with a test
  // failure (also when the file is not at `version`).
  std::unique_ptr<store::sqlcipher::Connection> RecreateWithRowsAtSchemaVersion(
      int version, std::string_view rows_sql) {
    auto raw = RecreateAtSchemaVersion(version);
    if (raw == nullptr) return nullptr;
    Status inserted = raw->Execute(rows_sql, "insert the rows of an older version");
    EXPECT_TRUE(inserted.ok()) << inserted.ToString();
    if (!inserted.ok()) return nullptr;
    return ExpectSchemaVersion(*raw, version) ? std::move(raw) : nullptr;
  }

  // Closes the store and expects its file at kVaultSchemaVersion with every
  // migration recorded; a connection to it, or null with a test failure.
  std::unique_ptr<store::sqlcipher::Connection> CloseAndExpectCurrentSchema() {
    store_.reset();
    auto raw = RawConnection();
    if (raw == nullptr || !ExpectSchemaVersion(*raw, store::kVaultSchemaVersion)) {
      return nullptr;
    }
    EXPECT_EQ(QueryInt(*raw, "SELECT count(*) FROM schema_migrations"),
              store::kVaultSchemaVersion);
    return raw;
  }

 private:
  // Whether the file reads as schema `version`; a test failure if not.
  static bool ExpectSchemaVersion(store::sqlcipher::Connection& connection, int version) {
    auto read = store::sqlcipher::ReadSchemaVersion(connection);
    EXPECT_TRUE(read.has_value()) << read.error().ToString();
    if (!read.has_value()) return false;
    EXPECT_EQ(*read, version);
    return *read == version;
  }
};

}  // namespace cvault::testing

#endif  // CVAULT_TESTS_TESTING_SQLCIPHER_FIXTURE_H_
