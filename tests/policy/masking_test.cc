#include "policy/masking.h"

#include <gtest/gtest.h>

namespace cvault::policy {
namespace {

TEST(MaskingTest, EmailKeepsFirstCharacterAndDomain) {
  EXPECT_EQ(MaskField(CustomerField::kEmail, "jane.doe@example.com"), "j***@example.com");
}

TEST(MaskingTest, EmailWithoutLocalPartIsFullyHidden) {
  EXPECT_EQ(MaskField(CustomerField::kEmail, "@example.com"), "***");
}

TEST(MaskingTest, PhoneKeepsPrefixAndLastThreeDigits) {
  EXPECT_EQ(MaskField(CustomerField::kPhone, "+442071838750"), "+44*******750");
}

TEST(MaskingTest, NameBecomesInitialsAndKeepsMultibyteLetters) {
  EXPECT_EQ(MaskField(CustomerField::kFullName, "Ada  Lovelace"), "A. L.");
  EXPECT_EQ(MaskField(CustomerField::kFullName, "\xC3\x89mile Zola"), "\xC3\x89. Z.");
}

TEST(MaskingTest, AddressIsHiddenAndReferenceKeepsTail) {
  EXPECT_EQ(MaskField(CustomerField::kPostalAddress, "1 Main St"), "***");
  EXPECT_EQ(MaskField(CustomerField::kExternalRef, "acct-991234"), "***1234");
  EXPECT_EQ(MaskField(CustomerField::kExternalRef, "abc"), "***");
}

}  // namespace
}  // namespace cvault::policy
