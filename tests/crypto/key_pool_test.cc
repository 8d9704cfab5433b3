#include "crypto/key_pool.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <thread>
#include <vector>

#include "cvault/secret_bytes.h"

namespace cvault::crypto {
namespace {

bool AllZero(const std::uint8_t* p, std::size_t n) {
  return std::all_of(p, p + n, [](std::uint8_t b) { return b == 0; });
}

TEST(KeyPoolTest, SlotsAreZeroedDistinctAndZeroedAgainWhenGivenBack) {
  std::vector<std::uint8_t*> slots;
  for (int i = 0; i < 3000; ++i) {  // more than one chunk
    std::uint8_t* slot = TakeKeySlot();
    ASSERT_NE(slot, nullptr);
    ASSERT_TRUE(AllZero(slot, kKeySlotSize));
    std::fill(slot, slot + kKeySlotSize, std::uint8_t{0xA5});
    slots.push_back(slot);
  }
  EXPECT_EQ(std::set<std::uint8_t*>(slots.begin(), slots.end()).size(), slots.size());
  for (std::uint8_t* slot : slots) GiveBackKeySlot(slot);
  // The last slot given back is the next one taken: it was wiped in place.
  std::uint8_t* again = TakeKeySlot();
  EXPECT_EQ(again, slots.back());
  EXPECT_TRUE(AllZero(again, kKeySlotSize));
  GiveBackKeySlot(again);
}

#if defined(__SANITIZE_ADDRESS__)
TEST(KeyPoolDeathTest, AKeySlotReadAfterItWasGivenBackIsReported) {
  EXPECT_DEATH(
      {
        std::uint8_t* slot = TakeKeySlot();
        GiveBackKeySlot(slot);
        volatile std::uint8_t byte = slot[0];
        static_cast<void>(byte);
      },
      "use-after-poison");
}
#endif

TEST(KeyPoolTest, KeysComeFromThePoolAndLargerSecretsDoNot) {
  SecretBytes key = SecretBytes::Random(32);
  SecretBytes large = SecretBytes::Random(kKeySlotSize + 1);
  EXPECT_EQ(key.size(), 32u);
  EXPECT_EQ(large.size(), kKeySlotSize + 1);
  SecretBytes copy = key.Clone();
  EXPECT_TRUE(copy == key);
  SecretBytes moved = std::move(key);
  EXPECT_TRUE(moved == copy);
}

TEST(KeyPoolTest, ManyThreadsTakeAndGiveBack) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([] {
      for (int i = 0; i < 2000; ++i) {
        SecretBytes key = SecretBytes::Random(32);
        SecretBytes other = key.Clone();
        ASSERT_TRUE(key == other);
      }
    });
  }
  for (auto& t : threads) t.join();
}

}  // namespace
}  // namespace cvault::crypto
