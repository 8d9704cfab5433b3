// What only the PostgreSQL store does: schemas and their migrations, a pool
// of connections handing out concurrent transactions, the write lock that
// makes write transactions take turns, and errors that name the server's
// trouble without repeating the connection string. The generic contract is
// in tests/store/conformance/, run against this backend too.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "store/postgres/postgres_store.h"
#include "store/store.h"
#include "tests/testing/pg_cluster.h"
#include "tests/testing/store_rows.h"

namespace cvault::store {
namespace {

using testing::MakeCustomer;

// Runs `sql` on the test cluster as the test role, outside the store.
void Psql(const std::string& dsn, const std::string& sql) {
  PGconn* conn = PQconnectdb(dsn.c_str());
  ASSERT_EQ(PQstatus(conn), CONNECTION_OK) << PQerrorMessage(conn);
  PGresult* result = PQexec(conn, sql.c_str());
  const ExecStatusType status = PQresultStatus(result);
  EXPECT_TRUE(status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)
      << PQresultErrorMessage(result);
  PQclear(result);
  PQfinish(conn);
}

class PostgresStoreTest : public ::testing::Test {
 protected:
  PostgresStoreTest() {
    settings_.dsn = testing::TestPrimaryDsn();
    settings_.lock_timeout_ms = 300;
    schema_ = testing::RandomTestSchema("p_");
  }
  ~PostgresStoreTest() override {
    EXPECT_TRUE(DropPostgresSchema(settings_, schema_).ok());
    EXPECT_TRUE(DropPostgresSchema(settings_, schema_ + "_k").ok());
  }

  std::unique_ptr<VaultStore> CreateVault() {
    auto created = OpenPostgresVaultStore(settings_, schema_, /*create=*/true);
    EXPECT_TRUE(created.has_value()) << created.error().ToString();
    return created ? std::move(*created) : nullptr;
  }

  PostgresSettings settings_;
  std::string schema_;
};

TEST_F(PostgresStoreTest, OpenWithoutCreateIsNotFoundAndCreateTwiceIsAlreadyExists) {
  auto missing = OpenPostgresVaultStore(settings_, schema_, /*create=*/false);
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code(), StatusCode::kNotFound);
  auto exists = PostgresSchemaExists(settings_, schema_);
  ASSERT_TRUE(exists.has_value());
  EXPECT_FALSE(*exists);

  ASSERT_NE(CreateVault(), nullptr);
  exists = PostgresSchemaExists(settings_, schema_);
  ASSERT_TRUE(exists.has_value());
  EXPECT_TRUE(*exists);
  auto again = OpenPostgresVaultStore(settings_, schema_, /*create=*/true);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code(), StatusCode::kAlreadyExists);
  EXPECT_TRUE(OpenPostgresVaultStore(settings_, schema_, /*create=*/false).has_value());
}

TEST_F(PostgresStoreTest, BadSchemaNamesAreRefusedBeforeAnySql) {
  for (const char* name : {"", "Upper", "1starts_with_digit", "semi;colon", "quote\"d",
                           "a-dash", "spaces here"}) {
    auto opened = OpenPostgresVaultStore(settings_, name, /*create=*/true);
    ASSERT_FALSE(opened.has_value()) << name;
    EXPECT_EQ(opened.error().code(), StatusCode::kInvalidArgument) << name;
    EXPECT_NE(opened.error().message().find("schema"), std::string::npos);
  }
  EXPECT_FALSE(ValidSchemaName(std::string(49, 'a')));
  EXPECT_TRUE(ValidSchemaName(std::string(48, 'a')));
}

TEST_F(PostgresStoreTest, KeystoreSchemaOpenedAsVaultIsRefused) {
  ASSERT_TRUE(OpenPostgresKeyStore(settings_, schema_ + "_k", /*create=*/true).has_value());
  auto opened = OpenPostgresVaultStore(settings_, schema_ + "_k", /*create=*/false);
  ASSERT_FALSE(opened.has_value());
  EXPECT_EQ(opened.error().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(opened.error().message().find("keystore"), std::string::npos);
}

TEST_F(PostgresStoreTest, SchemaNewerThanThisCodeIsRefused) {
  ASSERT_NE(CreateVault(), nullptr);
  Psql(settings_.dsn, fmt::format("UPDATE {}.meta SET value = '{}' WHERE key = "
                                  "'cvault.schema_version'",
                                  schema_, kPostgresVaultSchemaVersion + 1));
  auto opened = OpenPostgresVaultStore(settings_, schema_, /*create=*/false);
  ASSERT_FALSE(opened.has_value());
  EXPECT_EQ(opened.error().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(opened.error().message().find("newer than this library"), std::string::npos)
      << opened.error().message();
}

// Hosts that start at once on a schema that needs migrating: every open
// succeeds and the migrations ran once (two at once would clash on CREATE
// TABLE). The schema is left as a store of version 0 would be: the meta
// table with the store kind and nothing else.
TEST_F(PostgresStoreTest, ConcurrentOpensMigrateOnce) {
  const std::string keys = schema_ + "_k";
  Psql(settings_.dsn, fmt::format("CREATE SCHEMA {0}; CREATE TABLE {0}.meta(key text "
                                  "PRIMARY KEY, value text NOT NULL); INSERT INTO "
                                  "{0}.meta VALUES ('cvault.store_kind', 'keystore')",
                                  keys));
  settings_.lock_timeout_ms = 20000;
  std::atomic<int> opened{0};
  std::vector<std::thread> hosts;
  for (int i = 0; i < 6; ++i) {
    hosts.emplace_back([&] {
      auto store = OpenPostgresKeyStore(settings_, keys, /*create=*/false);
      if (store.has_value()) {
        ++opened;
      } else {
        ADD_FAILURE() << store.error().ToString();
      }
    });
  }
  for (auto& host : hosts) host.join();
  EXPECT_EQ(opened.load(), 6);
}

// Hosts that create the vault at once: exactly one creates it.
TEST_F(PostgresStoreTest, ConcurrentCreatesLeaveOneWinner) {
  std::atomic<int> created{0};
  std::atomic<int> refused{0};
  std::vector<std::thread> hosts;
  for (int i = 0; i < 4; ++i) {
    hosts.emplace_back([&] {
      auto store = OpenPostgresVaultStore(settings_, schema_, /*create=*/true);
      if (store.has_value()) {
        ++created;
      } else if (store.error().code() == StatusCode::kAlreadyExists) {
        ++refused;
      }
    });
  }
  for (auto& host : hosts) host.join();
  EXPECT_EQ(created.load(), 1);
  EXPECT_EQ(refused.load(), 3);
}

TEST_F(PostgresStoreTest, ReadsRunBesideAWriteAndSeeOnlyCommittedRows) {
  auto store = CreateVault();
  ASSERT_NE(store, nullptr);
  auto writer = store->Begin(true);
  ASSERT_TRUE(writer.has_value());
  ASSERT_TRUE((*writer)->InsertCustomer(MakeCustomer("cus_a", "a")).ok());
  auto reader = store->Begin(false);
  ASSERT_TRUE(reader.has_value()) << reader.error().ToString();
  auto seen = (*reader)->GetCustomer("cus_a");
  ASSERT_TRUE(seen.has_value());
  EXPECT_FALSE(seen->has_value());
  ASSERT_TRUE((*writer)->Commit().ok());
  // One snapshot for the whole read transaction.
  seen = (*reader)->GetCustomer("cus_a");
  ASSERT_TRUE(seen.has_value());
  EXPECT_FALSE(seen->has_value());
  auto later = store->Begin(false);
  ASSERT_TRUE(later.has_value());
  seen = (*later)->GetCustomer("cus_a");
  ASSERT_TRUE(seen.has_value());
  EXPECT_TRUE(seen->has_value());
}

TEST_F(PostgresStoreTest, SecondWriterWaitsForTheFirstThenIsBusy) {
  auto store = CreateVault();
  ASSERT_NE(store, nullptr);
  auto first = store->Begin(true);
  ASSERT_TRUE(first.has_value());
  const auto started = std::chrono::steady_clock::now();
  auto second = store->Begin(true);
  const auto waited = std::chrono::steady_clock::now() - started;
  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error().code(), StatusCode::kBusy);
  EXPECT_GE(waited, std::chrono::milliseconds(250));
  // A writer on another schema does not wait.
  auto other = OpenPostgresKeyStore(settings_, schema_ + "_k", /*create=*/true);
  ASSERT_TRUE(other.has_value());
  EXPECT_TRUE((*other)->Begin(true).has_value());
  // Once the first is done, the next writer goes ahead.
  first->reset();
  EXPECT_TRUE(store->Begin(true).has_value());
}

// Writers from many threads take turns: each appends the entry after the
// last one it sees, and none is lost or duplicated.
TEST_F(PostgresStoreTest, ConcurrentWritersAppendOneAuditChain) {
  settings_.lock_timeout_ms = 20000;
  auto store = CreateVault();
  ASSERT_NE(store, nullptr);
  constexpr int kThreads = 4;
  constexpr int kAppendsEach = 25;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kAppendsEach; ++i) {
        auto tx = store->Begin(true);
        if (!tx) {
          ++failures;
          continue;
        }
        auto last = (*tx)->LastAudit();
        AuditRow row;
        row.sequence = last.has_value() && last->has_value() ? (*last)->sequence + 1 : 1;
        row.entry_hash = Bytes(32, 1);
        row.previous_hash = Bytes(32, 0);
        if (!(*tx)->AppendAudit(row).ok() || !(*tx)->Commit().ok()) ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  auto tx = store->Begin(false);
  ASSERT_TRUE(tx.has_value());
  auto rows = (*tx)->ReadAudit(1, 1000);
  ASSERT_TRUE(rows.has_value());
  ASSERT_EQ(rows->size(), static_cast<std::size_t>(kThreads * kAppendsEach));
  for (std::size_t i = 0; i < rows->size(); ++i) EXPECT_EQ((*rows)[i].sequence, i + 1);
}

TEST_F(PostgresStoreTest, PoolOfOneMakesASecondTransactionWaitThenBusy) {
  settings_.pool_size = 1;
  auto store = CreateVault();
  ASSERT_NE(store, nullptr);
  auto first = store->Begin(false);
  ASSERT_TRUE(first.has_value());
  auto second = store->Begin(false);
  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error().code(), StatusCode::kBusy);
  first->reset();
  EXPECT_TRUE(store->Begin(false).has_value());
}

TEST_F(PostgresStoreTest, UnreachableServerIsUnavailableWithoutThePassword) {
  settings_.dsn = "host=127.0.0.1 port=1 dbname=x user=y password=s3cret-dsn-pw "
                  "connect_timeout=2";
  auto opened = OpenPostgresVaultStore(settings_, schema_, /*create=*/true);
  ASSERT_FALSE(opened.has_value());
  EXPECT_EQ(opened.error().code(), StatusCode::kUnavailable);
  EXPECT_EQ(opened.error().message().find("s3cret-dsn-pw"), std::string::npos);
  settings_.dsn = testing::TestPrimaryDsn();  // for the destructor's cleanup
}

// TLS settings reach libpq as written: the test server has no TLS, so a
// connection string that requires it is refused, saying why.
TEST_F(PostgresStoreTest, TlsSettingsInTheConnectionStringReachLibpq) {
  const std::string plain = settings_.dsn;
  settings_.dsn = plain + " sslmode=require";
  auto opened = OpenPostgresVaultStore(settings_, schema_, /*create=*/true);
  ASSERT_FALSE(opened.has_value());
  EXPECT_EQ(opened.error().code(), StatusCode::kUnavailable);
  EXPECT_NE(opened.error().message().find("SSL"), std::string::npos)
      << opened.error().message();
  settings_.dsn = plain + " sslmode=disable";
  EXPECT_TRUE(OpenPostgresVaultStore(settings_, schema_, /*create=*/true).has_value());
}

// libpq's own message for a malformed string quotes the token it choked on
// (a password typed without its keyword); the store's never does.
TEST_F(PostgresStoreTest, AMalformedConnectionStringIsNamedWithoutItsContent) {
  const std::string plain = settings_.dsn;
  for (const char* bad : {" s3cret-dsn-pw", " password='s3cret-dsn-pw",
                          " s3cret-dsn-pw=1"}) {
    settings_.dsn = plain + bad;
    char* libpq_error = nullptr;
    PQconninfoOption* parsed = PQconninfoParse(settings_.dsn.c_str(), &libpq_error);
    ASSERT_EQ(parsed, nullptr) << bad;
    PQfreemem(libpq_error);
    auto opened = OpenPostgresVaultStore(settings_, schema_, /*create=*/true);
    ASSERT_FALSE(opened.has_value()) << bad;
    EXPECT_EQ(opened.error().code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(opened.error().message().find("malformed"), std::string::npos);
    EXPECT_EQ(opened.error().message().find("s3cret"), std::string::npos);
  }
  settings_.dsn = plain;
}

TEST_F(PostgresStoreTest, ConsentEventsStayAppendOnlyForSqlAroundTheStore) {
  auto store = CreateVault();
  ASSERT_NE(store, nullptr);
  {
    auto tx = store->Begin(true);
    ASSERT_TRUE(tx.has_value());
    ConsentEventRow row;
    row.event_id = "cev_1";
    row.consent_id = "con_1";
    row.customer_id = "cus_a";
    row.purpose = "marketing";
    row.event_type = "given";
    row.time_us = 1;
    row.receipt = Bytes{1, 2, 3};
    ASSERT_TRUE((*tx)->AppendConsentEvent(row).ok());
    ASSERT_TRUE((*tx)->Commit().ok());
  }
  for (const char* sql : {"UPDATE {}.consent_events SET purpose = 'x'",
                          "DELETE FROM {}.consent_events", "TRUNCATE {}.consent_events"}) {
    PGconn* conn = PQconnectdb(settings_.dsn.c_str());
    PGresult* result = PQexec(conn, fmt::format(fmt::runtime(sql), schema_).c_str());
    EXPECT_EQ(PQresultStatus(result), PGRES_FATAL_ERROR) << sql;
    EXPECT_NE(std::string(PQresultErrorMessage(result)).find("append-only"), std::string::npos);
    PQclear(result);
    PQfinish(conn);
  }
  auto tx = store->Begin(true);
  ASSERT_TRUE(tx.has_value());
  auto deleted = (*tx)->DeleteConsentEvents("cus_a", 10);
  ASSERT_TRUE(deleted.has_value()) << deleted.error().ToString();
  EXPECT_EQ(*deleted, 1u);
}

}  // namespace
}  // namespace cvault::store
