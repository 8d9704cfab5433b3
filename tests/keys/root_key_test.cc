#include "keys/root_key.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "crypto/kdf.h"
#include "tests/testing/temp_dir.h"

namespace cvault::keys {
namespace {

using ::cvault::testing::TempDir;
using ::testing::HasSubstr;

void WriteFileWithMode(const std::filesystem::path& path, std::string_view content,
                       mode_t mode) {
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      .write(content.data(), static_cast<std::streamsize>(content.size()));
  ASSERT_EQ(::chmod(path.c_str(), mode), 0);
}

std::string ReadAll(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

constexpr std::string_view kHexKey =
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

SecretBytes ExpectedHexKey() {
  SecretBytes key(32);
  for (std::size_t i = 0; i < 32; ++i) {
    key.RevealMutable()[i] = static_cast<std::uint8_t>(i);
  }
  return key;
}

TEST(WriteNewKeyFileTest, WritesSixtyFourHexDigitsAndNewlineWithMode0600) {
  TempDir dir;
  const auto path = dir.path() / "root.key";
  ASSERT_TRUE(WriteNewKeyFile(path).ok());

  const std::string content = ReadAll(path);
  ASSERT_EQ(content.size(), 65u);
  EXPECT_EQ(content.back(), '\n');
  EXPECT_EQ(content.find_first_not_of("0123456789abcdef"), 64u);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);

  StatusOr<SecretBytes> key = ReadKeyFile(path);
  ASSERT_TRUE(key.has_value()) << key.error().ToString();
  EXPECT_EQ(key->size(), kRootKeySize);
}

TEST(WriteNewKeyFileTest, TwoKeyFilesDiffer) {
  TempDir dir;
  ASSERT_TRUE(WriteNewKeyFile(dir.path() / "a.key").ok());
  ASSERT_TRUE(WriteNewKeyFile(dir.path() / "b.key").ok());
  EXPECT_NE(ReadAll(dir.path() / "a.key"), ReadAll(dir.path() / "b.key"));
}

TEST(WriteNewKeyFileTest, ExistingPathFailsWithAlreadyExistsAndIsKept) {
  TempDir dir;
  const auto path = dir.path() / "root.key";
  WriteFileWithMode(path, "keep me", 0600);
  Status status = WriteNewKeyFile(path);
  EXPECT_EQ(status.code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(ReadAll(path), "keep me");
}

TEST(WriteNewKeyFileTest, MissingDirectoryFailsWithNotFound) {
  TempDir dir;
  EXPECT_EQ(WriteNewKeyFile(dir.path() / "missing" / "root.key").code(),
            StatusCode::kNotFound);
}

TEST(ReadKeyFileTest, AcceptsThirtyTwoRawBytes) {
  TempDir dir;
  const auto path = dir.path() / "raw.key";
  const SecretBytes expected = ExpectedHexKey();
  WriteFileWithMode(path, expected.RevealAsText(), 0600);
  StatusOr<SecretBytes> key = ReadKeyFile(path);
  ASSERT_TRUE(key.has_value()) << key.error().ToString();
  EXPECT_TRUE(*key == expected);
}

TEST(ReadKeyFileTest, AcceptsHexWithAndWithoutNewlineInEitherCase) {
  TempDir dir;
  const SecretBytes expected = ExpectedHexKey();
  std::string upper(kHexKey);
  for (char& c : upper) c = static_cast<char>(std::toupper(c));
  for (const std::string& content :
       {std::string(kHexKey), std::string(kHexKey) + "\n", upper}) {
    const auto path = dir.path() / "hex.key";
    WriteFileWithMode(path, content, 0600);
    StatusOr<SecretBytes> key = ReadKeyFile(path);
    ASSERT_TRUE(key.has_value()) << key.error().ToString();
    EXPECT_TRUE(*key == expected);
  }
}

TEST(ReadKeyFileTest, GroupReadableKeyFileFailsAndSaysChmod600) {
  TempDir dir;
  const auto path = dir.path() / "loose.key";
  WriteFileWithMode(path, kHexKey, 0644);
  StatusOr<SecretBytes> key = ReadKeyFile(path);
  ASSERT_FALSE(key.has_value());
  EXPECT_EQ(key.error().code(), StatusCode::kKeyFailure);
  EXPECT_THAT(key.error().message(), HasSubstr(path.string()));
  EXPECT_THAT(key.error().message(), HasSubstr("0644"));
  EXPECT_THAT(key.error().message(), HasSubstr("chmod 600"));
}

TEST(ReadKeyFileTest, OtherWritableKeyFileFails) {
  TempDir dir;
  const auto path = dir.path() / "loose.key";
  WriteFileWithMode(path, kHexKey, 0602);
  StatusOr<SecretBytes> key = ReadKeyFile(path);
  ASSERT_FALSE(key.has_value());
  EXPECT_EQ(key.error().code(), StatusCode::kKeyFailure);
}

TEST(ReadKeyFileTest, WrongLengthOrNonHexContentFails) {
  TempDir dir;
  const std::string hex(kHexKey);
  const std::string cases[] = {
      "",
      std::string(31, 'k'),
      std::string(33, 'k'),
      hex.substr(0, 62),
      hex + "00",
      hex + "\n\n",
      hex + "\r\n",
      " " + hex,
      std::string(63, 'a') + "g",
      std::string(1000, 'a'),
  };
  for (const std::string& content : cases) {
    const auto path = dir.path() / "bad.key";
    WriteFileWithMode(path, content, 0600);
    StatusOr<SecretBytes> key = ReadKeyFile(path);
    ASSERT_FALSE(key.has_value()) << "accepted " << content.size() << " bytes";
    EXPECT_EQ(key.error().code(), StatusCode::kKeyFailure);
    EXPECT_THAT(key.error().message(),
                HasSubstr("must hold 32 raw bytes or 64 hex digits"));
  }
}

TEST(ReadKeyFileTest, MissingKeyFileFailsWithKeyFailure) {
  TempDir dir;
  StatusOr<SecretBytes> key = ReadKeyFile(dir.path() / "absent.key");
  ASSERT_FALSE(key.has_value());
  EXPECT_EQ(key.error().code(), StatusCode::kKeyFailure);
  EXPECT_THAT(key.error().message(), HasSubstr("absent.key"));
}

TEST(ReadKeyFileTest, DirectoryOrFifoFailsWithKeyFailure) {
  TempDir dir;
  const auto sub = dir.path() / "sub";
  std::filesystem::create_directory(sub);
  ::chmod(sub.c_str(), 0700);
  const auto fifo = dir.path() / "fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  for (const auto& path : {sub, fifo}) {
    StatusOr<SecretBytes> key = ReadKeyFile(path);
    ASSERT_FALSE(key.has_value());
    EXPECT_EQ(key.error().code(), StatusCode::kKeyFailure);
  }
}

TEST(DeriveRootKeyTest, NoRootKeyFailsWithInvalidArgumentNamingTheOptions) {
  StatusOr<SecretBytes> key = DeriveRootKey(RootKeySource{}, nullptr);
  ASSERT_FALSE(key.has_value());
  EXPECT_EQ(key.error().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(key.error().message(), HasSubstr("--key-file"));
  EXPECT_THAT(key.error().message(), HasSubstr("CVAULT_PASSPHRASE"));
}

TEST(DeriveRootKeyTest, EmptyPassphraseFailsWithInvalidArgument) {
  const PassphraseStretch stretch = NewPassphraseStretch(PassphraseCost::kTestingOnly);
  StatusOr<SecretBytes> key =
      DeriveRootKey(RootKeySource{Passphrase{SecretBytes()}}, &stretch);
  ASSERT_FALSE(key.has_value());
  EXPECT_EQ(key.error().code(), StatusCode::kInvalidArgument);
}

TEST(DeriveRootKeyTest, RawRootKeyOfWrongSizeFails) {
  for (std::size_t size : {0u, 16u, 31u, 33u, 64u}) {
    StatusOr<SecretBytes> key =
        DeriveRootKey(RootKeySource{RawRootKey{SecretBytes::Random(size)}}, nullptr);
    ASSERT_FALSE(key.has_value());
    EXPECT_EQ(key.error().code(), StatusCode::kKeyFailure);
  }
}

TEST(DeriveRootKeyTest, RawRootKeyIsUsedAsIs) {
  const SecretBytes raw = SecretBytes::Random(32);
  StatusOr<SecretBytes> key =
      DeriveRootKey(RootKeySource{RawRootKey{raw.Clone()}}, nullptr);
  ASSERT_TRUE(key.has_value());
  EXPECT_TRUE(*key == raw);
}

TEST(DeriveRootKeyTest, PassphraseKeyDependsOnPassphraseAndSalt) {
  const PassphraseStretch stretch = NewPassphraseStretch(PassphraseCost::kTestingOnly);
  PassphraseStretch other_salt = stretch;
  other_salt.salt[0] ^= 1;
  auto derive = [](std::string_view text, const PassphraseStretch& s) {
    StatusOr<SecretBytes> key =
        DeriveRootKey(RootKeySource{Passphrase{SecretBytes::CopyFrom(text)}}, &s);
    EXPECT_TRUE(key.has_value());
    return std::move(*key);
  };
  const SecretBytes a = derive("correct horse", stretch);
  EXPECT_EQ(a.size(), kRootKeySize);
  EXPECT_TRUE(a == derive("correct horse", stretch));
  EXPECT_FALSE(a == derive("correct horsf", stretch));
  EXPECT_FALSE(a == derive("correct horse", other_salt));
}

TEST(PwhashCostForTest, MapsEachPassphraseCostToItsPreset) {
  EXPECT_EQ(PwhashCostFor(PassphraseCost::kModerate).memlimit,
            crypto::PwhashModerate().memlimit);
  EXPECT_EQ(PwhashCostFor(PassphraseCost::kInteractive).opslimit,
            crypto::PwhashInteractive().opslimit);
  EXPECT_EQ(PwhashCostFor(PassphraseCost::kTestingOnly).memlimit,
            crypto::PwhashMin().memlimit);
}

TEST(CheckStoredPwhashCostTest, PresetsPassAndOutOfRangeCostsFail) {
  for (const crypto::PwhashCost cost :
       {crypto::PwhashMin(), crypto::PwhashInteractive(), crypto::PwhashModerate()}) {
    EXPECT_TRUE(CheckStoredPwhashCost(cost.opslimit, cost.memlimit).ok());
  }
  const crypto::PwhashCost min = crypto::PwhashMin();
  EXPECT_EQ(CheckStoredPwhashCost(0, min.memlimit).code(), StatusCode::kIntegrity);
  EXPECT_EQ(CheckStoredPwhashCost(1000, min.memlimit).code(), StatusCode::kIntegrity);
  EXPECT_EQ(CheckStoredPwhashCost(min.opslimit, 1024).code(), StatusCode::kIntegrity);
  EXPECT_EQ(CheckStoredPwhashCost(min.opslimit, std::uint64_t{1} << 40).code(),
            StatusCode::kIntegrity);
}

}  // namespace
}  // namespace cvault::keys
