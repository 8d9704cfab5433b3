#include "domain/card_screen.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <random>
#include <string>
#include <string_view>

#include "cvault/status.h"

namespace cvault::domain {
namespace {

// Published test numbers of the major brands; every one passes Luhn.
constexpr const char* kTestCardNumbers[] = {
    "4111111111111111",     // Visa
    "4222222222222",        // Visa, 13 digits
    "4000000000000000006",  // Visa, 19 digits
    "5555555555554444",     // Mastercard
    "2223003122003222",     // Mastercard 2-series
    "378282246310005",      // American Express
    "6011111111111117",     // Discover
    "3530111333300000",     // JCB
    "30569309025904",       // Diners Club
    "6200000000000005",     // UnionPay
};

std::string Utf8(char32_t cp) {
  std::string out;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
  return out;
}

// `ascii` with every ASCII digit written in the script whose zero is `zero`.
std::string InDigits(char32_t zero, std::string_view ascii) {
  std::string out;
  for (char c : ascii) {
    out += c >= '0' && c <= '9' ? Utf8(zero + static_cast<char32_t>(c - '0'))
                                : std::string(1, c);
  }
  return out;
}

// The groups of `digits` (4-4-4-4 or 4-6-5) joined by `separator`.
std::string Grouped(std::string_view digits, std::string_view separator) {
  const std::size_t amex[] = {4, 6, 5};
  const std::size_t visa[] = {4, 4, 4, 4};
  std::string out;
  std::size_t pos = 0;
  const auto append = [&](std::size_t size) {
    if (pos > 0) out += separator;
    out += digits.substr(pos, size);
    pos += size;
  };
  if (digits.size() == 15) {
    for (std::size_t size : amex) append(size);
  } else {
    for (std::size_t size : visa) append(size);
  }
  return out;
}

TEST(ContainsCardNumberTest, TestCardsOfEveryBrandAreFound) {
  for (const char* number : kTestCardNumbers) {
    EXPECT_TRUE(ContainsCardNumber(number)) << number;
  }
}

TEST(ContainsCardNumberTest, CardsWithSpacesOrDashesAreFound) {
  for (const char* value :
       {"4111 1111 1111 1111", "4111-1111-1111-1111", "5555 5555 5555 4444",
        "3782 822463 10005", "3056 930902 5904", "4000 0000 0000 0000 006",
        "4111-1111 1111-1111", "4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1"}) {
    EXPECT_TRUE(ContainsCardNumber(value)) << value;
  }
}

TEST(ContainsCardNumberTest, CardsBehindAnyRunOfSeparatorsAreFound) {
  struct Case {
    const char* name;
    std::string separator;
  };
  const Case cases[] = {
      {"dot", "."},
      {"double space", "  "},
      {"spaced dash", " - "},
      {"slash", "/"},
      {"backslash", "\\"},
      {"underscore", "_"},
      {"colon", ":"},
      {"tab", "\t"},
      {"line break", "\r\n"},
      {"no-break space", Utf8(0x00A0)},
      {"figure space", Utf8(0x2007)},
      {"narrow no-break space", Utf8(0x202F)},
      {"en quad", Utf8(0x2000)},
      {"thin space", Utf8(0x2009)},
      {"hair space", Utf8(0x200A)},
      {"ideographic space", Utf8(0x3000)},
      {"zero-width space", Utf8(0x200B)},
      {"byte order mark", Utf8(0xFEFF)},
      {"word joiner", Utf8(0x2060)},
      {"soft hyphen", Utf8(0x00AD)},
      {"hyphen", Utf8(0x2010)},
      {"non-breaking hyphen", Utf8(0x2011)},
      {"en dash", Utf8(0x2013)},
      {"em dash", Utf8(0x2014)},
      {"horizontal bar", Utf8(0x2015)},
      {"minus sign", Utf8(0x2212)},
      {"small hyphen-minus", Utf8(0xFE63)},
      {"fullwidth hyphen-minus", Utf8(0xFF0D)},
      {"fullwidth solidus", Utf8(0xFF0F)},
      {"fraction slash", Utf8(0x2044)},
      {"division slash", Utf8(0x2215)},
      {"fullwidth full stop", Utf8(0xFF0E)},
      {"middle dot", Utf8(0x00B7)},
      {"ideographic full stop", Utf8(0x3002)},
      {"fullwidth low line", Utf8(0xFF3F)},
      {"fullwidth colon", Utf8(0xFF1A)},
      {"ratio", Utf8(0x2236)},
      {"mixed run", " ." + Utf8(0x00A0) + "-/_:" + Utf8(0x2013) + " "},
      {"long run", std::string(40, ' ')},
  };
  for (const Case& tc : cases) {
    for (const char* number :
         {"4111111111111111", "5555555555554444", "378282246310005"}) {
      const std::string value = "card " + Grouped(number, tc.separator) + " thanks";
      EXPECT_TRUE(ContainsCardNumber(value)) << tc.name << " " << number;
    }
  }
}

TEST(ContainsCardNumberTest, CardsInOtherDigitFormsAreFound) {
  struct Case {
    const char* name;
    char32_t zero;
  };
  const Case cases[] = {
      {"fullwidth", 0xFF10},
      {"Arabic-Indic", 0x0660},
      {"extended Arabic-Indic", 0x06F0},
      {"NKo", 0x07C0},
      {"Devanagari", 0x0966},
      {"Bengali", 0x09E6},
      {"Gurmukhi", 0x0A66},
      {"Gujarati", 0x0AE6},
      {"Tamil", 0x0BE6},
      {"Telugu", 0x0C66},
      {"Malayalam", 0x0D66},
      {"Thai", 0x0E50},
      {"Lao", 0x0ED0},
      {"Tibetan", 0x0F20},
      {"Myanmar", 0x1040},
      {"Khmer", 0x17E0},
      {"Mongolian", 0x1810},
      {"Balinese", 0x1B50},
      {"Osmanya", 0x104A0},
      {"mathematical bold", 0x1D7CE},
      {"mathematical double-struck", 0x1D7D8},
      {"mathematical sans-serif", 0x1D7E2},
      {"mathematical sans-serif bold", 0x1D7EC},
      {"mathematical monospace", 0x1D7F6},
      {"Adlam", 0x1E950},
      {"segmented", 0x1FBF0},
  };
  for (const Case& tc : cases) {
    for (const char* number :
         {"4111111111111111", "5555555555554444", "378282246310005"}) {
      EXPECT_TRUE(ContainsCardNumber(InDigits(tc.zero, number)))
          << tc.name << " " << number;
      EXPECT_TRUE(ContainsCardNumber(InDigits(tc.zero, Grouped(number, " "))))
          << tc.name << " " << number;
    }
    EXPECT_FALSE(ContainsCardNumber(InDigits(tc.zero, "4111111111111112"))) << tc.name;
  }
}

TEST(ContainsCardNumberTest, DigitsThatNormaliseToDigitsAreFound) {
  // Superscripts, subscripts and circled digits: NFKC folds each to a digit.
  const std::string superscript =
      Utf8(0x2074) + Utf8(0x00B9) + Utf8(0x00B9) + Utf8(0x00B9);
  const std::string subscript = Utf8(0x2081) + Utf8(0x2081) + Utf8(0x2081) + Utf8(0x2081);
  const std::string circled = Utf8(0x2460) + Utf8(0x2460) + Utf8(0x2460) + Utf8(0x2460);
  EXPECT_TRUE(
      ContainsCardNumber(superscript + " " + subscript + " " + circled + " 1111"));
  // Keycap emoji digits: the digit, a variation selector, the keycap.
  std::string keycaps;
  for (char c : std::string_view("4111111111111111")) {
    keycaps += c;
    keycaps += Utf8(0xFE0F) + Utf8(0x20E3);
  }
  EXPECT_TRUE(ContainsCardNumber(keycaps));
}

TEST(ContainsCardNumberTest, MixedDigitFormsReadAsOneNumber) {
  const std::string value = "4111 " + InDigits(0x0660, "1111") + "-" +
                            InDigits(0xFF10, "1111") + Utf8(0x00A0) + "1111";
  EXPECT_TRUE(ContainsCardNumber(value));
  EXPECT_TRUE(ContainsCardNumber(InDigits(0x0966, "5555") + "5555" +
                                 InDigits(0x1D7CE, "5555") + "4444"));
}

TEST(ContainsCardNumberTest, CardsInsideTextAreFound) {
  for (const char* value :
       {"please refund card 4111 1111 1111 1111, thanks", "card:4111111111111111.",
        "ref4111111111111111x", "first line\nMC 5555-5555-5555-4444\nlast line"}) {
    EXPECT_TRUE(ContainsCardNumber(value)) << value;
  }
}

TEST(ContainsCardNumberTest, CardFollowedByExpiryOrCvvIsFound) {
  for (const char* value : {"4111 1111 1111 1111 123", "4111-1111-1111-1111 12/27",
                            "exp 12 4111111111111111 cvv", "1 4111111111111111",
                            "4111.1111.1111.1111/12.27/123"}) {
    EXPECT_TRUE(ContainsCardNumber(value)) << value;
  }
}

TEST(ContainsCardNumberTest, CardAmongManyShortGroupsIsFound) {
  // More groups than a card can span on either side of it.
  EXPECT_TRUE(ContainsCardNumber(
      "9 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9 9 4111 1111 1111 1111 1 2 3 4 5 6 7 8 9"));
  EXPECT_TRUE(ContainsCardNumber("12 34 56 78 90 12 34 4111.1111.1111.1111"));
}

TEST(ContainsCardNumberTest, NonLuhnSixteenDigitRunIsNotACard) {
  for (const char* value : {"4111111111111112", "1234567890123456", "4111 1111 1111 1112",
                            "4111.1111.1111.1112", "4111 - 1111 - 1111 - 1112"}) {
    EXPECT_FALSE(ContainsCardNumber(value)) << value;
  }
}

TEST(ContainsCardNumberTest, OrderNumbersDatesPhonesAndHashesAreNotCards) {
  for (const char* value : {
           "ORD-2024-000123",
           "ORD-2026-000123",
           "INV-2024-01-15-000041",
           "order #123456789",
           "2024-01-15",
           "15.01.2024",
           "15/01/2024",
           "2024-01-15 10:30",
           "2024-01-15T10:30:00Z",
           "2024-01-15T10:30:00.123456Z",
           "ticket 2024 01 15 0001 2345",
           "Phone +44 20 7183 8750",
           "+1 (555) 123-4567",
           "call 020 7183 8750 or 0161 496 0000",
           "GB29 NWBK 6016 1331 9268 19",
           "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
           "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
           "123e4567-e89b-12d3-a456-426614174000",
           "ch_3N8f2kLkdIwHu7ix0Zq1aB2c",
           "v1.2.3-rc.4",
           "12:30:45",
       }) {
    EXPECT_FALSE(ContainsCardNumber(value)) << value;
  }
}

TEST(ContainsCardNumberTest, RunsOfTwentyOrMoreDigitsAreNotCards) {
  for (const char* value : {"12345678901234567890", "41111111111111110000000000000000",
                            "1234 5678 9012 3456 7890", "pi 31415926535897932384626433",
                            "parcel 92055901755477000000000015"}) {
    EXPECT_FALSE(ContainsCardNumber(value)) << value;
  }
}

TEST(ContainsCardNumberTest, CandidatesNeverReachAcrossALongGroup) {
  // Joined, the groups either side would be 4111 1111 1111 1111.
  EXPECT_FALSE(ContainsCardNumber("4111-1111-12345678901234567890-1111-1111"));
  // A card of its own after a long group still counts.
  EXPECT_TRUE(ContainsCardNumber("12345678901234567890 4111111111111111"));
  EXPECT_TRUE(ContainsCardNumber("12345678901234567890 4111 1111 1111 1111"));
}

TEST(ContainsCardNumberTest, LuhnValidRunsShorterThanThirteenDigitsAreNotCards) {
  EXPECT_FALSE(ContainsCardNumber("411111111117"));
  EXPECT_FALSE(ContainsCardNumber("4111 1111 117"));
  EXPECT_FALSE(ContainsCardNumber("4111.1111.117"));
}

TEST(ContainsCardNumberTest, RunsStartingWithZeroAreNotCards) {
  // Luhn-valid, but no card issuer number starts with 0.
  EXPECT_FALSE(ContainsCardNumber("0000000000000000"));
  EXPECT_FALSE(ContainsCardNumber("ACC-0000 0000 0000 0000"));
  EXPECT_FALSE(ContainsCardNumber(InDigits(0x0660, "0000000000000000")));
}

TEST(ContainsCardNumberTest, EmptyAndDigitFreeTextHasNoCard) {
  EXPECT_FALSE(ContainsCardNumber(""));
  EXPECT_FALSE(ContainsCardNumber("no digits here - at all"));
  EXPECT_FALSE(ContainsCardNumber(" . - / _ : "));
}

TEST(ContainsCardNumberTest, LettersAndOtherPunctuationEndARun) {
  for (const char* value :
       {"4111 1111 x 1111 1111", "4111,1111,1111,1111", "4111+1111+1111+1111",
        "4111#1111#1111#1111", "(4111)(1111)(1111)(1111)"}) {
    EXPECT_FALSE(ContainsCardNumber(value)) << value;
  }
}

TEST(ContainsCardNumberTest, InvalidUtf8IsReadAsASeparator) {
  // Latin-1's no-break space is the byte A0.
  EXPECT_TRUE(
      ContainsCardNumber("4111\xA0"
                         "1111\xA0"
                         "1111\xA0"
                         "1111"));
  EXPECT_TRUE(
      ContainsCardNumber("4111\xC0\xAF"
                         "1111\xFF"
                         "1111\xED\xA0\x80"
                         "1111"));
  for (std::string_view value :
       {std::string_view("\xF0\x9D\x9F"), std::string_view("4111\xE2\x80"),
        std::string_view("\xFF\xFE\xFD"), std::string_view("\x80", 1),
        std::string_view("\0\0\0", 3)}) {
    EXPECT_FALSE(ContainsCardNumber(value));
  }
}

TEST(ContainsCardNumberTest, ArbitraryBytesNeverCrashTheScreen) {
  // Under the sanitizers, an out-of-bounds read or overflow fails the test.
  std::mt19937 random(1234);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<int> length(0, 64);
  const std::string alphabet = "0123456789 .-/_:" + Utf8(0xFF11) + Utf8(0x0661) +
                               Utf8(0x00A0) + "\xE2\x80\xF0\x9D";
  std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
  for (int i = 0; i < 20000; ++i) {
    std::string text;
    const int size = length(random);
    for (int j = 0; j < size; ++j) {
      text += i % 2 == 0 ? static_cast<char>(byte(random)) : alphabet[pick(random)];
    }
    (void)ContainsCardNumber(text);
  }
}

TEST(ScreenForCardNumberTest, CardNumberIsRefusedWithFieldAndReason) {
  for (const char* number : kTestCardNumbers) {
    const Status status = ScreenForCardNumber("external_ref", number);
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(status.message(),
              "external_ref: looks like a payment card number; card numbers "
              "must never be stored (remove it, or keep at most the last four "
              "digits)");
  }
  EXPECT_EQ(ScreenForCardNumber("sku", InDigits(0xFF10, "4111111111111111")).code(),
            StatusCode::kInvalidArgument);
}

TEST(ScreenForCardNumberTest, LastFourDigitsAreAccepted) {
  EXPECT_TRUE(ScreenForCardNumber("summary", "Visa ending 1111").ok());
  EXPECT_TRUE(ScreenForCardNumber("summary", "**** **** **** 1111").ok());
  EXPECT_TRUE(ScreenForCardNumber("summary", "XXXX.XXXX.XXXX.1111").ok());
}

}  // namespace
}  // namespace cvault::domain
