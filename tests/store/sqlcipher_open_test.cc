// Opening SQLCipher databases: create/open rules, keys, corruption,
// encryption at rest, file mode, pinned settings and migrations.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>

#include "cvault/secret_bytes.h"
#include "store/sqlcipher/connection.h"
#include "store/sqlcipher/migrations.h"
#include "store/sqlcipher/sqlcipher_store.h"
#include "store/store.h"
#include "tests/testing/sqlcipher_fixture.h"
#include "tests/testing/store_rows.h"

namespace cvault::store {
namespace {

using sqlcipher::Connection;

constexpr std::string_view kMarker = "PLAINTEXT-MARKER-7f3a9c";

using testing::TextBytes;

std::string ReadFile(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void WriteFile(const std::filesystem::path& file, const std::string& bytes) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

void FlipBytes(const std::filesystem::path& file, std::size_t offset,
               std::size_t count) {
  std::string bytes = ReadFile(file);
  ASSERT_GE(bytes.size(), offset + count);
  for (std::size_t i = offset; i < offset + count; ++i) bytes[i] ^= 0x5a;
  WriteFile(file, bytes);
}

CustomerRow MakeCustomer(int n) {
  CustomerRow row;
  row.id = "cus_" + std::to_string(n) + "_" + std::string(kMarker);
  row.created_at_us = n;
  row.updated_at_us = n;
  for (std::size_t i = 0; i < kCustomerFieldCount; ++i) {
    row.fields[i] = TextBytes(std::string(kMarker) + std::string(150, 'x'));
  }
  row.email_index = TextBytes("email-" + std::to_string(n));
  row.phone_index = TextBytes("phone-" + std::to_string(n % 5));
  return row;
}

class SqlcipherOpenTest : public testing::SqlcipherFileFixture {
 protected:
  std::unique_ptr<VaultStore> CreateVault() {
    auto opened = OpenSqlcipherVaultStore(file_, key_, /*create=*/true);
    EXPECT_TRUE(opened.has_value()) << opened.error().ToString();
    return opened.has_value() ? std::move(*opened) : nullptr;
  }

  // A vault with enough customers, audit entries and settings to fill a few
  // dozen pages, closed (so its WAL is checkpointed into the file).
  void CreatePopulatedVault(int customers) {
    auto store = CreateVault();
    ASSERT_NE(store, nullptr);
    auto tx = store->Begin(true);
    ASSERT_TRUE(tx.has_value());
    for (int n = 0; n < customers; ++n) {
      ASSERT_TRUE((*tx)->InsertCustomer(MakeCustomer(n)).ok());
    }
    AuditRow audit;
    audit.sequence = 1;
    audit.principal_id = std::string(kMarker);
    audit.previous_hash = Bytes(32, 0);
    audit.entry_hash = Bytes(32, 1);
    ASSERT_TRUE((*tx)->AppendAudit(audit).ok());
    ASSERT_TRUE((*tx)->SetMeta("note", std::string(kMarker)).ok());
    ASSERT_TRUE((*tx)->Commit().ok());
  }

  // Reads every row through every index; the first failure, if any.
  static Status ScanEverything(VaultStore& store) {
    CVAULT_ASSIGN_OR_RETURN(auto tx, store.Begin(false));
    CVAULT_ASSIGN_OR_RETURN(auto ids,
                            tx->ListCustomerIds(std::nullopt, 100000));
    for (const std::string& id : ids) {
      CVAULT_ASSIGN_OR_RETURN(auto row, tx->GetCustomer(id));
      if (!row.has_value()) return Status::NotFound("listed customer vanished");
      if (row->email_index) {
        CVAULT_ASSIGN_OR_RETURN(auto found,
                                tx->FindByEmailIndex(*row->email_index));
      }
      if (row->phone_index) {
        CVAULT_ASSIGN_OR_RETURN(auto found,
                                tx->FindByPhoneIndex(*row->phone_index));
      }
    }
    CVAULT_ASSIGN_OR_RETURN(auto audit, tx->ReadAudit(0, 100000));
    CVAULT_ASSIGN_OR_RETURN(auto meta, tx->GetMeta("note"));
    return Status::Ok();
  }

  // Opening and scanning the damaged vault must fail with a clear integrity
  // or key error, never crash or succeed.
  void ExpectDamageDetected() {
    auto opened = OpenSqlcipherVaultStore(file_, key_, /*create=*/false);
    Status status =
        opened.has_value() ? ScanEverything(**opened) : opened.error();
    ASSERT_FALSE(status.ok()) << "damage went unnoticed";
    EXPECT_TRUE(status.code() == StatusCode::kIntegrity ||
                status.code() == StatusCode::kKeyFailure)
        << status.ToString();
    EXPECT_NE(status.message().find("vault database"), std::string::npos);
    if (status.code() == StatusCode::kIntegrity) {
      EXPECT_NE(status.message().find("corrupted"), std::string::npos);
    }
    EXPECT_EQ(status.message().find(kMarker), std::string::npos);
  }
};

TEST_F(SqlcipherOpenTest, OpeningMissingFileWithoutCreateIsNotFound) {
  auto opened = OpenSqlcipherVaultStore(file_, key_, /*create=*/false);
  ASSERT_FALSE(opened.has_value());
  EXPECT_EQ(opened.error().code(), StatusCode::kNotFound);
  EXPECT_NE(opened.error().message().find(file_.string()), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(file_)) << "open must not create";
}

TEST_F(SqlcipherOpenTest, CreatingOverExistingFileIsAlreadyExistsAndKeepsIt) {
  CreatePopulatedVault(3);
  const std::string before = ReadFile(file_);
  auto again = OpenSqlcipherVaultStore(file_, SecretBytes::Random(32), true);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(ReadFile(file_), before);
  auto reopened = OpenSqlcipherVaultStore(file_, key_, /*create=*/false);
  ASSERT_TRUE(reopened.has_value()) << reopened.error().ToString();
}

TEST_F(SqlcipherOpenTest, CreatingInMissingFolderFailsAndLeavesNothing) {
  const auto file = dir_.path() / "no" / "such" / "vault.db";
  auto opened = OpenSqlcipherVaultStore(file, key_, /*create=*/true);
  ASSERT_FALSE(opened.has_value());
  EXPECT_EQ(opened.error().code(), StatusCode::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(file));
}

TEST_F(SqlcipherOpenTest, ReopenWithWrongKeyIsKeyFailure) {
  CreatePopulatedVault(3);
  auto opened = OpenSqlcipherVaultStore(file_, SecretBytes::Random(32), false);
  ASSERT_FALSE(opened.has_value());
  EXPECT_EQ(opened.error().code(), StatusCode::kKeyFailure);
  EXPECT_NE(opened.error().message().find("vault database"), std::string::npos);
  EXPECT_NE(opened.error().message().find("wrong database key"),
            std::string::npos);
}

TEST_F(SqlcipherOpenTest, KeystoreWithWrongKeyIsKeyFailureNamingKeystore) {
  const auto file = dir_.path() / "keystore.db";
  ASSERT_TRUE(OpenSqlcipherKeyStore(file, key_, true).has_value());
  auto opened = OpenSqlcipherKeyStore(file, SecretBytes::Random(32), false);
  ASSERT_FALSE(opened.has_value());
  EXPECT_EQ(opened.error().code(), StatusCode::kKeyFailure);
  EXPECT_NE(opened.error().message().find("keystore database"),
            std::string::npos);
}

TEST_F(SqlcipherOpenTest, KeyOfWrongSizeIsInvalidArgument) {
  auto opened = OpenSqlcipherVaultStore(file_, SecretBytes::Random(16), true);
  ASSERT_FALSE(opened.has_value());
  EXPECT_EQ(opened.error().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(std::filesystem::exists(file_));
}

TEST_F(SqlcipherOpenTest, FileThatIsNotADatabaseIsKeyFailure) {
  WriteFile(file_, std::string(8192, 'j'));
  auto opened = OpenSqlcipherVaultStore(file_, key_, /*create=*/false);
  ASSERT_FALSE(opened.has_value());
  EXPECT_EQ(opened.error().code(), StatusCode::kKeyFailure);
}

TEST_F(SqlcipherOpenTest, EmptyFileIsAnIntegrityErrorNotInitialised) {
  WriteFile(file_, "");
  auto opened = OpenSqlcipherVaultStore(file_, key_, /*create=*/false);
  ASSERT_FALSE(opened.has_value());
  EXPECT_EQ(opened.error().code(), StatusCode::kIntegrity);
  EXPECT_EQ(std::filesystem::file_size(file_), 0u);
}

// SQLite takes a file shorter than a page for an empty database.
TEST_F(SqlcipherOpenTest, OneByteFileIsAnIntegrityErrorAndLeftAsItIs) {
  WriteFile(file_, "x");
  auto opened = OpenSqlcipherVaultStore(file_, key_, /*create=*/false);
  ASSERT_FALSE(opened.has_value());
  EXPECT_EQ(opened.error().code(), StatusCode::kIntegrity);
  EXPECT_NE(opened.error().message().find("cvault restore"), std::string::npos);
  EXPECT_EQ(std::filesystem::file_size(file_), 1u);
}

TEST_F(SqlcipherOpenTest, KeystoreFileOpenedAsVaultIsRefused) {
  ASSERT_TRUE(OpenSqlcipherKeyStore(file_, key_, true).has_value());
  auto opened = OpenSqlcipherVaultStore(file_, key_, /*create=*/false);
  ASSERT_FALSE(opened.has_value());
  EXPECT_EQ(opened.error().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(opened.error().message().find("keystore"), std::string::npos);
}

TEST_F(SqlcipherOpenTest, FlippedBytesInPageTwoAreDetected) {
  CreatePopulatedVault(200);
  FlipBytes(file_, 4096 + 2048, 4);
  ExpectDamageDetected();
}

TEST_F(SqlcipherOpenTest, FlippedBytesInDataPageInTheMiddleAreDetected) {
  CreatePopulatedVault(200);
  const std::size_t pages = std::filesystem::file_size(file_) / 4096;
  ASSERT_GT(pages, 10u);
  FlipBytes(file_, (pages / 2) * 4096 + 2048, 1);
  ExpectDamageDetected();
}

TEST_F(SqlcipherOpenTest, FlippedByteInFirstPageIsKeyFailure) {
  CreatePopulatedVault(3);
  FlipBytes(file_, 100, 1);
  auto opened = OpenSqlcipherVaultStore(file_, key_, /*create=*/false);
  ASSERT_FALSE(opened.has_value());
  EXPECT_EQ(opened.error().code(), StatusCode::kKeyFailure);
}

TEST_F(SqlcipherOpenTest, FilesDoNotContainStoredPlaintext) {
  {
    auto store = CreateVault();
    ASSERT_NE(store, nullptr);
    auto tx = store->Begin(true);
    ASSERT_TRUE(tx.has_value());
    ASSERT_TRUE((*tx)->InsertCustomer(MakeCustomer(1)).ok());
    ASSERT_TRUE((*tx)->SetMeta("note", std::string(kMarker)).ok());
    ASSERT_TRUE((*tx)->Commit().ok());
    // While open, the committed rows sit in the WAL: it must be encrypted too.
    std::filesystem::path wal = file_;
    wal += "-wal";
    ASSERT_TRUE(std::filesystem::exists(wal));
    EXPECT_EQ(ReadFile(wal).find(kMarker), std::string::npos);
    EXPECT_EQ(ReadFile(file_).find(kMarker), std::string::npos);
    // The marker is really stored.
    auto read = store->Begin(false);
    ASSERT_TRUE(read.has_value());
    auto note = (*read)->GetMeta("note");
    ASSERT_TRUE(note.has_value() && note->has_value());
    EXPECT_EQ(**note, kMarker);
  }
  const std::string bytes = ReadFile(file_);
  ASSERT_GT(bytes.size(), 4096u);
  EXPECT_EQ(bytes.find(kMarker), std::string::npos);
  EXPECT_EQ(bytes.find("SQLite format 3"), std::string::npos);
  EXPECT_EQ(bytes.find("CREATE TABLE"), std::string::npos);
}

TEST_F(SqlcipherOpenTest, DatabaseFilesAreMode0600EvenWithPermissiveUmask) {
  const mode_t previous = ::umask(0);
  auto store = CreateVault();
  ::umask(previous);
  ASSERT_NE(store, nullptr);
  {
    auto tx = store->Begin(true);
    ASSERT_TRUE(tx.has_value());
    ASSERT_TRUE((*tx)->SetMeta("k", "v").ok());
    ASSERT_TRUE((*tx)->Commit().ok());
  }
  std::filesystem::path wal = file_;
  wal += "-wal";
  for (const auto& file : {file_, wal}) {
    struct stat info {};
    ASSERT_EQ(::stat(file.c_str(), &info), 0) << file;
    EXPECT_EQ(info.st_mode & 0777, 0600u) << file;
  }
}

TEST_F(SqlcipherOpenTest, MigrationsAreRecorded) {
  ASSERT_NE(CreateVault(), nullptr);
  auto connection = RawConnection();
  ASSERT_NE(connection, nullptr);
  auto version = sqlcipher::ReadSchemaVersion(*connection);
  ASSERT_TRUE(version.has_value());
  EXPECT_EQ(*version, kVaultSchemaVersion);
  auto applied =
      connection->Prepare("SELECT count(*), min(applied_at) FROM schema_migrations");
  ASSERT_TRUE(applied.has_value());
  auto has_row = (*applied)->Step("test");
  ASSERT_TRUE(has_row.has_value() && *has_row);
  EXPECT_EQ((*applied)->ColumnInt64(0), kVaultSchemaVersion);
  EXPECT_GT((*applied)->ColumnInt64(1), 1'600'000'000);  // Unix seconds
}

TEST_F(SqlcipherOpenTest, DatabaseWithNewerSchemaIsRefused) {
  ASSERT_NE(CreateVault(), nullptr);
  {
    auto connection = RawConnection();
    ASSERT_NE(connection, nullptr);
    ASSERT_TRUE(
        connection->Execute("INSERT INTO schema_migrations VALUES(99, 0)", "test").ok());
  }
  auto opened = OpenSqlcipherVaultStore(file_, key_, /*create=*/false);
  ASSERT_FALSE(opened.has_value());
  EXPECT_EQ(opened.error().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(opened.error().message().find("newer"), std::string::npos);
  EXPECT_NE(opened.error().message().find("99"), std::string::npos);
}

std::string Pragma(Connection& connection, const char* sql) {
  auto statement = connection.Prepare(sql);
  if (!statement.has_value()) return "error";
  auto has_row = (*statement)->Step("test");
  if (!has_row.has_value() || !*has_row) return "none";
  return (*statement)->ColumnText(0);
}

TEST_F(SqlcipherOpenTest, ConnectionPinsCipherAndConnectionSettings) {
  SqlcipherSettings settings;
  settings.cache_kib = 1234;
  settings.durability = Durability::kFull;
  {
    auto connection =
        Connection::Open(file_, key_, true, settings, "vault database");
    ASSERT_TRUE(connection.has_value()) << connection.error().ToString();
    Connection& c = **connection;
    EXPECT_EQ(Pragma(c, "PRAGMA cipher_page_size"), "4096");
    EXPECT_EQ(Pragma(c, "PRAGMA kdf_iter"), "64000");
    EXPECT_EQ(Pragma(c, "PRAGMA cipher_use_hmac"), "1");
    EXPECT_EQ(Pragma(c, "PRAGMA journal_mode"), "wal");
    EXPECT_EQ(Pragma(c, "PRAGMA synchronous"), "2");  // FULL
    EXPECT_EQ(Pragma(c, "PRAGMA foreign_keys"), "1");
    EXPECT_EQ(Pragma(c, "PRAGMA secure_delete"), "1");
    EXPECT_EQ(Pragma(c, "PRAGMA temp_store"), "2");  // MEMORY
    EXPECT_EQ(Pragma(c, "PRAGMA cache_size"), "-1234");
  }
  settings.durability = Durability::kNormal;
  auto connection =
      Connection::Open(file_, key_, false, settings, "vault database");
  ASSERT_TRUE(connection.has_value()) << connection.error().ToString();
  EXPECT_EQ(Pragma(**connection, "PRAGMA synchronous"), "1");  // NORMAL
}

TEST_F(SqlcipherOpenTest, WriteLockHeldByAnotherConnectionIsBusy) {
  SqlcipherSettings impatient;
  impatient.busy_timeout_ms = 50;
  auto first = OpenSqlcipherVaultStore(file_, key_, true, impatient);
  ASSERT_TRUE(first.has_value());
  auto second = OpenSqlcipherVaultStore(file_, key_, false, impatient);
  ASSERT_TRUE(second.has_value()) << second.error().ToString();
  auto holder = (*first)->Begin(true);
  ASSERT_TRUE(holder.has_value());
  auto blocked = (*second)->Begin(true);
  ASSERT_FALSE(blocked.has_value());
  EXPECT_EQ(blocked.error().code(), StatusCode::kBusy);
  // Readers are not blocked by a writer in WAL mode.
  auto reader = (*second)->Begin(false);
  ASSERT_TRUE(reader.has_value());
  EXPECT_TRUE((*reader)->LastAudit().has_value());
}

}  // namespace
}  // namespace cvault::store
