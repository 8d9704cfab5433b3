#include "domain/random_id.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "domain/card_screen.h"

namespace cvault::domain {
namespace {

TEST(NewRandomIdTest, IsThePrefixAndTwentySixBase32Characters) {
  const std::string id = NewRandomId("req_");
  ASSERT_EQ(id.size(), 4 + kRandomIdLength);
  EXPECT_TRUE(id.starts_with("req_"));
  for (char c : id.substr(4)) {
    EXPECT_NE(kRandomIdAlphabet.find(c), std::string_view::npos) << id;
  }
}

TEST(NewRandomIdTest, IdsDifferAndNeverLookLikeACardNumber) {
  std::set<std::string> ids;
  for (int i = 0; i < 10000; ++i) {
    const std::string id = NewRandomId("tkt_");
    EXPECT_FALSE(ContainsCardNumber(id)) << id;
    ids.insert(id);
  }
  EXPECT_EQ(ids.size(), 10000u);
}

}  // namespace
}  // namespace cvault::domain
