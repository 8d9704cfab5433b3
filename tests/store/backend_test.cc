// The backend seam (store/backend.h): Options choose the site, the embedded
// backend opens both stores and has every optional capability, and a
// backend without one answers "not supported" by name.
#include "store/backend.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "cvault/options.h"
#include "store/postgres/postgres_backend.h"
#include "store/sqlcipher/embedded_backend.h"
#include "tests/testing/pg_cluster.h"
#include "tests/testing/temp_dir.h"

namespace cvault::store {
namespace {

// A backend with no optional capability; its stores are never reached.
class BareBackend final : public Backend {
 public:
  std::string_view name() const override { return "bare"; }
  VaultStore& vault_store() override { std::abort(); }
  KeyStore& key_store() override { std::abort(); }
  LedgerLog& ledger_log() override { std::abort(); }
  bool OpenedUnderPendingKey(Database) const override { return false; }
};

class EmbeddedBackendTest : public ::testing::Test {
 protected:
  Options OptionsIn() const {
    Options o;
    o.vault_dir = dir_.path();
    return o;
  }
  DatabaseKeys Keys() const { return {&vault_key_, &keystore_key_, nullptr, nullptr}; }

  testing::TempDir dir_;
  SecretBytes vault_key_ = SecretBytes::Random(kSqlcipherKeySize);
  SecretBytes keystore_key_ = SecretBytes::Random(kSqlcipherKeySize);
};

TEST(BackendTest, MissingCapabilitiesAnswerNotSupportedNamingBackendAndDuty) {
  BareBackend backend;
  EXPECT_FALSE(backend.EncryptsDatabases());
  const Status rekey = backend.RekeyDatabase(Database::kVault, SecretBytes::Random(32));
  EXPECT_EQ(rekey.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(rekey.reason_code(), "not_supported");
  EXPECT_NE(rekey.message().find("bare backend"), std::string::npos) << rekey.ToString();
  auto copied = backend.CopyDatabasesTo("/nonexistent");
  ASSERT_FALSE(copied.has_value());
  EXPECT_EQ(copied.error().reason_code(), "not_supported");
  EXPECT_EQ(backend.ForgetDeletedContent().reason_code(), "not_supported");
}

TEST_F(EmbeddedBackendTest, DefaultOptionsChooseTheEmbeddedSite) {
  auto site = SiteFor(OptionsIn());
  ASSERT_NE(site, nullptr);
  EXPECT_EQ(site->name(), "embedded");
  EXPECT_FALSE(site->Exists());
}

TEST_F(EmbeddedBackendTest, CreatesOpensAndHasEveryCapability) {
  auto site = SiteFor(OptionsIn());
  {
    auto backend = site->Open(Keys(), /*create=*/true);
    ASSERT_TRUE(backend.has_value()) << backend.error().ToString();
    EXPECT_TRUE(site->Exists());
    EXPECT_TRUE((*backend)->EncryptsDatabases());
    EXPECT_FALSE((*backend)->OpenedUnderPendingKey(Database::kVault));
    EXPECT_TRUE((*backend)->ForgetDeletedContent().ok());
    testing::TempDir backup;
    auto copied = (*backend)->CopyDatabasesTo(backup.path());
    ASSERT_TRUE(copied.has_value()) << copied.error().ToString();
    auto names = site->BackupFileNames();
    ASSERT_TRUE(names.has_value());
    EXPECT_EQ(*copied, *names);
    for (const std::string& name : *copied) {
      EXPECT_TRUE(std::filesystem::exists(backup.path() / name)) << name;
    }
  }
  auto reopened = site->Open(Keys(), /*create=*/false);
  ASSERT_TRUE(reopened.has_value()) << reopened.error().ToString();
}

TEST_F(EmbeddedBackendTest, OpensADatabaseUnderItsPendingKeyAfterAnInterruptedRekey) {
  auto site = SiteFor(OptionsIn());
  SecretBytes pending = SecretBytes::Random(kSqlcipherKeySize);
  {
    auto backend = site->Open(Keys(), /*create=*/true);
    ASSERT_TRUE(backend.has_value()) << backend.error().ToString();
    ASSERT_TRUE((*backend)->RekeyDatabase(Database::kVault, pending).ok());
  }
  DatabaseKeys keys = Keys();
  keys.pending_vault = &pending;
  auto reopened = site->Open(keys, /*create=*/false);
  ASSERT_TRUE(reopened.has_value()) << reopened.error().ToString();
  EXPECT_TRUE((*reopened)->OpenedUnderPendingKey(Database::kVault));
  EXPECT_FALSE((*reopened)->OpenedUnderPendingKey(Database::kKeyStore));
  // Without the pending key the rekeyed database is a key failure.
  auto without = site->Open(Keys(), /*create=*/false);
  ASSERT_FALSE(without.has_value());
  EXPECT_EQ(without.error().code(), StatusCode::kKeyFailure);
}

TEST_F(EmbeddedBackendTest, DiscardCreatedRemovesEveryFileCreateMade) {
  auto site = SiteFor(OptionsIn());
  {
    auto backend = site->Open(Keys(), /*create=*/true);
    ASSERT_TRUE(backend.has_value()) << backend.error().ToString();
  }
  site->DiscardCreated();
  EXPECT_FALSE(site->Exists());
  EXPECT_TRUE(std::filesystem::is_empty(dir_.path()));
}

// The PostgreSQL site, on the test cluster, under a schema name of its own.
class PostgresBackendTest : public ::testing::Test {
 protected:
  PostgresBackendTest() {
    choice_.dsn = testing::TestPrimaryDsn();
    choice_.schema = "b_" + std::to_string(::getpid()) + "_" +
                     std::to_string(reinterpret_cast<std::uintptr_t>(this) % 100000);
  }
  ~PostgresBackendTest() override { SiteOf()->DiscardCreated(); }

  std::unique_ptr<BackendSite> SiteOf() const {
    Options o;
    o.store = choice_;
    return SiteFor(o);
  }

  PostgresStore choice_;
};

TEST_F(PostgresBackendTest, OptionsChooseThePostgresSiteAndCreateMakesThreeSchemas) {
  auto site = SiteOf();
  EXPECT_EQ(site->name(), "postgres");
  EXPECT_FALSE(site->Exists());
  auto backend = site->Open({}, /*create=*/true);
  ASSERT_TRUE(backend.has_value()) << backend.error().ToString();
  EXPECT_EQ((*backend)->name(), "postgres");
  EXPECT_TRUE(site->Exists());
  PostgresSettings settings;
  settings.dsn = choice_.dsn;
  for (const std::string& schema :
       {choice_.schema, choice_.schema + "_keys", choice_.schema + "_ledger"}) {
    auto exists = PostgresSchemaExists(settings, schema);
    ASSERT_TRUE(exists.has_value());
    EXPECT_TRUE(*exists) << schema;
  }
  auto again = site->Open({}, /*create=*/true);
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code(), StatusCode::kAlreadyExists);
  backend->reset();
  site->DiscardCreated();
  EXPECT_FALSE(site->Exists());
}

TEST_F(PostgresBackendTest, FileDutiesAreRefusedWithWhatToDoInstead) {
  auto site = SiteOf();
  auto backend = site->Open({}, /*create=*/true);
  ASSERT_TRUE(backend.has_value()) << backend.error().ToString();
  EXPECT_FALSE((*backend)->EncryptsDatabases());
  EXPECT_EQ((*backend)->RekeyDatabase(Database::kVault, SecretBytes::Random(32)).reason_code(),
            "not_supported");
  auto copied = (*backend)->CopyDatabasesTo("/nonexistent");
  ASSERT_FALSE(copied.has_value());
  EXPECT_EQ(copied.error().reason_code(), "not_supported");
  EXPECT_NE(copied.error().message().find("pg_dump"), std::string::npos);
  auto names = site->BackupFileNames();
  ASSERT_FALSE(names.has_value());
  EXPECT_NE(names.error().message().find("pg_restore"), std::string::npos);
}

TEST_F(PostgresBackendTest, AMissingDsnIsNamed) {
  choice_.dsn.clear();
  auto backend = SiteOf()->Open({}, /*create=*/true);
  ASSERT_FALSE(backend.has_value());
  EXPECT_EQ(backend.error().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(backend.error().message().find("dsn"), std::string::npos);
  choice_.dsn = testing::TestPrimaryDsn();
}

// Two hosts' backends on one vault extend one ledger: each append comes
// after the lines the other wrote, and each sees them.
TEST_F(PostgresBackendTest, LedgerLogIsOneSequenceForEveryHost) {
  auto first = SiteOf()->Open({}, /*create=*/true);
  ASSERT_TRUE(first.has_value()) << first.error().ToString();
  auto second = SiteOf()->Open({}, /*create=*/false);
  ASSERT_TRUE(second.has_value()) << second.error().ToString();
  LedgerLog& a = (*first)->ledger_log();
  LedgerLog& b = (*second)->ledger_log();
  auto seen = a.AppendAfter(0, [](const std::vector<std::string>& newer) -> StatusOr<std::string> {
    EXPECT_TRUE(newer.empty());
    return std::string("one");
  });
  ASSERT_TRUE(seen.has_value()) << seen.error().ToString();
  seen = b.AppendAfter(0, [](const std::vector<std::string>& newer) -> StatusOr<std::string> {
    EXPECT_EQ(newer, std::vector<std::string>{"one"});
    return std::string("two");
  });
  ASSERT_TRUE(seen.has_value()) << seen.error().ToString();
  auto read = a.ReadAfter(1);
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(*read, std::vector<std::string>{"two"});
  // A refused line leaves nothing behind.
  auto refused = a.AppendAfter(2, [](const std::vector<std::string>&) -> StatusOr<std::string> {
    return Error(Status::Integrity("no"));
  });
  ASSERT_FALSE(refused.has_value());
  read = b.ReadAfter(2);
  ASSERT_TRUE(read.has_value());
  EXPECT_TRUE(read->empty());
  // Asking past the end (a restored, shorter ledger) is an integrity error.
  auto past = b.ReadAfter(5);
  ASSERT_FALSE(past.has_value());
  EXPECT_EQ(past.error().code(), StatusCode::kIntegrity);
}

}  // namespace
}  // namespace cvault::store
