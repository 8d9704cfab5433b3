#include "crypto/random.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

namespace cvault::crypto {
namespace {

bool AllZero(std::span<const std::uint8_t> bytes) {
  return std::all_of(bytes.begin(), bytes.end(),
                     [](std::uint8_t b) { return b == 0; });
}

TEST(RandomTest, RandomBytesHasRequestedSize) {
  EXPECT_EQ(RandomBytes(0).size(), 0u);
  EXPECT_EQ(RandomBytes(1).size(), 1u);
  EXPECT_EQ(RandomBytes(24).size(), 24u);
}

TEST(RandomTest, DrawsDiffer) {
  std::set<Bytes> draws;
  for (int i = 0; i < 100; ++i) draws.insert(RandomBytes(16));
  EXPECT_EQ(draws.size(), 100u);
}

TEST(RandomTest, FillRandomOverwritesTheWholeBuffer) {
  // Each 32-byte block being all zero by chance has probability 2^-256.
  Bytes buffer(4096, 0);
  FillRandom(buffer);
  for (std::size_t offset = 0; offset < buffer.size(); offset += 32) {
    EXPECT_FALSE(AllZero(std::span(buffer).subspan(offset, 32)))
        << "block at " << offset;
  }
}

TEST(RandomTest, FillRandomOfEmptySpanIsANoOp) {
  FillRandom({});
  SUCCEED();
}

}  // namespace
}  // namespace cvault::crypto
