#include "crypto/bytes.h"

#include <gtest/gtest.h>

#include <string>

#include "cvault/status.h"

namespace cvault::crypto {
namespace {

TEST(HexTest, ToHexWritesLowerCaseDigitPairs) {
  const Bytes bytes = {0x00, 0x01, 0xAB, 0xFF};
  EXPECT_EQ(ToHex(bytes), "0001abff");
  EXPECT_EQ(ToHex(Bytes{}), "");
}

TEST(HexTest, FromHexRoundTrips) {
  Bytes all_values(256);
  for (std::size_t i = 0; i < all_values.size(); ++i) {
    all_values[i] = static_cast<std::uint8_t>(i);
  }
  auto parsed = FromHex(ToHex(all_values));
  ASSERT_TRUE(parsed.has_value()) << parsed.error().ToString();
  EXPECT_EQ(*parsed, all_values);
}

TEST(HexTest, FromHexAcceptsUpperCase) {
  auto parsed = FromHex("ABCDEF");
  ASSERT_TRUE(parsed.has_value()) << parsed.error().ToString();
  EXPECT_EQ(*parsed, (Bytes{0xAB, 0xCD, 0xEF}));
}

TEST(HexTest, FromHexOfEmptyIsEmpty) {
  auto parsed = FromHex("");
  ASSERT_TRUE(parsed.has_value()) << parsed.error().ToString();
  EXPECT_TRUE(parsed->empty());
}

TEST(HexTest, FromHexWithOddDigitCountFails) {
  for (const char* bad : {"a", "abc", "00112"}) {
    auto parsed = FromHex(bad);
    ASSERT_FALSE(parsed.has_value()) << bad;
    EXPECT_EQ(parsed.error().code(), StatusCode::kInvalidArgument);
  }
}

TEST(HexTest, FromHexWithNonHexCharacterFails) {
  for (const char* bad : {"zz", "0g", " 0", "00 ", "0x00", "ab:cd", "--"}) {
    auto parsed = FromHex(bad);
    ASSERT_FALSE(parsed.has_value()) << bad;
    EXPECT_EQ(parsed.error().code(), StatusCode::kInvalidArgument);
  }
}

TEST(HexTest, FromHexWithEmbeddedNulFails) {
  const std::string with_nul("ab\0d", 4);
  EXPECT_FALSE(FromHex(with_nul).has_value());
}

TEST(HexTest, FromHexErrorDoesNotRepeatInput) {
  auto parsed = FromHex("secretzz");
  ASSERT_FALSE(parsed.has_value());
  EXPECT_EQ(parsed.error().message().find("secret"), std::string::npos);
}

TEST(HexTest, AsBytesViewsTextWithoutCopying) {
  const std::string_view text = "abc";
  const auto bytes = AsBytes(text);
  EXPECT_EQ(bytes.size(), 3u);
  EXPECT_EQ(static_cast<const void*>(bytes.data()),
            static_cast<const void*>(text.data()));
}

}  // namespace
}  // namespace cvault::crypto
