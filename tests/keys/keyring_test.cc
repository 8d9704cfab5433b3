#include "keys/keyring.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "crypto/bytes.h"
#include "crypto/kdf.h"
#include "keys/data_keys.h"
#include "keys/root_key.h"
#include "tests/testing/temp_dir.h"

namespace cvault::keys {
namespace {

using ::cvault::testing::TempDir;
using ::testing::AnyOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr std::int64_t kNowUs = 1'780'000'000'000'000;
constexpr std::string_view kPassphrase = "tr0ub4dor&3-keyring-test";

std::vector<std::uint8_t> ReadBytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void WriteBytes(const std::filesystem::path& path,
                const std::vector<std::uint8_t>& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
}

mode_t ModeOf(const std::filesystem::path& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0);
  return st.st_mode & 07777;
}

bool Contains(const std::vector<std::uint8_t>& haystack,
              std::span<const std::uint8_t> needle) {
  return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end()) !=
         haystack.end();
}

RootKeySource PassphraseSource(std::string_view text) {
  return Passphrase{SecretBytes::CopyFrom(text)};
}

class KeyringTest : public ::testing::Test {
 protected:
  std::filesystem::path keys_dir() const { return dir_.path() / "keys"; }
  std::filesystem::path keyring_path() const { return keys_dir() / kKeyringFileName; }

  // A key file in the temp dir (outside keys_dir), mode 0600.
  RootKeySource NewKeyFile(std::string_view name) {
    const auto path = dir_.path() / name;
    EXPECT_TRUE(WriteNewKeyFile(path).ok());
    return KeyFile{path};
  }

  Keyring CreateOrDie(const RootKeySource& root, bool development = false) {
    StatusOr<Keyring> keyring = Keyring::Create(
        keys_dir(), root, PassphraseCost::kTestingOnly, development, kNowUs);
    EXPECT_TRUE(keyring.has_value()) << keyring.error().ToString();
    return std::move(*keyring);
  }

  TempDir dir_;
};

void ExpectSameKeys(const Keyring& a, const Keyring& b) {
  EXPECT_TRUE(a.vault_db_key() == b.vault_db_key());
  EXPECT_TRUE(a.keystore_db_key() == b.keystore_db_key());
  EXPECT_TRUE(a.erasure_ledger_key() == b.erasure_ledger_key());
  EXPECT_TRUE(a.blind_index_root() == b.blind_index_root());
  EXPECT_EQ(a.blind_index_version(), b.blind_index_version());
  EXPECT_TRUE(a.audit_signing_seed() == b.audit_signing_seed());
  EXPECT_EQ(a.audit_signing_version(), b.audit_signing_version());
  EXPECT_EQ(a.primary_kek_version(), b.primary_kek_version());
  ASSERT_NE(a.kek(a.primary_kek_version()), nullptr);
  ASSERT_NE(b.kek(b.primary_kek_version()), nullptr);
  EXPECT_TRUE(*a.kek(a.primary_kek_version()) == *b.kek(b.primary_kek_version()));
  EXPECT_TRUE(std::ranges::equal(a.vault_id(), b.vault_id()));
  EXPECT_EQ(a.development(), b.development());
  EXPECT_EQ(a.created_at_us(), b.created_at_us());
}

TEST_F(KeyringTest, CreateThenOpenWithKeyFileGivesTheSameKeys) {
  const RootKeySource root = NewKeyFile("root.key");
  Keyring created = CreateOrDie(root);
  StatusOr<Keyring> opened = Keyring::Open(keys_dir(), root);
  ASSERT_TRUE(opened.has_value()) << opened.error().ToString();
  ExpectSameKeys(created, *opened);
  EXPECT_EQ(opened->primary_kek_version(), 1u);
  EXPECT_EQ(opened->kek(2), nullptr);
  EXPECT_EQ(opened->kek(0), nullptr);
  EXPECT_EQ(opened->vault_id().size(), kVaultIdSize);
  EXPECT_EQ(opened->created_at_us(), kNowUs);
  EXPECT_FALSE(opened->development());
}

TEST_F(KeyringTest, CreateThenOpenWithPassphraseGivesTheSameKeys) {
  Keyring created = CreateOrDie(PassphraseSource(kPassphrase), /*development=*/true);
  StatusOr<Keyring> opened = Keyring::Open(keys_dir(), PassphraseSource(kPassphrase));
  ASSERT_TRUE(opened.has_value()) << opened.error().ToString();
  ExpectSameKeys(created, *opened);
  EXPECT_TRUE(opened->development());
}

TEST_F(KeyringTest, CreateThenOpenWithRawRootKeyGivesTheSameKeys) {
  const SecretBytes raw = SecretBytes::Random(32);
  Keyring created = CreateOrDie(RawRootKey{raw.Clone()});
  StatusOr<Keyring> opened = Keyring::Open(keys_dir(), RawRootKey{raw.Clone()});
  ASSERT_TRUE(opened.has_value()) << opened.error().ToString();
  ExpectSameKeys(created, *opened);
}

TEST_F(KeyringTest, EveryKeyIsThirtyTwoRandomBytesAndDistinct) {
  Keyring k = CreateOrDie(NewKeyFile("root.key"));
  const SecretBytes* keys[] = {&k.vault_db_key(),       &k.keystore_db_key(),
                               &k.blind_index_root(),   &k.audit_signing_seed(),
                               &k.erasure_ledger_key(), k.kek(k.primary_kek_version())};
  for (std::size_t i = 0; i < std::size(keys); ++i) {
    ASSERT_NE(keys[i], nullptr);
    EXPECT_EQ(keys[i]->size(), 32u);
    for (std::size_t j = i + 1; j < std::size(keys); ++j) {
      EXPECT_FALSE(*keys[i] == *keys[j]) << i << " equals " << j;
    }
  }
}

TEST_F(KeyringTest, CreateMakesOwnerOnlyDirectoryAndFile) {
  CreateOrDie(NewKeyFile("root.key"));
  EXPECT_EQ(ModeOf(keys_dir()), 0700u);
  EXPECT_EQ(ModeOf(keyring_path()), 0600u);
  // No temporary file is left behind.
  std::size_t entries = 0;
  for (const auto& entry : std::filesystem::directory_iterator(keys_dir())) {
    (void)entry;
    ++entries;
  }
  EXPECT_EQ(entries, 1u);
}

TEST_F(KeyringTest, CreateTwiceFailsWithAlreadyExistsAndKeepsTheFirst) {
  const RootKeySource root = NewKeyFile("root.key");
  Keyring first = CreateOrDie(root);
  const auto before = ReadBytes(keyring_path());
  StatusOr<Keyring> second =
      Keyring::Create(keys_dir(), root, PassphraseCost::kTestingOnly, false, kNowUs);
  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(ReadBytes(keyring_path()), before);
  StatusOr<Keyring> reopened = Keyring::Open(keys_dir(), root);
  ASSERT_TRUE(reopened.has_value());
  ExpectSameKeys(first, *reopened);
}

TEST_F(KeyringTest, CreateWithoutRootKeyFailsAndWritesNothing) {
  StatusOr<Keyring> k = Keyring::Create(keys_dir(), RootKeySource{},
                                        PassphraseCost::kTestingOnly, false, kNowUs);
  ASSERT_FALSE(k.has_value());
  EXPECT_EQ(k.error().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(k.error().message(), HasSubstr("no root key given"));
  EXPECT_FALSE(std::filesystem::exists(keyring_path()));
}

TEST_F(KeyringTest, CreateWithEmptyPassphraseFailsAndWritesNothing) {
  StatusOr<Keyring> k = Keyring::Create(keys_dir(), PassphraseSource(""),
                                        PassphraseCost::kTestingOnly, false, kNowUs);
  ASSERT_FALSE(k.has_value());
  EXPECT_EQ(k.error().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(std::filesystem::exists(keyring_path()));
}

TEST_F(KeyringTest, OpenWithoutKeyringFailsWithNotFoundSayingCvaultInit) {
  StatusOr<Keyring> k = Keyring::Open(keys_dir(), NewKeyFile("root.key"));
  ASSERT_FALSE(k.has_value());
  EXPECT_EQ(k.error().code(), StatusCode::kNotFound);
  EXPECT_THAT(k.error().message(), HasSubstr("cvault init"));
  EXPECT_THAT(k.error().message(), HasSubstr(keyring_path().string()));
}

TEST_F(KeyringTest, OpenWithoutRootKeyFailsWithInvalidArgument) {
  CreateOrDie(NewKeyFile("root.key"));
  StatusOr<Keyring> k = Keyring::Open(keys_dir(), RootKeySource{});
  ASSERT_FALSE(k.has_value());
  EXPECT_EQ(k.error().code(), StatusCode::kInvalidArgument);
}

TEST_F(KeyringTest, OpenWithWrongPassphraseFailsWithKeyFailure) {
  CreateOrDie(PassphraseSource(kPassphrase));
  StatusOr<Keyring> k =
      Keyring::Open(keys_dir(), PassphraseSource("tr0ub4dor&4-keyring-test"));
  ASSERT_FALSE(k.has_value());
  EXPECT_EQ(k.error().code(), StatusCode::kKeyFailure);
  EXPECT_THAT(k.error().message(), HasSubstr("wrong passphrase or key file"));
  EXPECT_THAT(k.error().message(), HasSubstr("altered"));
}

TEST_F(KeyringTest, OpenWithWrongKeyFileFailsWithKeyFailure) {
  CreateOrDie(NewKeyFile("right.key"));
  StatusOr<Keyring> k = Keyring::Open(keys_dir(), NewKeyFile("wrong.key"));
  ASSERT_FALSE(k.has_value());
  EXPECT_EQ(k.error().code(), StatusCode::kKeyFailure);
  EXPECT_THAT(k.error().message(), HasSubstr("wrong passphrase or key file"));
}

TEST_F(KeyringTest, OpenWithRootKeyOfTheOtherKindFailsWithKeyFailure) {
  CreateOrDie(PassphraseSource(kPassphrase));
  StatusOr<Keyring> k = Keyring::Open(keys_dir(), NewKeyFile("root.key"));
  ASSERT_FALSE(k.has_value());
  EXPECT_EQ(k.error().code(), StatusCode::kKeyFailure);
  EXPECT_THAT(k.error().message(), HasSubstr("CVAULT_PASSPHRASE"));
}

TEST_F(KeyringTest, OpenWithUnusableKeyFileFailsWithKeyFailure) {
  const RootKeySource root = NewKeyFile("root.key");
  CreateOrDie(root);
  ASSERT_EQ(::chmod(std::get<KeyFile>(root).path.c_str(), 0640), 0);
  StatusOr<Keyring> k = Keyring::Open(keys_dir(), root);
  ASSERT_FALSE(k.has_value());
  EXPECT_EQ(k.error().code(), StatusCode::kKeyFailure);
  EXPECT_THAT(k.error().message(), HasSubstr("chmod 600"));
}

TEST_F(KeyringTest, OpenGroupReadableKeyringFailsSayingChmod600) {
  const RootKeySource root = NewKeyFile("root.key");
  CreateOrDie(root);
  ASSERT_EQ(::chmod(keyring_path().c_str(), 0644), 0);
  StatusOr<Keyring> k = Keyring::Open(keys_dir(), root);
  ASSERT_FALSE(k.has_value());
  EXPECT_EQ(k.error().code(), StatusCode::kKeyFailure);
  EXPECT_THAT(k.error().message(), HasSubstr(keyring_path().string()));
  EXPECT_THAT(k.error().message(), HasSubstr("0644"));
  EXPECT_THAT(k.error().message(), HasSubstr("chmod 600"));
}

TEST_F(KeyringTest, FlippedByteAnywhereInKeyFileKeyringFailsCleanly) {
  const RootKeySource root = NewKeyFile("root.key");
  CreateOrDie(root);
  const auto original = ReadBytes(keyring_path());
  for (std::uint8_t mask : {std::uint8_t{0x01}, std::uint8_t{0x80}, std::uint8_t{0xFF}}) {
    for (std::size_t i = 0; i < original.size(); ++i) {
      auto damaged = original;
      damaged[i] ^= mask;
      WriteBytes(keyring_path(), damaged);
      StatusOr<Keyring> k = Keyring::Open(keys_dir(), root);
      ASSERT_FALSE(k.has_value()) << "byte " << i << " mask " << int{mask};
      EXPECT_THAT(k.error().code(),
                  AnyOf(StatusCode::kKeyFailure, StatusCode::kIntegrity))
          << "byte " << i << ": " << k.error().ToString();
    }
  }
}

TEST_F(KeyringTest, FlippedByteAnywhereInPassphraseKeyringFailsCleanly) {
  CreateOrDie(PassphraseSource(kPassphrase));
  const auto original = ReadBytes(keyring_path());
  for (std::size_t i = 0; i < original.size(); ++i) {
    auto damaged = original;
    damaged[i] ^= 0x01;
    WriteBytes(keyring_path(), damaged);
    StatusOr<Keyring> k = Keyring::Open(keys_dir(), PassphraseSource(kPassphrase));
    ASSERT_FALSE(k.has_value()) << "byte " << i;
    EXPECT_THAT(k.error().code(), AnyOf(StatusCode::kKeyFailure, StatusCode::kIntegrity))
        << "byte " << i << ": " << k.error().ToString();
  }
}

TEST_F(KeyringTest, TruncatedOrExtendedKeyringFailsCleanly) {
  const RootKeySource root = NewKeyFile("root.key");
  CreateOrDie(root);
  const auto original = ReadBytes(keyring_path());
  for (std::size_t size = 0; size < original.size(); ++size) {
    WriteBytes(keyring_path(),
               {original.begin(), original.begin() + static_cast<long>(size)});
    StatusOr<Keyring> k = Keyring::Open(keys_dir(), root);
    ASSERT_FALSE(k.has_value()) << "size " << size;
    EXPECT_THAT(k.error().code(), AnyOf(StatusCode::kKeyFailure, StatusCode::kIntegrity))
        << "size " << size << ": " << k.error().ToString();
  }
  auto extended = original;
  extended.push_back(0);
  WriteBytes(keyring_path(), extended);
  StatusOr<Keyring> k = Keyring::Open(keys_dir(), root);
  ASSERT_FALSE(k.has_value());
  EXPECT_THAT(k.error().code(), AnyOf(StatusCode::kKeyFailure, StatusCode::kIntegrity));
}

TEST_F(KeyringTest, OversizedKeyringFailsWithIntegrity) {
  const RootKeySource root = NewKeyFile("root.key");
  CreateOrDie(root);
  auto huge = ReadBytes(keyring_path());
  huge.resize(128 * 1024, 0);
  WriteBytes(keyring_path(), huge);
  StatusOr<Keyring> k = Keyring::Open(keys_dir(), root);
  ASSERT_FALSE(k.has_value());
  EXPECT_EQ(k.error().code(), StatusCode::kIntegrity);
}

TEST_F(KeyringTest, FileStartsWithMagicVersionAndKind) {
  CreateOrDie(PassphraseSource(kPassphrase));
  const auto bytes = ReadBytes(keyring_path());
  ASSERT_GT(bytes.size(), 38u);
  EXPECT_EQ(std::string(bytes.begin(), bytes.begin() + 4), "CVKR");
  EXPECT_EQ(bytes[4], 1);
  EXPECT_EQ(bytes[5], 2);  // passphrase
  const crypto::PwhashCost min = crypto::PwhashMin();
  std::uint64_t ops = 0;
  std::uint64_t mem = 0;
  for (std::size_t i = 0; i < 8; ++i) {
    ops = (ops << 8) | bytes[6 + i];
    mem = (mem << 8) | bytes[14 + i];
  }
  EXPECT_EQ(ops, min.opslimit);
  EXPECT_EQ(mem, min.memlimit);
  EXPECT_EQ(bytes[38], 0x01);  // envelope format byte after the 16-byte salt
}

TEST_F(KeyringTest, ResealWithNewPassphraseKeepsKeysAndRetiresTheOldOne) {
  Keyring k = CreateOrDie(PassphraseSource(kPassphrase));
  const auto before = ReadBytes(keyring_path());
  ASSERT_TRUE(k.Reseal(keys_dir(), PassphraseSource("a brand new passphrase"),
                       PassphraseCost::kTestingOnly)
                  .ok());
  EXPECT_NE(ReadBytes(keyring_path()), before);
  EXPECT_EQ(ModeOf(keyring_path()), 0600u);

  StatusOr<Keyring> old_pass = Keyring::Open(keys_dir(), PassphraseSource(kPassphrase));
  ASSERT_FALSE(old_pass.has_value());
  EXPECT_EQ(old_pass.error().code(), StatusCode::kKeyFailure);

  StatusOr<Keyring> new_pass =
      Keyring::Open(keys_dir(), PassphraseSource("a brand new passphrase"));
  ASSERT_TRUE(new_pass.has_value()) << new_pass.error().ToString();
  ExpectSameKeys(k, *new_pass);
}

TEST_F(KeyringTest, ResealFromPassphraseToKeyFileKeepsKeys) {
  Keyring k = CreateOrDie(PassphraseSource(kPassphrase));
  const RootKeySource key_file = NewKeyFile("root.key");
  ASSERT_TRUE(k.Reseal(keys_dir(), key_file, PassphraseCost::kTestingOnly).ok());
  StatusOr<Keyring> reopened = Keyring::Open(keys_dir(), key_file);
  ASSERT_TRUE(reopened.has_value()) << reopened.error().ToString();
  ExpectSameKeys(k, *reopened);
  EXPECT_FALSE(Keyring::Open(keys_dir(), PassphraseSource(kPassphrase)).has_value());
}

TEST_F(KeyringTest, ResealWithEmptyPassphraseFailsAndKeepsTheFile) {
  Keyring k = CreateOrDie(PassphraseSource(kPassphrase));
  const auto before = ReadBytes(keyring_path());
  Status status =
      k.Reseal(keys_dir(), PassphraseSource(""), PassphraseCost::kTestingOnly);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ReadBytes(keyring_path()), before);
}

TEST_F(KeyringTest, KeyringFileHoldsNoRawKey) {
  const RootKeySource root = NewKeyFile("root.key");
  Keyring k = CreateOrDie(root);
  const auto file = ReadBytes(keyring_path());
  StatusOr<SecretBytes> root_key = ReadKeyFile(std::get<KeyFile>(root).path);
  ASSERT_TRUE(root_key.has_value());
  const SecretBytes* secrets[] = {&k.vault_db_key(),
                                  &k.keystore_db_key(),
                                  &k.erasure_ledger_key(),
                                  &k.blind_index_root(),
                                  &k.audit_signing_seed(),
                                  k.kek(1),
                                  &*root_key};
  for (const SecretBytes* secret : secrets) {
    EXPECT_FALSE(Contains(file, secret->Reveal()));
    // Nor any 8-byte window of it.
    for (std::size_t i = 0; i + 8 <= secret->size(); ++i) {
      EXPECT_FALSE(Contains(file, secret->Reveal().subspan(i, 8)));
    }
  }
  EXPECT_FALSE(Contains(file, k.vault_id()));
}

TEST_F(KeyringTest, PassphraseKeyringFileHoldsNoPassphrase) {
  CreateOrDie(PassphraseSource(kPassphrase));
  EXPECT_FALSE(Contains(ReadBytes(keyring_path()), crypto::AsBytes(kPassphrase)));
}

TEST_F(KeyringTest, ErrorMessagesNeverContainThePassphrase) {
  CreateOrDie(PassphraseSource(kPassphrase));
  const std::string wrong = "wrong-passphrase-do-not-echo";
  std::vector<Status> errors;
  auto collect = [&errors](const StatusOr<Keyring>& k) {
    if (!k.has_value()) errors.push_back(k.error());
  };
  collect(Keyring::Open(keys_dir(), PassphraseSource(wrong)));
  collect(Keyring::Create(keys_dir(), PassphraseSource(wrong),
                          PassphraseCost::kTestingOnly, false, kNowUs));
  collect(Keyring::Open(dir_.path() / "elsewhere", PassphraseSource(wrong)));
  auto damaged = ReadBytes(keyring_path());
  damaged.back() ^= 1;
  WriteBytes(keyring_path(), damaged);
  collect(Keyring::Open(keys_dir(), PassphraseSource(kPassphrase)));
  ASSERT_EQ(chmod(keyring_path().c_str(), 0644), 0);
  collect(Keyring::Open(keys_dir(), PassphraseSource(kPassphrase)));
  ASSERT_EQ(errors.size(), 5u);
  for (const Status& error : errors) {
    EXPECT_THAT(error.ToString(), Not(HasSubstr(wrong)));
    EXPECT_THAT(error.ToString(), Not(HasSubstr(std::string(kPassphrase))));
  }
}

TEST_F(KeyringTest, FreshKeyringHasOneVersionOfEachKeyAndNoPendingRekey) {
  Keyring k = CreateOrDie(NewKeyFile("root.key"));
  EXPECT_THAT(k.kek_versions(), ElementsAre(1u));
  EXPECT_THAT(k.blind_index_versions(), ElementsAre(1u));
  ASSERT_NE(k.blind_index_root(1), nullptr);
  EXPECT_TRUE(*k.blind_index_root(1) == k.blind_index_root());
  EXPECT_EQ(k.blind_index_root(2), nullptr);
  EXPECT_EQ(k.pending_vault_db_key(), nullptr);
  EXPECT_EQ(k.pending_keystore_db_key(), nullptr);
}

TEST_F(KeyringTest, AddKekMakesANewPrimaryAndTheOldKekStillUnwraps) {
  Keyring k = CreateOrDie(NewKeyFile("root.key"));
  const SecretBytes dek = NewDataKey();
  StatusOr<store::DataKeyRow> old_row =
      WrapDataKey(k, "cus_a", RetentionClass::kStandard, dek, kNowUs);
  ASSERT_TRUE(old_row.has_value()) << old_row.error().ToString();
  ASSERT_EQ(old_row->kek_version, 1u);
  const SecretBytes old_kek = k.kek(1)->Clone();

  EXPECT_EQ(k.AddKek(), 2u);
  EXPECT_EQ(k.primary_kek_version(), 2u);
  EXPECT_THAT(k.kek_versions(), ElementsAre(1u, 2u));
  ASSERT_NE(k.kek(2), nullptr);
  EXPECT_EQ(k.kek(2)->size(), 32u);
  EXPECT_FALSE(*k.kek(2) == old_kek);
  EXPECT_TRUE(*k.kek(1) == old_kek);

  StatusOr<SecretBytes> unwrapped = UnwrapDataKey(k, *old_row);
  ASSERT_TRUE(unwrapped.has_value()) << unwrapped.error().ToString();
  EXPECT_TRUE(*unwrapped == dek);

  // New keys are wrapped under the new primary.
  StatusOr<store::DataKeyRow> new_row =
      WrapDataKey(k, "cus_a", RetentionClass::kStandard, dek, kNowUs);
  ASSERT_TRUE(new_row.has_value()) << new_row.error().ToString();
  EXPECT_EQ(new_row->kek_version, 2u);
  StatusOr<SecretBytes> rewrapped = UnwrapDataKey(k, *new_row);
  ASSERT_TRUE(rewrapped.has_value()) << rewrapped.error().ToString();
  EXPECT_TRUE(*rewrapped == dek);
}

TEST_F(KeyringTest, RetireKekRefusesThePrimaryAndUnknownVersions) {
  Keyring k = CreateOrDie(NewKeyFile("root.key"));
  EXPECT_EQ(k.RetireKek(1).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(k.RetireKek(9).code(), StatusCode::kNotFound);
  EXPECT_EQ(k.RetireKek(0).code(), StatusCode::kNotFound);
  EXPECT_THAT(k.kek_versions(), ElementsAre(1u));
  ASSERT_EQ(k.AddKek(), 2u);
  EXPECT_EQ(k.RetireKek(2).code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(k.kek_versions(), ElementsAre(1u, 2u));
}

TEST_F(KeyringTest, RetiredKekNoLongerUnwrapsItsKeys) {
  Keyring k = CreateOrDie(NewKeyFile("root.key"));
  StatusOr<store::DataKeyRow> row =
      WrapDataKey(k, "cus_a", RetentionClass::kStandard, NewDataKey(), kNowUs);
  ASSERT_TRUE(row.has_value());
  ASSERT_EQ(k.AddKek(), 2u);
  ASSERT_TRUE(k.RetireKek(1).ok());
  EXPECT_THAT(k.kek_versions(), ElementsAre(2u));
  EXPECT_EQ(k.kek(1), nullptr);
  EXPECT_EQ(k.RetireKek(1).code(), StatusCode::kNotFound);
  StatusOr<SecretBytes> unwrapped = UnwrapDataKey(k, *row);
  ASSERT_FALSE(unwrapped.has_value());
  EXPECT_EQ(unwrapped.error().code(), StatusCode::kKeyFailure);
}

TEST_F(KeyringTest, KekVersionsAreNeverReusedAfterRetiring) {
  Keyring k = CreateOrDie(NewKeyFile("root.key"));
  ASSERT_EQ(k.AddKek(), 2u);
  ASSERT_TRUE(k.RetireKek(1).ok());
  EXPECT_EQ(k.AddKek(), 3u);
  EXPECT_THAT(k.kek_versions(), ElementsAre(2u, 3u));
  EXPECT_EQ(k.primary_kek_version(), 3u);
}

TEST_F(KeyringTest, BlindIndexRootRotatesThroughAddSetAndRetire) {
  Keyring k = CreateOrDie(NewKeyFile("root.key"));
  const SecretBytes first = k.blind_index_root().Clone();

  EXPECT_EQ(k.AddBlindIndexRoot(), 2u);
  // Added, not yet current.
  EXPECT_EQ(k.blind_index_version(), 1u);
  EXPECT_TRUE(k.blind_index_root() == first);
  EXPECT_THAT(k.blind_index_versions(), ElementsAre(1u, 2u));
  ASSERT_NE(k.blind_index_root(2), nullptr);
  EXPECT_EQ(k.blind_index_root(2)->size(), 32u);
  EXPECT_FALSE(*k.blind_index_root(2) == first);

  EXPECT_EQ(k.SetBlindIndexVersion(7).code(), StatusCode::kNotFound);
  EXPECT_EQ(k.blind_index_version(), 1u);
  ASSERT_TRUE(k.SetBlindIndexVersion(2).ok());
  EXPECT_EQ(k.blind_index_version(), 2u);
  EXPECT_TRUE(k.blind_index_root() == *k.blind_index_root(2));

  EXPECT_EQ(k.RetireBlindIndexRoot(2).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(k.RetireBlindIndexRoot(5).code(), StatusCode::kNotFound);
  ASSERT_TRUE(k.RetireBlindIndexRoot(1).ok());
  EXPECT_THAT(k.blind_index_versions(), ElementsAre(2u));
  EXPECT_EQ(k.blind_index_root(1), nullptr);
  EXPECT_EQ(k.SetBlindIndexVersion(1).code(), StatusCode::kNotFound);
  EXPECT_EQ(k.RetireBlindIndexRoot(1).code(), StatusCode::kNotFound);
}

TEST_F(KeyringTest, AbandonedBlindIndexVersionCanBeRetiredWhileTheOldStaysCurrent) {
  Keyring k = CreateOrDie(NewKeyFile("root.key"));
  const SecretBytes first = k.blind_index_root().Clone();
  ASSERT_EQ(k.AddBlindIndexRoot(), 2u);
  ASSERT_TRUE(k.RetireBlindIndexRoot(2).ok());
  EXPECT_THAT(k.blind_index_versions(), ElementsAre(1u));
  EXPECT_EQ(k.blind_index_version(), 1u);
  EXPECT_TRUE(k.blind_index_root() == first);
}

TEST_F(KeyringTest, FinishDbRekeyWithoutBeginFailsAndKeepsTheKeys) {
  Keyring k = CreateOrDie(NewKeyFile("root.key"));
  const SecretBytes vault_key = k.vault_db_key().Clone();
  const SecretBytes keystore_key = k.keystore_db_key().Clone();
  EXPECT_EQ(k.FinishDbRekey().code(), StatusCode::kFailedPrecondition);
  EXPECT_TRUE(k.vault_db_key() == vault_key);
  EXPECT_TRUE(k.keystore_db_key() == keystore_key);
}

TEST_F(KeyringTest, BeginThenFinishDbRekeyMakesThePendingKeysCurrent) {
  Keyring k = CreateOrDie(NewKeyFile("root.key"));
  const SecretBytes old_vault_key = k.vault_db_key().Clone();
  const SecretBytes old_keystore_key = k.keystore_db_key().Clone();

  k.BeginDbRekey();
  ASSERT_NE(k.pending_vault_db_key(), nullptr);
  ASSERT_NE(k.pending_keystore_db_key(), nullptr);
  EXPECT_EQ(k.pending_vault_db_key()->size(), 32u);
  EXPECT_EQ(k.pending_keystore_db_key()->size(), 32u);
  EXPECT_FALSE(*k.pending_vault_db_key() == *k.pending_keystore_db_key());
  EXPECT_FALSE(*k.pending_vault_db_key() == old_vault_key);
  // The current keys stay in use until the databases are rekeyed.
  EXPECT_TRUE(k.vault_db_key() == old_vault_key);
  EXPECT_TRUE(k.keystore_db_key() == old_keystore_key);
  const SecretBytes new_vault_key = k.pending_vault_db_key()->Clone();
  const SecretBytes new_keystore_key = k.pending_keystore_db_key()->Clone();

  ASSERT_TRUE(k.FinishDbRekey().ok());
  EXPECT_TRUE(k.vault_db_key() == new_vault_key);
  EXPECT_TRUE(k.keystore_db_key() == new_keystore_key);
  EXPECT_EQ(k.pending_vault_db_key(), nullptr);
  EXPECT_EQ(k.pending_keystore_db_key(), nullptr);
  EXPECT_EQ(k.FinishDbRekey().code(), StatusCode::kFailedPrecondition);
}

TEST_F(KeyringTest, BeginDbRekeyAgainReplacesThePendingKeys) {
  Keyring k = CreateOrDie(NewKeyFile("root.key"));
  k.BeginDbRekey();
  const SecretBytes first_pending = k.pending_vault_db_key()->Clone();
  k.BeginDbRekey();
  ASSERT_NE(k.pending_vault_db_key(), nullptr);
  EXPECT_FALSE(*k.pending_vault_db_key() == first_pending);
}

TEST_F(KeyringTest, SaveThenOpenKeepsRotatedKeysPendingDbKeysAndLedgerKey) {
  const RootKeySource root = NewKeyFile("root.key");
  Keyring k = CreateOrDie(root);
  ASSERT_EQ(k.AddKek(), 2u);
  ASSERT_EQ(k.AddBlindIndexRoot(), 2u);
  ASSERT_TRUE(k.SetBlindIndexVersion(2).ok());
  k.BeginDbRekey();
  ASSERT_TRUE(k.Save(keys_dir(), root, PassphraseCost::kTestingOnly).ok());
  EXPECT_EQ(ModeOf(keyring_path()), 0600u);

  StatusOr<Keyring> opened = Keyring::Open(keys_dir(), root);
  ASSERT_TRUE(opened.has_value()) << opened.error().ToString();
  ExpectSameKeys(k, *opened);
  EXPECT_THAT(opened->kek_versions(), ElementsAre(1u, 2u));
  for (std::uint32_t version : {1u, 2u}) {
    ASSERT_NE(opened->kek(version), nullptr);
    EXPECT_TRUE(*opened->kek(version) == *k.kek(version)) << version;
    ASSERT_NE(opened->blind_index_root(version), nullptr);
    EXPECT_TRUE(*opened->blind_index_root(version) == *k.blind_index_root(version));
  }
  EXPECT_EQ(opened->blind_index_version(), 2u);
  ASSERT_NE(opened->pending_vault_db_key(), nullptr);
  ASSERT_NE(opened->pending_keystore_db_key(), nullptr);
  EXPECT_TRUE(*opened->pending_vault_db_key() == *k.pending_vault_db_key());
  EXPECT_TRUE(*opened->pending_keystore_db_key() == *k.pending_keystore_db_key());

  // The second save of the rekey: the pending keys become current on disk.
  ASSERT_TRUE(opened->FinishDbRekey().ok());
  ASSERT_TRUE(opened->Save(keys_dir(), root, PassphraseCost::kTestingOnly).ok());
  StatusOr<Keyring> finished = Keyring::Open(keys_dir(), root);
  ASSERT_TRUE(finished.has_value()) << finished.error().ToString();
  EXPECT_EQ(finished->pending_vault_db_key(), nullptr);
  EXPECT_EQ(finished->pending_keystore_db_key(), nullptr);
  EXPECT_TRUE(finished->vault_db_key() == *k.pending_vault_db_key());
  EXPECT_TRUE(finished->keystore_db_key() == *k.pending_keystore_db_key());
  EXPECT_TRUE(finished->erasure_ledger_key() == k.erasure_ledger_key());
}

TEST_F(KeyringTest, SaveAfterRetiringKeepsTheRetiredVersionsGone) {
  const RootKeySource root = NewKeyFile("root.key");
  Keyring k = CreateOrDie(root);
  ASSERT_EQ(k.AddKek(), 2u);
  ASSERT_TRUE(k.RetireKek(1).ok());
  ASSERT_TRUE(k.Save(keys_dir(), root, PassphraseCost::kTestingOnly).ok());
  StatusOr<Keyring> opened = Keyring::Open(keys_dir(), root);
  ASSERT_TRUE(opened.has_value()) << opened.error().ToString();
  EXPECT_THAT(opened->kek_versions(), ElementsAre(2u));
  EXPECT_EQ(opened->kek(1), nullptr);
  EXPECT_EQ(opened->primary_kek_version(), 2u);
}

TEST_F(KeyringTest, ChangesAreNotOnDiskUntilSaved) {
  const RootKeySource root = NewKeyFile("root.key");
  Keyring k = CreateOrDie(root);
  const auto before = ReadBytes(keyring_path());
  k.AddKek();
  k.BeginDbRekey();
  EXPECT_EQ(ReadBytes(keyring_path()), before);
  StatusOr<Keyring> opened = Keyring::Open(keys_dir(), root);
  ASSERT_TRUE(opened.has_value()) << opened.error().ToString();
  EXPECT_THAT(opened->kek_versions(), ElementsAre(1u));
  EXPECT_EQ(opened->pending_vault_db_key(), nullptr);
}

TEST_F(KeyringTest, SaveWithPassphraseKeepsTheKeysUnderThatPassphrase) {
  Keyring k = CreateOrDie(PassphraseSource(kPassphrase));
  k.AddKek();
  ASSERT_TRUE(
      k.Save(keys_dir(), PassphraseSource(kPassphrase), PassphraseCost::kTestingOnly)
          .ok());
  StatusOr<Keyring> opened = Keyring::Open(keys_dir(), PassphraseSource(kPassphrase));
  ASSERT_TRUE(opened.has_value()) << opened.error().ToString();
  ExpectSameKeys(k, *opened);
  StatusOr<Keyring> wrong = Keyring::Open(keys_dir(), PassphraseSource("not the one"));
  ASSERT_FALSE(wrong.has_value());
  EXPECT_EQ(wrong.error().code(), StatusCode::kKeyFailure);
}

TEST_F(KeyringTest, SaveWithoutRootKeyFailsAndKeepsTheFile) {
  Keyring k = CreateOrDie(NewKeyFile("root.key"));
  const auto before = ReadBytes(keyring_path());
  k.AddKek();
  EXPECT_EQ(k.Save(keys_dir(), RootKeySource{}, PassphraseCost::kTestingOnly).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(ReadBytes(keyring_path()), before);
}

TEST_F(KeyringTest, ErasureLedgerKeyOutlivesKekRotationAndDbRekey) {
  const RootKeySource root = NewKeyFile("root.key");
  Keyring k = CreateOrDie(root);
  const SecretBytes ledger_key = k.erasure_ledger_key().Clone();
  k.AddKek();
  k.AddBlindIndexRoot();
  k.BeginDbRekey();
  ASSERT_TRUE(k.FinishDbRekey().ok());
  EXPECT_TRUE(k.erasure_ledger_key() == ledger_key);
  ASSERT_TRUE(k.Save(keys_dir(), root, PassphraseCost::kTestingOnly).ok());
  StatusOr<Keyring> opened = Keyring::Open(keys_dir(), root);
  ASSERT_TRUE(opened.has_value()) << opened.error().ToString();
  EXPECT_TRUE(opened->erasure_ledger_key() == ledger_key);
}

TEST_F(KeyringTest, MovedKeyringKeepsItsKeys) {
  Keyring k = CreateOrDie(NewKeyFile("root.key"));
  const SecretBytes db_key = k.vault_db_key().Clone();
  Keyring moved = std::move(k);
  EXPECT_TRUE(moved.vault_db_key() == db_key);
}

}  // namespace
}  // namespace cvault::keys
