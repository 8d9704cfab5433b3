#include "crypto/kdf.h"

#include <gtest/gtest.h>

#include <string>

#include "crypto/bytes.h"
#include "cvault/secret_bytes.h"

namespace cvault::crypto {
namespace {

SecretBytes CountingKey(std::size_t size) {
  SecretBytes key(size);
  for (std::size_t i = 0; i < size; ++i) {
    key.RevealMutable()[i] = static_cast<std::uint8_t>(i);
  }
  return key;
}

SecretBytes DeriveOrDie(const SecretBytes& master, std::uint64_t id,
                        std::string_view context, std::size_t size = 32) {
  auto subkey = DeriveSubkey(master, id, context, size);
  if (!subkey.has_value()) {
    ADD_FAILURE() << subkey.error().ToString();
    std::abort();
  }
  return std::move(*subkey);
}

TEST(DeriveSubkeyTest, IsDeterministic) {
  const SecretBytes master = SecretBytes::Random(32);
  EXPECT_TRUE(DeriveOrDie(master, 1, "cvtest01") ==
              DeriveOrDie(master, 1, "cvtest01"));
}

TEST(DeriveSubkeyTest, DifferentIdsGiveDifferentKeys) {
  const SecretBytes master = SecretBytes::Random(32);
  EXPECT_FALSE(DeriveOrDie(master, 1, "cvtest01") ==
               DeriveOrDie(master, 2, "cvtest01"));
}

TEST(DeriveSubkeyTest, DifferentContextsGiveDifferentKeys) {
  const SecretBytes master = SecretBytes::Random(32);
  EXPECT_FALSE(DeriveOrDie(master, 1, "cvtest01") ==
               DeriveOrDie(master, 1, "cvtest02"));
}

TEST(DeriveSubkeyTest, DifferentMastersGiveDifferentKeys) {
  EXPECT_FALSE(DeriveOrDie(SecretBytes::Random(32), 1, "cvtest01") ==
               DeriveOrDie(SecretBytes::Random(32), 1, "cvtest01"));
}

// crypto_kdf_derive_from_key is BLAKE2b keyed with the master, salt = subkey
// id (little-endian, zero-padded to 16 bytes), personal = context (padded).
// Expected value computed independently with Python's hashlib.blake2b.
TEST(DeriveSubkeyTest, MatchesIndependentBlake2bComputation) {
  const SecretBytes subkey = DeriveOrDie(CountingKey(32), 1, "cvblind1");
  EXPECT_EQ(ToHex(subkey.Reveal()),
            "64b2b9a75767165de5029d3528577c86334b26221fb6e118befb9e7d210cc3b0");
}

TEST(DeriveSubkeyTest, SizesAtTheBoundsWork) {
  const SecretBytes master = SecretBytes::Random(32);
  EXPECT_EQ(DeriveOrDie(master, 1, "cvtest01", 16).size(), 16u);
  EXPECT_EQ(DeriveOrDie(master, 1, "cvtest01", 64).size(), 64u);
}

TEST(DeriveSubkeyTest, WrongMasterSizeFails) {
  for (std::size_t size : {0, 16, 31, 33, 64}) {
    auto subkey = DeriveSubkey(SecretBytes::Random(size), 1, "cvtest01");
    ASSERT_FALSE(subkey.has_value()) << "master size " << size;
    EXPECT_EQ(subkey.error().code(), StatusCode::kInvalidArgument);
  }
}

TEST(DeriveSubkeyTest, ContextNotEightCharactersFails) {
  const SecretBytes master = SecretBytes::Random(32);
  for (std::string_view context : {"", "cvtest1", "cvtest012"}) {
    auto subkey = DeriveSubkey(master, 1, context);
    ASSERT_FALSE(subkey.has_value()) << "context '" << context << "'";
    EXPECT_EQ(subkey.error().code(), StatusCode::kInvalidArgument);
  }
}

TEST(DeriveSubkeyTest, SubkeySizeOutOfRangeFails) {
  const SecretBytes master = SecretBytes::Random(32);
  for (std::size_t size : {0, 15, 65, 128}) {
    auto subkey = DeriveSubkey(master, 1, "cvtest01", size);
    ASSERT_FALSE(subkey.has_value()) << "size " << size;
    EXPECT_EQ(subkey.error().code(), StatusCode::kInvalidArgument);
  }
}

// Passphrases ----------------------------------------------------------------

const Bytes kSalt = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};

SecretBytes PassphraseKeyOrDie(std::string_view passphrase,
                               std::span<const std::uint8_t> salt) {
  auto key = DeriveKeyFromPassphrase(SecretBytes::CopyFrom(passphrase), salt,
                                     PwhashMin());
  if (!key.has_value()) {
    ADD_FAILURE() << key.error().ToString();
    std::abort();
  }
  return std::move(*key);
}

TEST(PassphraseTest, SameSaltGivesSameKey) {
  const SecretBytes first = PassphraseKeyOrDie("correct horse", kSalt);
  EXPECT_EQ(first.size(), kPwhashKeySize);
  EXPECT_TRUE(first == PassphraseKeyOrDie("correct horse", kSalt));
}

// Expected value computed independently with Python cryptography's Argon2id
// (t=1, m=8 KiB, p=1, v1.3), libsodium's argon2id minimum cost.
TEST(PassphraseTest, MatchesIndependentArgon2idComputation) {
  EXPECT_EQ(ToHex(PassphraseKeyOrDie("correct horse", kSalt).Reveal()),
            "3bfa796a86260b73457e1290b51695931a17e266f601d0fb45563e282fb6865b");
}

TEST(PassphraseTest, DifferentSaltGivesDifferentKey) {
  Bytes other_salt = kSalt;
  other_salt[15] ^= 1;
  EXPECT_FALSE(PassphraseKeyOrDie("correct horse", kSalt) ==
               PassphraseKeyOrDie("correct horse", other_salt));
}

TEST(PassphraseTest, DifferentPassphraseGivesDifferentKey) {
  EXPECT_FALSE(PassphraseKeyOrDie("correct horse", kSalt) ==
               PassphraseKeyOrDie("correct horsf", kSalt));
}

TEST(PassphraseTest, WrongSaltSizeFails) {
  for (std::size_t size : {0, 8, 15, 17, 32}) {
    const Bytes salt(size, 7);
    auto key = DeriveKeyFromPassphrase(
        SecretBytes::CopyFrom(std::string_view("pw")), salt, PwhashMin());
    ASSERT_FALSE(key.has_value()) << "salt size " << size;
    EXPECT_EQ(key.error().code(), StatusCode::kInvalidArgument);
  }
}

TEST(PassphraseTest, CostBelowArgon2idMinimumFails) {
  const SecretBytes passphrase = SecretBytes::CopyFrom(std::string_view("pw"));
  PwhashCost too_few_passes = PwhashMin();
  too_few_passes.opslimit = 0;
  PwhashCost too_little_memory = PwhashMin();
  too_little_memory.memlimit = 1024;
  for (PwhashCost cost : {too_few_passes, too_little_memory}) {
    auto key = DeriveKeyFromPassphrase(passphrase, kSalt, cost);
    ASSERT_FALSE(key.has_value());
    EXPECT_EQ(key.error().code(), StatusCode::kInvalidArgument);
  }
}

TEST(PassphraseTest, ErrorDoesNotContainThePassphrase) {
  auto key = DeriveKeyFromPassphrase(
      SecretBytes::CopyFrom(std::string_view("hunter2-passphrase")),
      Bytes(3, 0), PwhashMin());
  ASSERT_FALSE(key.has_value());
  EXPECT_EQ(key.error().ToString().find("hunter2"), std::string::npos);
}

TEST(PassphraseTest, PresetsGrowInCost) {
  EXPECT_LE(PwhashMin().opslimit, PwhashInteractive().opslimit);
  EXPECT_LE(PwhashInteractive().opslimit, PwhashModerate().opslimit);
  EXPECT_LT(PwhashMin().memlimit, PwhashInteractive().memlimit);
  EXPECT_LT(PwhashInteractive().memlimit, PwhashModerate().memlimit);
  EXPECT_EQ(PwhashModerate().memlimit, 256u * 1024 * 1024);
}

}  // namespace
}  // namespace cvault::crypto
