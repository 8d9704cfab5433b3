// Resealing the keyring under a new root key and rekeying the two databases
// through Vault::operations(): the old root key or database key no longer
// opens anything, a failure (or a keyring that cannot be saved) changes
// nothing, and opening finishes a rekey interrupted at any point.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <vector>

#include "keys/keyring.h"
#include "keys/root_key.h"
#include "tests/testing/raw_sqlcipher.h"
#include "tests/vault/key_ops_fixture.h"

namespace cvault {
namespace {

using testing::KeyOpsTest;
using testing::KeyringSavesFail;
using testing::Operator;
using testing::Person;
using testing::RawRekey;
using testing::kCountCustomers;
using testing::kCountDataKeys;

// --- Reseal ------------------------------------------------------------------

TEST_F(KeyOpsTest, ResealToANewKeyFileLocksOutTheOldOne) {
  std::vector<Person> people = AddPeople(5, 2);
  auto before = ReadAll(people);
  const std::filesystem::path new_key = dir_ / "new-root.key";
  ASSERT_TRUE(keys::WriteNewKeyFile(new_key).ok());
  ASSERT_TRUE(vault_->operations().Reseal(Operator(), KeyFile{new_key}).ok());
  // Later keyring saves use the new root key too.
  auto rotated = vault_->operations().RotateKek(Operator());
  ASSERT_TRUE(rotated.has_value()) << rotated.error().ToString();
  vault_.reset();

  auto with_old = Vault::Open(MakeOptions());
  ASSERT_FALSE(with_old.has_value());
  EXPECT_EQ(with_old.error().code(), StatusCode::kKeyFailure);
  EXPECT_EQ(KeyringOpenCode(KeyFile{key_file_}), StatusCode::kKeyFailure);

  auto with_new = Vault::Open(OptionsWithRoot(KeyFile{new_key}));
  ASSERT_TRUE(with_new.has_value()) << with_new.error().ToString();
  vault_ = std::move(*with_new);
  EXPECT_EQ(ReadAll(people), before);
  EXPECT_EQ(OpenKeyring(KeyFile{new_key}).kek_versions(), std::vector<std::uint32_t>{2});
}

TEST_F(KeyOpsTest, ResealToAPassphraseOpensWithThePassphraseOnly) {
  std::vector<Person> people = AddPeople(5);
  auto before = ReadAll(people);
  ASSERT_TRUE(vault_->operations()
                  .Reseal(Operator(),
                          Passphrase{SecretBytes::CopyFrom("correct horse battery")},
                          PassphraseCost::kTestingOnly)
                  .ok());
  vault_.reset();

  auto with_file = Vault::Open(MakeOptions());
  ASSERT_FALSE(with_file.has_value());
  EXPECT_EQ(with_file.error().code(), StatusCode::kKeyFailure);
  auto wrong =
      Vault::Open(OptionsWithRoot(Passphrase{SecretBytes::CopyFrom("wrong horse")}));
  ASSERT_FALSE(wrong.has_value());
  EXPECT_EQ(wrong.error().code(), StatusCode::kKeyFailure);

  auto right = Vault::Open(
      OptionsWithRoot(Passphrase{SecretBytes::CopyFrom("correct horse battery")}));
  ASSERT_TRUE(right.has_value()) << right.error().ToString();
  vault_ = std::move(*right);
  EXPECT_EQ(ReadAll(people), before);
}

TEST_F(KeyOpsTest, FailedResealKeepsTheOldRootKey) {
  std::vector<Person> people = AddPeople(3);
  Status resealed =
      vault_->operations().Reseal(Operator(), KeyFile{dir_ / "no-such-file.key"});
  EXPECT_EQ(resealed.code(), StatusCode::kKeyFailure);
  // A keyring save after the failure still seals under the old root key.
  ASSERT_TRUE(vault_->operations().RotateKek(Operator()).has_value());
  Reopen();
  ReadAll(people);
  EXPECT_EQ(OpenKeyring().kek_versions(), std::vector<std::uint32_t>{2});
}

TEST_F(KeyOpsTest, ResealAndRekeyThatCannotSaveTheKeyringChangeNothing) {
  std::vector<Person> people = AddPeople(3, 1);
  auto before = ReadAll(people);
  const SecretBytes vault_key = OpenKeyring().vault_db_key().Clone();
  const std::filesystem::path new_key = dir_ / "new-root.key";
  ASSERT_TRUE(keys::WriteNewKeyFile(new_key).ok());
  {
    KeyringSavesFail saves_fail(dir_ / "keys");
    Status resealed = vault_->operations().Reseal(Operator(), KeyFile{new_key});
    EXPECT_FALSE(resealed.ok());
    EXPECT_EQ(resealed.reason_code(), "reseal_failed");
    Status rekeyed = vault_->operations().RekeyDatabases(Operator());
    EXPECT_FALSE(rekeyed.ok());
    EXPECT_EQ(rekeyed.reason_code(), "keyring_save_failed");
  }
  EXPECT_EQ(ReadAll(people), before);
  Reopen();  // with the old key file
  EXPECT_EQ(ReadAll(people), before);
  keys::Keyring keyring = OpenKeyring();
  EXPECT_EQ(keyring.pending_vault_db_key(), nullptr);
  EXPECT_TRUE(std::ranges::equal(keyring.vault_db_key().Reveal(), vault_key.Reveal()));
  EXPECT_EQ(KeyAuditTrail("deny"), (std::vector<std::pair<std::string, std::string>>{
                                       {"keys.reseal", "reseal_failed"},
                                       {"keys.rekey_db", "keyring_save_failed"}}));
}

// --- Database rekey ----------------------------------------------------------

TEST_F(KeyOpsTest, RekeyDatabasesReplacesBothDatabaseKeys) {
  std::vector<Person> people = AddPeople(6, 3);
  auto before = ReadAll(people);
  const SecretBytes old_vault_key = OpenKeyring().vault_db_key().Clone();
  const SecretBytes old_keystore_key = OpenKeyring().keystore_db_key().Clone();

  ASSERT_TRUE(vault_->operations().RekeyDatabases(Operator()).ok());
  EXPECT_EQ(ReadAll(people), before);  // the open vault works under the new keys
  std::vector<Person> late = AddPeople(1, 1, /*first=*/50);
  Reopen();
  EXPECT_EQ(ReadAll(people), before);
  ReadAll(late);
  vault_.reset();

  keys::Keyring keyring = OpenKeyring();
  EXPECT_EQ(keyring.pending_vault_db_key(), nullptr);
  EXPECT_EQ(keyring.pending_keystore_db_key(), nullptr);
  const auto vault_db = dir_ / "vault" / "vault.db";
  const auto keystore_db = dir_ / "vault" / "keystore.db";
  EXPECT_NE(testing::RunRawSql(vault_db, old_vault_key, kCountCustomers), SQLITE_OK);
  EXPECT_EQ(testing::RunRawSql(vault_db, keyring.vault_db_key(), kCountCustomers),
            SQLITE_OK);
  EXPECT_NE(testing::RunRawSql(keystore_db, old_keystore_key, kCountDataKeys), SQLITE_OK);
  EXPECT_EQ(testing::RunRawSql(keystore_db, keyring.keystore_db_key(), kCountDataKeys),
            SQLITE_OK);
  Reopen();
  EXPECT_EQ(
      KeyAuditTrail(),
      (std::vector<std::pair<std::string, std::string>>{{"keys.rekey_db", "rekeyed"}}));
}

// What RekeyDatabases leaves when killed part-way: the pending keys saved in
// the keyring, and each database under its old or its pending key. Opening
// finishes the rekey from any of these states.
TEST_F(KeyOpsTest, OpenFinishesARekeyInterruptedAtAnyPoint) {
  std::vector<Person> people = AddPeople(6, 3);
  auto before = ReadAll(people);
  const auto vault_db = dir_ / "vault" / "vault.db";
  const auto keystore_db = dir_ / "vault" / "keystore.db";
  struct Crash {
    const char* after;
    bool vault_rekeyed;
    bool keystore_rekeyed;
  };
  for (const Crash& crash :
       {Crash{"vault.db rekeyed", true, false}, Crash{"keystore.db rekeyed", false, true},
        Crash{"both rekeyed", true, true},
        Crash{"the first keyring save", false, false}}) {
    SCOPED_TRACE(crash.after);
    vault_.reset();
    SecretBytes pending_vault_key;
    SecretBytes pending_keystore_key;
    {
      keys::Keyring keyring = OpenKeyring();
      keyring.BeginDbRekey();
      ASSERT_TRUE(
          keyring.Save(dir_ / "keys", KeyFile{key_file_}, PassphraseCost::kTestingOnly)
              .ok());
      pending_vault_key = keyring.pending_vault_db_key()->Clone();
      pending_keystore_key = keyring.pending_keystore_db_key()->Clone();
      if (crash.vault_rekeyed) {
        ASSERT_EQ(RawRekey(vault_db, keyring.vault_db_key(), pending_vault_key),
                  SQLITE_OK);
        ASSERT_EQ(testing::RunRawSql(vault_db, pending_vault_key, kCountCustomers),
                  SQLITE_OK);
        ASSERT_NE(testing::RunRawSql(vault_db, keyring.vault_db_key(), kCountCustomers),
                  SQLITE_OK);
      }
      if (crash.keystore_rekeyed) {
        ASSERT_EQ(RawRekey(keystore_db, keyring.keystore_db_key(), pending_keystore_key),
                  SQLITE_OK);
        ASSERT_EQ(testing::RunRawSql(keystore_db, pending_keystore_key, kCountDataKeys),
                  SQLITE_OK);
      }
    }

    auto reopened = Vault::Open(MakeOptions());
    ASSERT_TRUE(reopened.has_value()) << reopened.error().ToString();
    vault_ = std::move(*reopened);
    EXPECT_EQ(ReadAll(people), before);
    vault_.reset();

    keys::Keyring keyring = OpenKeyring();
    EXPECT_EQ(keyring.pending_vault_db_key(), nullptr);
    EXPECT_EQ(keyring.pending_keystore_db_key(), nullptr);
    EXPECT_TRUE(
        std::ranges::equal(keyring.vault_db_key().Reveal(), pending_vault_key.Reveal()));
    EXPECT_TRUE(std::ranges::equal(keyring.keystore_db_key().Reveal(),
                                   pending_keystore_key.Reveal()));
    EXPECT_EQ(testing::RunRawSql(vault_db, pending_vault_key, kCountCustomers),
              SQLITE_OK);
    EXPECT_EQ(testing::RunRawSql(keystore_db, pending_keystore_key, kCountDataKeys),
              SQLITE_OK);
    Reopen();
    EXPECT_EQ(ReadAll(people), before);
  }
}

}  // namespace
}  // namespace cvault
