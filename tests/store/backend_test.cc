// The backend seam (store/backend.h): Options choose the site, the embedded
// backend opens both stores and has every optional capability, and a
// backend without one answers "not supported" by name.
#include "store/backend.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "cvault/options.h"
#include "store/sqlcipher/embedded_backend.h"
#include "tests/testing/temp_dir.h"

namespace cvault::store {
namespace {

// A backend with no optional capability; its stores are never reached.
class BareBackend final : public Backend {
 public:
  std::string_view name() const override { return "bare"; }
  VaultStore& vault_store() override { std::abort(); }
  KeyStore& key_store() override { std::abort(); }
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

}  // namespace
}  // namespace cvault::store
