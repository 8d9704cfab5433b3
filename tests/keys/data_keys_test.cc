#include "keys/data_keys.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "tests/testing/temp_dir.h"

namespace cvault::keys {
namespace {

using ::cvault::testing::TempDir;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr std::int64_t kNowUs = 1'780'000'000'000'000;
constexpr std::string_view kCustomer = "cus_0123456789abcdefghjkmnpqrs";

Keyring NewKeyring(const std::filesystem::path& keys_dir) {
  StatusOr<Keyring> k = Keyring::Create(keys_dir, RawRootKey{SecretBytes::Random(32)},
                                        PassphraseCost::kTestingOnly, false, kNowUs);
  EXPECT_TRUE(k.has_value()) << k.error().ToString();
  return std::move(*k);
}

class DataKeysTest : public ::testing::Test {
 protected:
  TempDir dir_;
  Keyring keyring_ = NewKeyring(dir_.path() / "keys");
};

TEST_F(DataKeysTest, NewDataKeysAreThirtyTwoFreshBytes) {
  const SecretBytes a = NewDataKey();
  EXPECT_EQ(a.size(), kDataKeySize);
  EXPECT_FALSE(a == NewDataKey());
}

TEST_F(DataKeysTest, WrapThenUnwrapGivesTheSameKey) {
  const SecretBytes dek = NewDataKey();
  StatusOr<store::DataKeyRow> row =
      WrapDataKey(keyring_, kCustomer, RetentionClass::kFinancial, dek, kNowUs);
  ASSERT_TRUE(row.has_value()) << row.error().ToString();
  EXPECT_EQ(row->customer_id, kCustomer);
  EXPECT_EQ(row->retention_class, 2);
  EXPECT_EQ(row->kek_version, keyring_.primary_kek_version());
  EXPECT_EQ(row->created_at_us, kNowUs);
  EXPECT_FALSE(std::ranges::search(row->wrapped, dek.Reveal()).begin() !=
               row->wrapped.end());

  StatusOr<SecretBytes> unwrapped = UnwrapDataKey(keyring_, *row);
  ASSERT_TRUE(unwrapped.has_value()) << unwrapped.error().ToString();
  EXPECT_TRUE(*unwrapped == dek);
}

TEST_F(DataKeysTest, WrappingTheSameKeyTwiceGivesDifferentBytes) {
  const SecretBytes dek = NewDataKey();
  auto a = WrapDataKey(keyring_, kCustomer, RetentionClass::kStandard, dek, kNowUs);
  auto b = WrapDataKey(keyring_, kCustomer, RetentionClass::kStandard, dek, kNowUs);
  ASSERT_TRUE(a.has_value() && b.has_value());
  EXPECT_NE(a->wrapped, b->wrapped);
}

TEST_F(DataKeysTest, RowMovedToAnotherCustomerFailsWithIntegrity) {
  auto row =
      WrapDataKey(keyring_, kCustomer, RetentionClass::kStandard, NewDataKey(), kNowUs);
  ASSERT_TRUE(row.has_value());
  row->customer_id = "cus_zzzzzzzzzzzzzzzzzzzzzzzzzz";
  StatusOr<SecretBytes> key = UnwrapDataKey(keyring_, *row);
  ASSERT_FALSE(key.has_value());
  EXPECT_EQ(key.error().code(), StatusCode::kIntegrity);
  EXPECT_THAT(key.error().message(), Not(HasSubstr("cus_")));
}

TEST_F(DataKeysTest, RowMovedToAnotherRetentionClassFailsWithIntegrity) {
  auto row =
      WrapDataKey(keyring_, kCustomer, RetentionClass::kStandard, NewDataKey(), kNowUs);
  ASSERT_TRUE(row.has_value());
  row->retention_class = static_cast<int>(RetentionClass::kFinancial);
  StatusOr<SecretBytes> key = UnwrapDataKey(keyring_, *row);
  ASSERT_FALSE(key.has_value());
  EXPECT_EQ(key.error().code(), StatusCode::kIntegrity);
}

TEST_F(DataKeysTest, UnknownKekVersionFailsWithKeyFailure) {
  auto row =
      WrapDataKey(keyring_, kCustomer, RetentionClass::kStandard, NewDataKey(), kNowUs);
  ASSERT_TRUE(row.has_value());
  row->kek_version = 99;
  StatusOr<SecretBytes> key = UnwrapDataKey(keyring_, *row);
  ASSERT_FALSE(key.has_value());
  EXPECT_EQ(key.error().code(), StatusCode::kKeyFailure);
  EXPECT_THAT(key.error().message(), HasSubstr("99"));
}

TEST_F(DataKeysTest, RowFromAnotherVaultFailsWithIntegrity) {
  Keyring other = NewKeyring(dir_.path() / "other-keys");
  auto row =
      WrapDataKey(other, kCustomer, RetentionClass::kStandard, NewDataKey(), kNowUs);
  ASSERT_TRUE(row.has_value());
  StatusOr<SecretBytes> key = UnwrapDataKey(keyring_, *row);
  ASSERT_FALSE(key.has_value());
  EXPECT_EQ(key.error().code(), StatusCode::kIntegrity);
}

TEST_F(DataKeysTest, FlippedOrTruncatedWrappedKeyFailsCleanly) {
  const auto row =
      WrapDataKey(keyring_, kCustomer, RetentionClass::kStandard, NewDataKey(), kNowUs);
  ASSERT_TRUE(row.has_value());
  for (std::size_t i = 0; i < row->wrapped.size(); ++i) {
    store::DataKeyRow damaged = *row;
    damaged.wrapped[i] ^= 0x01;
    StatusOr<SecretBytes> key = UnwrapDataKey(keyring_, damaged);
    ASSERT_FALSE(key.has_value()) << "byte " << i;
    EXPECT_EQ(key.error().code(), StatusCode::kIntegrity) << "byte " << i;
  }
  for (std::size_t size = 0; size < row->wrapped.size(); ++size) {
    store::DataKeyRow damaged = *row;
    damaged.wrapped.resize(size);
    StatusOr<SecretBytes> key = UnwrapDataKey(keyring_, damaged);
    ASSERT_FALSE(key.has_value()) << "size " << size;
    EXPECT_EQ(key.error().code(), StatusCode::kIntegrity) << "size " << size;
  }
}

TEST_F(DataKeysTest, WrapRejectsBadInput) {
  EXPECT_EQ(WrapDataKey(keyring_, "", RetentionClass::kStandard, NewDataKey(), kNowUs)
                .error()
                .code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(WrapDataKey(keyring_, kCustomer, static_cast<RetentionClass>(3), NewDataKey(),
                        kNowUs)
                .error()
                .code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(WrapDataKey(keyring_, kCustomer, RetentionClass::kStandard,
                        SecretBytes::Random(16), kNowUs)
                .error()
                .code(),
            StatusCode::kInvalidArgument);
}

TEST_F(DataKeysTest, WrappedKeyStillOpensAfterTheKeyringIsReopened) {
  const std::filesystem::path keys_dir = dir_.path() / "reopen";
  const SecretBytes root = SecretBytes::Random(32);
  StatusOr<Keyring> created = Keyring::Create(keys_dir, RawRootKey{root.Clone()},
                                              PassphraseCost::kTestingOnly, false, 0);
  ASSERT_TRUE(created.has_value());
  const SecretBytes dek = NewDataKey();
  auto row = WrapDataKey(*created, kCustomer, RetentionClass::kStandard, dek, kNowUs);
  ASSERT_TRUE(row.has_value());
  StatusOr<Keyring> reopened = Keyring::Open(keys_dir, RawRootKey{root.Clone()});
  ASSERT_TRUE(reopened.has_value());
  StatusOr<SecretBytes> key = UnwrapDataKey(*reopened, *row);
  ASSERT_TRUE(key.has_value()) << key.error().ToString();
  EXPECT_TRUE(*key == dek);
}

}  // namespace
}  // namespace cvault::keys
