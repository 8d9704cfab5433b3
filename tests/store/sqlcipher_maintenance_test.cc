// Store maintenance on SQLCipher files (store.h, StoreMaintenance): rekey,
// backup and write-ahead-log truncation, on a bare Connection and through the
// keystore.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "crypto/bytes.h"
#include "cvault/secret_bytes.h"
#include "store/sqlcipher/connection.h"
#include "store/sqlcipher/sqlcipher_store.h"
#include "store/store.h"
#include "tests/testing/sqlcipher_fixture.h"

namespace cvault::store {
namespace {

using sqlcipher::Connection;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr int kNoteCount = 50;
constexpr std::string_view kNotePrefix = "note-plaintext-";
constexpr std::string_view kKeystoreRole = "keystore database";

// A short wait for locks, so the tests that hold one do not sit out the
// default five seconds.
SqlcipherSettings QuickSettings() {
  SqlcipherSettings settings;
  settings.busy_timeout_ms = 50;
  return settings;
}

std::string ReadFile(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void WriteFile(const std::filesystem::path& file, const std::string& bytes) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

mode_t ModeOf(const std::filesystem::path& file) {
  struct stat st {};
  EXPECT_EQ(::stat(file.c_str(), &st), 0) << file;
  return st.st_mode & 07777;
}

std::filesystem::path WithSuffix(const std::filesystem::path& file, const char* suffix) {
  std::filesystem::path out = file;
  out += suffix;
  return out;
}

// Size of the write-ahead log of `file`; -1 when there is none.
std::int64_t WalSize(const std::filesystem::path& file) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(WithSuffix(file, "-wal"), ec);
  return ec ? -1 : static_cast<std::int64_t>(size);
}

// Appends `count` notes; note n (its rowid) has body kNotePrefix + n.
void AddNotes(Connection& connection, int count) {
  for (int i = 0; i < count; ++i) {
    auto insert = connection.Prepare(
        "INSERT INTO notes(body) VALUES(?1 || (SELECT coalesce(max(id), 0) + 1 FROM "
        "notes))");
    ASSERT_TRUE(insert.has_value()) << insert.error().ToString();
    (*insert)->BindText(1, kNotePrefix);
    ASSERT_TRUE((*insert)->Run("insert a note").ok());
  }
}

// How many notes hold their expected body (-1 if the query fails).
std::int64_t IntactNotes(Connection& connection) {
  return testing::QueryInt(connection,
                           "SELECT count(*) FROM notes "
                           "WHERE body = 'note-plaintext-' || id");
}

// A bare connection on a fresh file holding kNoteCount notes, most of them
// still in the write-ahead log.
class ConnectionMaintenanceTest : public testing::SqlcipherFileFixture {
 protected:
  void SetUp() override {
    auto created = Connection::Open(file_, key_, /*create=*/true, QuickSettings(),
                                    testing::kVaultDatabaseRole);
    ASSERT_TRUE(created.has_value()) << created.error().ToString();
    connection_ = std::move(*created);
    ASSERT_TRUE(
        connection_
            ->Execute("CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT NOT NULL)",
                      "create the notes table")
            .ok());
    AddNotes(*connection_, kNoteCount);
  }

  static StatusOr<std::unique_ptr<Connection>> OpenFile(const std::filesystem::path& file,
                                                        const SecretBytes& key) {
    return Connection::Open(file, key, /*create=*/false, QuickSettings(),
                            testing::kVaultDatabaseRole);
  }

  // Another connection to file_; null, with a test failure, if it does not
  // open.
  std::unique_ptr<Connection> SecondConnection() {
    auto opened = OpenFile(file_, key_);
    EXPECT_TRUE(opened.has_value()) << opened.error().ToString();
    return opened.has_value() ? std::move(*opened) : nullptr;
  }

  void ExpectOpensWithNotes(const std::filesystem::path& file, const SecretBytes& key,
                            std::int64_t notes) {
    auto opened = OpenFile(file, key);
    ASSERT_TRUE(opened.has_value()) << opened.error().ToString();
    EXPECT_EQ(IntactNotes(**opened), notes);
    EXPECT_EQ(testing::QueryInt(**opened, "SELECT count(*) FROM notes"), notes);
  }

  static void ExpectKeyFailure(const std::filesystem::path& file,
                               const SecretBytes& key) {
    auto opened = OpenFile(file, key);
    ASSERT_FALSE(opened.has_value());
    EXPECT_EQ(opened.error().code(), StatusCode::kKeyFailure)
        << opened.error().ToString();
  }

  std::filesystem::path backup_ = dir_ / "backup.db";
  SecretBytes new_key_ = SecretBytes::Random(kSqlcipherKeySize);
  std::unique_ptr<Connection> connection_;
};

TEST_F(ConnectionMaintenanceTest, RekeyKeepsTheConnectionWorking) {
  ASSERT_TRUE(connection_->Rekey(new_key_).ok());
  EXPECT_EQ(IntactNotes(*connection_), kNoteCount);
  AddNotes(*connection_, 10);
  EXPECT_EQ(IntactNotes(*connection_), kNoteCount + 10);
}

TEST_F(ConnectionMaintenanceTest, AfterRekeyOnlyTheNewKeyOpensTheFile) {
  ASSERT_TRUE(connection_->Rekey(new_key_).ok());
  AddNotes(*connection_, 1);
  connection_.reset();
  ExpectOpensWithNotes(file_, new_key_, kNoteCount + 1);
  ExpectKeyFailure(file_, key_);
}

TEST_F(ConnectionMaintenanceTest, AfterRekeyTheMainFileAloneIsUnderTheNewKey) {
  ASSERT_TRUE(connection_->Rekey(new_key_).ok());
  // A copy of the database file without its log, taken while the
  // connection is open: every page must already be in it, re-encrypted.
  const std::filesystem::path copy = dir_ / "copy.db";
  std::filesystem::copy_file(file_, copy);
  ExpectOpensWithNotes(copy, new_key_, kNoteCount);
  ExpectKeyFailure(copy, key_);
}

TEST_F(ConnectionMaintenanceTest, RekeyToAKeyOfTheWrongSizeFailsAndKeepsTheOldKey) {
  const SecretBytes short_key = SecretBytes::Random(16);
  EXPECT_EQ(connection_->Rekey(short_key).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(connection_->Rekey(SecretBytes()).code(), StatusCode::kInvalidArgument);
  AddNotes(*connection_, 1);
  connection_.reset();
  ExpectOpensWithNotes(file_, key_, kNoteCount + 1);
}

TEST_F(ConnectionMaintenanceTest, RekeyInsideATransactionIsRefused) {
  ASSERT_TRUE(connection_->Execute("BEGIN", "begin").ok());
  EXPECT_EQ(connection_->Rekey(new_key_).code(), StatusCode::kFailedPrecondition);
  ASSERT_TRUE(connection_->Execute("ROLLBACK", "roll back").ok());
  connection_.reset();
  ExpectOpensWithNotes(file_, key_, kNoteCount);
}

TEST_F(ConnectionMaintenanceTest, RekeyBlockedByAnotherWriterFailsAndTheFileKeepsItsKey) {
  auto writer = SecondConnection();
  ASSERT_NE(writer, nullptr);
  ASSERT_TRUE(writer->Execute("BEGIN IMMEDIATE", "take the write lock").ok());

  // SQLCipher itself reports success here; the connection must notice.
  const Status rekeyed = connection_->Rekey(new_key_);
  EXPECT_EQ(rekeyed.code(), StatusCode::kUnavailable) << rekeyed.ToString();
  EXPECT_THAT(rekeyed.message(), HasSubstr("could not be changed"));
  EXPECT_THAT(rekeyed.ToString(), Not(HasSubstr(crypto::ToHex(new_key_.Reveal()))));
  EXPECT_THAT(rekeyed.ToString(), Not(HasSubstr(crypto::ToHex(key_.Reveal()))));

  ASSERT_TRUE(writer->Execute("ROLLBACK", "release the write lock").ok());
  writer.reset();
  connection_.reset();  // as the Rekey contract asks
  ExpectOpensWithNotes(file_, key_, kNoteCount);
  ExpectKeyFailure(file_, new_key_);
}

TEST_F(ConnectionMaintenanceTest, BackupOpensWithTheSameKeyAndHoldsTheRows) {
  ASSERT_TRUE(connection_->BackupTo(backup_, key_).ok());
  EXPECT_EQ(ModeOf(backup_), 0600u);
  // The copy is complete by itself: no log or shared-memory file is left.
  EXPECT_FALSE(std::filesystem::exists(WithSuffix(backup_, "-wal")));
  EXPECT_FALSE(std::filesystem::exists(WithSuffix(backup_, "-shm")));
  EXPECT_THAT(ReadFile(backup_), Not(HasSubstr(std::string(kNotePrefix))));
  ExpectOpensWithNotes(backup_, key_, kNoteCount);
  ExpectKeyFailure(backup_, new_key_);
  // The source is untouched and keeps working.
  AddNotes(*connection_, 1);
  EXPECT_EQ(IntactNotes(*connection_), kNoteCount + 1);
}

TEST_F(ConnectionMaintenanceTest, BackupAfterRekeyIsUnderTheKeyItIsGiven) {
  ASSERT_TRUE(connection_->Rekey(new_key_).ok());
  ASSERT_TRUE(connection_->BackupTo(backup_, new_key_).ok());
  ExpectOpensWithNotes(backup_, new_key_, kNoteCount);
  ExpectKeyFailure(backup_, key_);
}

TEST_F(ConnectionMaintenanceTest, BackupToAnExistingFileIsAlreadyExistsAndLeavesIt) {
  WriteFile(backup_, "not a database, but someone's file");
  const Status status = connection_->BackupTo(backup_, key_);
  EXPECT_EQ(status.code(), StatusCode::kAlreadyExists) << status.ToString();
  EXPECT_EQ(ReadFile(backup_), "not a database, but someone's file");
}

TEST_F(ConnectionMaintenanceTest, BackupIntoAMissingFolderFailsAndLeavesNothing) {
  const std::filesystem::path nowhere = dir_ / "missing" / "backup.db";
  EXPECT_FALSE(connection_->BackupTo(nowhere, key_).ok());
  EXPECT_FALSE(std::filesystem::exists(dir_ / "missing"));
}

TEST_F(ConnectionMaintenanceTest, BackupInsideATransactionIsRefused) {
  ASSERT_TRUE(connection_->Execute("BEGIN", "begin").ok());
  EXPECT_EQ(connection_->BackupTo(backup_, key_).code(), StatusCode::kFailedPrecondition);
  EXPECT_FALSE(std::filesystem::exists(backup_));
  ASSERT_TRUE(connection_->Execute("ROLLBACK", "roll back").ok());
}

TEST_F(ConnectionMaintenanceTest,
       BackupWhileAnotherConnectionWritesCopiesTheCommittedRows) {
  auto writer = SecondConnection();
  ASSERT_NE(writer, nullptr);
  ASSERT_TRUE(writer->Execute("BEGIN IMMEDIATE", "begin").ok());
  AddNotes(*writer, 5);  // not committed yet

  ASSERT_TRUE(connection_->BackupTo(backup_, key_).ok());
  ASSERT_TRUE(writer->Execute("COMMIT", "commit").ok());
  ExpectOpensWithNotes(backup_, key_, kNoteCount);
  EXPECT_EQ(IntactNotes(*connection_), kNoteCount + 5);
}

TEST_F(ConnectionMaintenanceTest, CheckpointTruncateEmptiesTheLog) {
  ASSERT_GT(WalSize(file_), 0);
  ASSERT_TRUE(connection_->CheckpointTruncate().ok());
  EXPECT_EQ(WalSize(file_), 0);
  EXPECT_EQ(IntactNotes(*connection_), kNoteCount);
  connection_.reset();
  ExpectOpensWithNotes(file_, key_, kNoteCount);
}

TEST_F(ConnectionMaintenanceTest,
       CheckpointTruncateWhileAnotherConnectionReadsIsBusy) {
  auto reader = SecondConnection();
  ASSERT_NE(reader, nullptr);
  ASSERT_TRUE(reader->Execute("BEGIN", "begin").ok());
  ASSERT_EQ(IntactNotes(*reader), kNoteCount);  // holds a read snapshot

  const Status blocked = connection_->CheckpointTruncate();
  EXPECT_EQ(blocked.code(), StatusCode::kBusy) << blocked.ToString();
  EXPECT_NE(WalSize(file_), 0);

  ASSERT_TRUE(reader->Execute("COMMIT", "end the read").ok());
  ASSERT_TRUE(connection_->CheckpointTruncate().ok());
  EXPECT_EQ(WalSize(file_), 0);
}

TEST_F(ConnectionMaintenanceTest, CheckpointTruncateInsideATransactionIsRefused) {
  ASSERT_TRUE(connection_->Execute("BEGIN", "begin").ok());
  EXPECT_EQ(connection_->CheckpointTruncate().code(), StatusCode::kFailedPrecondition);
  ASSERT_TRUE(connection_->Execute("ROLLBACK", "roll back").ok());
}

// The same operations through the KeyStore interface.
DataKeyRow MakeKey(const std::string& customer, int retention_class) {
  DataKeyRow row;
  row.customer_id = customer;
  row.retention_class = retention_class;
  row.kek_version = 1;
  row.wrapped = Bytes(72, static_cast<std::uint8_t>(0x40 + retention_class));
  row.created_at_us = 1'700'000'000'000'000;
  return row;
}

class KeyStoreMaintenanceTest : public testing::SqlcipherKeyStoreFixture {
 protected:
  void SetUp() override {
    SqlcipherKeyStoreFixture::SetUp();
    auto tx = Begin(/*write=*/true);
    ASSERT_NE(tx, nullptr);
    ASSERT_TRUE(tx->InsertDataKey(MakeKey("cus_a", 1)).ok());
    ASSERT_TRUE(tx->InsertDataKey(MakeKey("cus_b", 2)).ok());
    ASSERT_TRUE(tx->Commit().ok());
  }

  // Reopens the store on `file` with `key`.
  static StatusOr<std::unique_ptr<SqlcipherKeyStore>> OpenKeyStore(
      const std::filesystem::path& file, const SecretBytes& key) {
    return OpenSqlcipherKeyStore(file, key, /*create=*/false, QuickSettings());
  }

  // `store` holds keys for exactly `customers`, and cus_a's key intact.
  static void ExpectKeys(KeyStore& store, std::initializer_list<const char*> customers) {
    auto tx = store.Begin(/*write=*/false);
    ASSERT_TRUE(tx.has_value()) << tx.error().ToString();
    auto ids = (*tx)->ListKeyedCustomerIds(std::nullopt, 100);
    ASSERT_TRUE(ids.has_value()) << ids.error().ToString();
    EXPECT_EQ(*ids, std::vector<std::string>(customers.begin(), customers.end()));
    auto a = (*tx)->GetDataKey("cus_a", 1);
    ASSERT_TRUE(a.has_value() && a->has_value());
    EXPECT_EQ((*a)->wrapped, MakeKey("cus_a", 1).wrapped);
  }

  std::filesystem::path backup_ = dir_ / "keystore-backup.db";
  SecretBytes new_key_ = SecretBytes::Random(kSqlcipherKeySize);
};

TEST_F(KeyStoreMaintenanceTest, RekeyKeepsTheStoreWorkingAndOnlyTheNewKeyReopens) {
  ASSERT_TRUE(store_->Rekey(new_key_).ok());
  {
    auto tx = Begin(/*write=*/true);
    ASSERT_NE(tx, nullptr);
    ASSERT_TRUE(tx->InsertDataKey(MakeKey("cus_c", 1)).ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  store_.reset();
  auto old_key = OpenKeyStore(file_, key_);
  ASSERT_FALSE(old_key.has_value());
  EXPECT_EQ(old_key.error().code(), StatusCode::kKeyFailure);
  auto reopened = OpenKeyStore(file_, new_key_);
  ASSERT_TRUE(reopened.has_value()) << reopened.error().ToString();
  ExpectKeys(**reopened, {"cus_a", "cus_b", "cus_c"});
}

TEST_F(KeyStoreMaintenanceTest,
       RekeyWhileATransactionIsOpenIsRefusedAndTheTransactionGoesOn) {
  auto tx = Begin(/*write=*/true);
  ASSERT_NE(tx, nullptr);
  EXPECT_EQ(store_->Rekey(new_key_).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->BackupTo(backup_).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->TruncateLog().code(), StatusCode::kFailedPrecondition);
  ASSERT_TRUE(tx->InsertDataKey(MakeKey("cus_c", 1)).ok());
  ASSERT_TRUE(tx->Commit().ok());
  tx.reset();
  Reopen();
  ExpectKeys(*store_, {"cus_a", "cus_b", "cus_c"});
}

TEST_F(KeyStoreMaintenanceTest, FailedRekeyLeavesAStoreThatKeepsWritingUnderTheOldKey) {
  store_.reset();
  auto quick = OpenKeyStore(file_, key_);
  ASSERT_TRUE(quick.has_value()) << quick.error().ToString();
  store_ = std::move(*quick);
  auto writer =
      Connection::Open(file_, key_, /*create=*/false, QuickSettings(), kKeystoreRole);
  ASSERT_TRUE(writer.has_value()) << writer.error().ToString();
  ASSERT_TRUE((*writer)->Execute("BEGIN IMMEDIATE", "take the write lock").ok());

  const Status rekeyed = store_->Rekey(new_key_);
  EXPECT_EQ(rekeyed.code(), StatusCode::kUnavailable) << rekeyed.ToString();
  ASSERT_TRUE((*writer)->Execute("ROLLBACK", "release the write lock").ok());
  writer->reset();

  // Writes after the failure must land under the key the file still has.
  {
    auto tx = Begin(/*write=*/true);
    ASSERT_NE(tx, nullptr);
    ASSERT_TRUE(tx->InsertDataKey(MakeKey("cus_c", 1)).ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  store_.reset();
  auto reopened = OpenKeyStore(file_, key_);
  ASSERT_TRUE(reopened.has_value()) << reopened.error().ToString();
  ExpectKeys(**reopened, {"cus_a", "cus_b", "cus_c"});
  reopened->reset();
  auto new_key = OpenKeyStore(file_, new_key_);
  ASSERT_FALSE(new_key.has_value());
  EXPECT_EQ(new_key.error().code(), StatusCode::kKeyFailure);
}

TEST_F(KeyStoreMaintenanceTest, RekeyToAKeyOfTheWrongSizeFails) {
  EXPECT_EQ(store_->Rekey(SecretBytes::Random(31)).code(), StatusCode::kInvalidArgument);
  ExpectKeys(*store_, {"cus_a", "cus_b"});
  Reopen();  // still under key_
  ExpectKeys(*store_, {"cus_a", "cus_b"});
}

TEST_F(KeyStoreMaintenanceTest, BackupOpensAsAKeystoreWithTheSameKey) {
  ASSERT_TRUE(store_->BackupTo(backup_).ok());
  EXPECT_EQ(ModeOf(backup_), 0600u);
  auto copy = OpenKeyStore(backup_, key_);
  ASSERT_TRUE(copy.has_value()) << copy.error().ToString();
  ExpectKeys(**copy, {"cus_a", "cus_b"});
  auto as_vault = OpenSqlcipherVaultStore(backup_, key_, /*create=*/false);
  ASSERT_FALSE(as_vault.has_value());
  EXPECT_EQ(as_vault.error().code(), StatusCode::kFailedPrecondition);
}

TEST_F(KeyStoreMaintenanceTest, BackupAfterRekeyIsUnderTheNewKey) {
  ASSERT_TRUE(store_->Rekey(new_key_).ok());
  ASSERT_TRUE(store_->BackupTo(backup_).ok());
  auto old_key = OpenKeyStore(backup_, key_);
  ASSERT_FALSE(old_key.has_value());
  EXPECT_EQ(old_key.error().code(), StatusCode::kKeyFailure);
  auto copy = OpenKeyStore(backup_, new_key_);
  ASSERT_TRUE(copy.has_value()) << copy.error().ToString();
  ExpectKeys(**copy, {"cus_a", "cus_b"});
}

TEST_F(KeyStoreMaintenanceTest, BackupToAnExistingFileIsAlreadyExists) {
  WriteFile(backup_, "keep");
  EXPECT_EQ(store_->BackupTo(backup_).code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(ReadFile(backup_), "keep");
}

TEST_F(KeyStoreMaintenanceTest, TruncateLogAfterShreddingEmptiesTheLog) {
  {
    auto tx = Begin(/*write=*/true);
    ASSERT_NE(tx, nullptr);
    auto deleted = tx->DeleteDataKeys("cus_b");
    ASSERT_TRUE(deleted.has_value());
    ASSERT_EQ(*deleted, 1u);
    ASSERT_TRUE(tx->Commit().ok());
  }
  ASSERT_GT(WalSize(file_), 0);
  ASSERT_TRUE(store_->TruncateLog().ok());
  EXPECT_EQ(WalSize(file_), 0);
  ExpectKeys(*store_, {"cus_a"});
}

}  // namespace
}  // namespace cvault::store
