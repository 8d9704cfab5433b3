#include "cvault/secret_bytes.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace cvault {
namespace {

static_assert(!std::is_copy_constructible_v<SecretBytes>);
static_assert(!std::is_copy_assignable_v<SecretBytes>);
static_assert(std::is_nothrow_move_constructible_v<SecretBytes>);
static_assert(!std::is_convertible_v<SecretBytes, std::string_view>);

TEST(SecretBytesTest, DefaultIsEmpty) {
  const SecretBytes empty;
  EXPECT_TRUE(empty.empty());
  EXPECT_EQ(empty.size(), 0u);
  EXPECT_TRUE(empty.Reveal().empty());
}

TEST(SecretBytesTest, SizedConstructorZeroes) {
  const SecretBytes zeroed(48);
  ASSERT_EQ(zeroed.size(), 48u);
  for (std::uint8_t b : zeroed.Reveal()) EXPECT_EQ(b, 0);
}

TEST(SecretBytesTest, CopyFromKeepsTheBytes) {
  const std::vector<std::uint8_t> raw = {1, 2, 3, 4};
  const SecretBytes secret = SecretBytes::CopyFrom(raw);
  ASSERT_EQ(secret.size(), raw.size());
  EXPECT_TRUE(std::equal(raw.begin(), raw.end(), secret.Reveal().begin()));
  EXPECT_EQ(SecretBytes::CopyFrom(std::string_view("pass")).RevealAsText(),
            "pass");
}

TEST(SecretBytesTest, MoveConstructLeavesSourceEmpty) {
  SecretBytes source = SecretBytes::CopyFrom(std::string_view("key"));
  const SecretBytes target = std::move(source);
  EXPECT_EQ(target.RevealAsText(), "key");
  // NOLINTNEXTLINE(bugprone-use-after-move): moved-from state is specified.
  EXPECT_TRUE(source.empty());
}

TEST(SecretBytesTest, MoveAssignReplacesTheOldBytes) {
  SecretBytes target = SecretBytes::CopyFrom(std::string_view("old"));
  SecretBytes source = SecretBytes::CopyFrom(std::string_view("new!"));
  target = std::move(source);
  EXPECT_EQ(target.RevealAsText(), "new!");
  // NOLINTNEXTLINE(bugprone-use-after-move): moved-from state is specified.
  EXPECT_TRUE(source.empty());
}

TEST(SecretBytesTest, SelfMoveAssignKeepsTheBytes) {
  SecretBytes secret = SecretBytes::CopyFrom(std::string_view("same"));
  SecretBytes& alias = secret;
  secret = std::move(alias);
  EXPECT_EQ(secret.RevealAsText(), "same");
}

TEST(SecretBytesTest, EqualityComparesSizeThenBytes) {
  const SecretBytes a = SecretBytes::CopyFrom(std::string_view("abcd"));
  const SecretBytes same = SecretBytes::CopyFrom(std::string_view("abcd"));
  const SecretBytes different = SecretBytes::CopyFrom(std::string_view("abce"));
  const SecretBytes shorter = SecretBytes::CopyFrom(std::string_view("abc"));
  EXPECT_TRUE(a == same);
  EXPECT_FALSE(a == different);
  EXPECT_FALSE(a == shorter);
  EXPECT_TRUE(SecretBytes() == SecretBytes());
  EXPECT_FALSE(a == SecretBytes());
}

TEST(SecretBytesTest, TruncateShrinksAndKeepsThePrefix) {
  SecretBytes secret = SecretBytes::CopyFrom(std::string_view("abcdef"));
  secret.Truncate(3);
  EXPECT_EQ(secret.size(), 3u);
  EXPECT_EQ(secret.RevealAsText(), "abc");
  EXPECT_TRUE(secret == SecretBytes::CopyFrom(std::string_view("abc")));
  secret.Truncate(0);
  EXPECT_TRUE(secret.empty());
}

TEST(SecretBytesTest, TruncateToLargerSizeChangesNothing) {
  SecretBytes secret = SecretBytes::CopyFrom(std::string_view("abc"));
  secret.Truncate(3);
  secret.Truncate(10);
  EXPECT_EQ(secret.RevealAsText(), "abc");
}

TEST(SecretBytesTest, TruncatedBufferMovesAndClonesAtItsVisibleSize) {
  SecretBytes secret = SecretBytes::CopyFrom(std::string_view("abcdef"));
  secret.Truncate(2);
  const SecretBytes clone = secret.Clone();
  const SecretBytes moved = std::move(secret);
  EXPECT_EQ(clone.RevealAsText(), "ab");
  EXPECT_EQ(moved.RevealAsText(), "ab");
}

TEST(SecretBytesTest, CloneIsAnIndependentCopy) {
  SecretBytes original = SecretBytes::CopyFrom(std::string_view("abc"));
  const SecretBytes clone = original.Clone();
  EXPECT_TRUE(clone == original);
  original.RevealMutable()[0] = 'z';
  EXPECT_EQ(clone.RevealAsText(), "abc");
  EXPECT_FALSE(clone == original);
  EXPECT_TRUE(SecretBytes().Clone().empty());
}

TEST(SecretBytesTest, RandomDrawsDiffer) {
  const SecretBytes a = SecretBytes::Random(32);
  const SecretBytes b = SecretBytes::Random(32);
  EXPECT_EQ(a.size(), 32u);
  EXPECT_FALSE(a == b);
  EXPECT_TRUE(SecretBytes::Random(0).empty());
}

}  // namespace
}  // namespace cvault

namespace cvault {
namespace {

TEST(SecretBytesTransientTest, TransientCopyHoldsTheBytesAndMovesLikeGuarded) {
  SecretBytes a = SecretBytes::TransientCopy(std::string_view("plaintext"));
  EXPECT_EQ(a.RevealAsText(), "plaintext");
  SecretBytes b = std::move(a);
  EXPECT_EQ(b.RevealAsText(), "plaintext");
  EXPECT_TRUE(a.empty());
  SecretBytes c = b.Clone();
  EXPECT_TRUE(c == b);
  EXPECT_TRUE(c == SecretBytes::CopyFrom(std::string_view("plaintext")))
      << "equality does not depend on the kind of allocation";
  c.Truncate(5);
  EXPECT_EQ(c.RevealAsText(), "plain");
  a = SecretBytes::Transient(0);
  EXPECT_TRUE(a.empty());
}

}  // namespace
}  // namespace cvault
