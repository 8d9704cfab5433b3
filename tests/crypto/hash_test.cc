#include "crypto/hash.h"

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

// Published BLAKE2b-256 digests (RFC 7693 parameters, 32-byte output).
TEST(Blake2b256Test, EmptyMessageMatchesPublishedDigest) {
  EXPECT_EQ(ToHex(Blake2b256({})),
            "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
}

TEST(Blake2b256Test, AbcMatchesPublishedDigest) {
  EXPECT_EQ(ToHex(Blake2b256(AsBytes("abc"))),
            "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
}

// FIPS 180-2 appendix B.1 and the empty-string digest.
TEST(Sha256Test, AbcMatchesPublishedDigest) {
  EXPECT_EQ(ToHex(Sha256(AsBytes("abc"))),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256Test, EmptyMessageMatchesPublishedDigest) {
  EXPECT_EQ(ToHex(Sha256({})),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

// Expected value computed independently with Python's hashlib.blake2b.
TEST(KeyedBlake2b256Test, MatchesIndependentComputation) {
  EXPECT_EQ(ToHex(KeyedBlake2b256(CountingKey(32), AsBytes("abc"))),
            "d63a32d3e44738d7907f964316c241adaba0abfeabc32349677578a15a203f7f");
}

TEST(KeyedBlake2b256Test, DiffersFromUnkeyedAndAcrossKeys) {
  const Bytes unkeyed = Blake2b256(AsBytes("cus_A"));
  const Bytes keyed = KeyedBlake2b256(CountingKey(32), AsBytes("cus_A"));
  const Bytes other_key =
      KeyedBlake2b256(SecretBytes::Random(32), AsBytes("cus_A"));
  EXPECT_EQ(keyed.size(), kBlake2b256Size);
  EXPECT_NE(keyed, unkeyed);
  EXPECT_NE(keyed, other_key);
}

TEST(KeyedBlake2b256DeathTest, EmptyKeyAborts) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH((void)KeyedBlake2b256(SecretBytes(), AsBytes("abc")), "");
}

TEST(Blake2bStreamTest, ChunkedUpdatesMatchOneShot) {
  const std::string message = "the quick brown fox jumps over the lazy dog";
  Blake2bStream stream;
  stream.Update(std::string_view(message).substr(0, 5));
  stream.Update(AsBytes(std::string_view(message).substr(5, 20)));
  stream.Update(std::string_view());
  stream.Update(std::string_view(message).substr(25));
  EXPECT_EQ(stream.Final(), Blake2b256(AsBytes(message)));
}

TEST(Blake2bStreamTest, EmptyStreamMatchesPublishedDigest) {
  Blake2bStream stream;
  EXPECT_EQ(ToHex(stream.Final()),
            "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
}

TEST(Blake2bStreamTest, FinalResetsTheStream) {
  Blake2bStream stream;
  stream.Update("abc");
  EXPECT_EQ(stream.Final(), Blake2b256(AsBytes("abc")));
  stream.Update("abc");
  EXPECT_EQ(stream.Final(), Blake2b256(AsBytes("abc")));
}

TEST(Blake2bStreamTest, CopyForksTheStream) {
  Blake2bStream stream;
  stream.Update("ab");
  Blake2bStream fork = stream;
  stream.Update("c");
  fork.Update("d");
  EXPECT_EQ(stream.Final(), Blake2b256(AsBytes("abc")));
  EXPECT_EQ(fork.Final(), Blake2b256(AsBytes("abd")));
}

TEST(ConstantTimeEqualsTest, ComparesSizeThenBytes) {
  const Bytes a = {1, 2, 3};
  EXPECT_TRUE(ConstantTimeEquals(a, Bytes{1, 2, 3}));
  EXPECT_FALSE(ConstantTimeEquals(a, Bytes{1, 2, 4}));
  EXPECT_FALSE(ConstantTimeEquals(a, Bytes{1, 2}));
  EXPECT_FALSE(ConstantTimeEquals(a, Bytes{1, 2, 3, 0}));
  EXPECT_TRUE(ConstantTimeEquals(Bytes{}, Bytes{}));
  EXPECT_FALSE(ConstantTimeEquals(Bytes{}, a));
}

}  // namespace
}  // namespace cvault::crypto
