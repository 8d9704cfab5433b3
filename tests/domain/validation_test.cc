#include "domain/validation.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>

#include "cvault/status.h"

namespace cvault::domain {
namespace {

// Checks that `status` is an InvalidArgument naming `field` and that its
// message quotes neither the value nor any 6-byte piece of it. Values under 4
// bytes are not searched for: two letters occur in ordinary words ("de" in
// "code").
::testing::AssertionResult RejectedWithoutLeaking(const Status& status,
                                                  std::string_view field,
                                                  std::string_view value) {
  if (status.ok()) return ::testing::AssertionFailure() << "was accepted";
  if (status.code() != StatusCode::kInvalidArgument) {
    return ::testing::AssertionFailure() << "wrong code: " << status.ToString();
  }
  const std::string& message = status.message();
  if (!message.starts_with(std::string(field) + ": ")) {
    return ::testing::AssertionFailure()
           << "message does not name the field: " << message;
  }
  constexpr std::size_t kWindow = 6;
  if (value.size() >= 4 && message.find(value) != std::string::npos) {
    return ::testing::AssertionFailure() << "message quotes the value";
  }
  for (std::size_t i = 0; i + kWindow <= value.size(); ++i) {
    if (message.find(value.substr(i, kWindow)) != std::string::npos) {
      return ::testing::AssertionFailure()
             << "message quotes part of the value at byte " << i;
    }
  }
  return ::testing::AssertionSuccess();
}

constexpr std::size_t kLimit = 200;

Status Text(std::string_view value) {
  return ValidateText("full_name", value, kLimit, /*allow_newlines=*/false);
}
Status MultilineText(std::string_view value) {
  return ValidateText("postal_address", value, kLimit,
                      /*allow_newlines=*/true);
}

// ------------------------------------------------------------------ text

TEST(ValidateTextTest, OrdinaryNamesInAnyScriptAreAccepted) {
  for (const char* value :
       {"Ada Lovelace", "Zo\u00eb \u00d1\u00fa\u00f1ez", "\u674e\u5c0f\u9f8d",
        "\u0410\u043d\u043d\u0430", "O'Brien-Smith", "Flat 2, 12 High St",
        "\U0001F600 emoji"}) {
    EXPECT_TRUE(Text(value).ok()) << value;
  }
}

TEST(ValidateTextTest, EmptyTextIsRejected) {
  const Status status = Text("");
  EXPECT_TRUE(RejectedWithoutLeaking(status, "full_name", ""));
  EXPECT_NE(status.message().find("empty"), std::string::npos);
}

TEST(ValidateTextTest, BlankTextIsRejected) {
  for (const char* value : {"    ", "\u00a0\u3000", "\u200b", "\ufeff "}) {
    EXPECT_TRUE(RejectedWithoutLeaking(Text(value), "full_name", value));
  }
  EXPECT_TRUE(
      RejectedWithoutLeaking(MultilineText("\n\t\n"), "postal_address", ""));
}

TEST(ValidateTextTest, TextOverTheByteLimitIsRejectedAndAtTheLimitAccepted) {
  EXPECT_TRUE(ValidateText("full_name", "abcdefghij", 10, false).ok());
  const Status status = ValidateText("full_name", "abcdefghijk", 10, false);
  EXPECT_TRUE(RejectedWithoutLeaking(status, "full_name", "abcdefghijk"));
  EXPECT_NE(status.message().find("at most 10 bytes"), std::string::npos);
  // The limit is in bytes: five two-byte letters do not fit in 9.
  EXPECT_FALSE(
      ValidateText("full_name", "\u00e9\u00e9\u00e9\u00e9\u00e9", 9, false)
          .ok());
}

TEST(ValidateTextTest, InvalidUtf8BytesAreRejected) {
  for (const char* value :
       {"abc\xff", "abc\x80zzzz", "caf\xc3", "x\xe2\x82", "\xf0\x9f\x98",
        "\xc3\x28zzzz", "\xfe\xfe\xff\xff"}) {
    const Status status = Text(value);
    EXPECT_TRUE(RejectedWithoutLeaking(status, "full_name", value));
    EXPECT_NE(status.message().find("UTF-8"), std::string::npos);
  }
}

TEST(ValidateTextTest, OverlongUtf8IsRejected) {
  for (const char* value :
       {"\xc0\xaf", "\xc1\xbf", "\xe0\x80\xaf", "\xe0\x9f\xbf",
        "\xf0\x80\x80\xaf", "\xf0\x8f\xbf\xbf"}) {
    EXPECT_TRUE(RejectedWithoutLeaking(Text(value), "full_name", value));
  }
}

TEST(ValidateTextTest, Utf16SurrogatesAreRejected) {
  for (const char* value : {"\xed\xa0\x80", "\xed\xbf\xbf", "\xed\xa0\xbd"}) {
    EXPECT_TRUE(RejectedWithoutLeaking(Text(value), "full_name", value));
  }
  // The code points on either side of the surrogate block are fine.
  EXPECT_TRUE(Text("\xed\x9f\xbf").ok());
  EXPECT_TRUE(Text("\xee\x80\x80").ok());
}

TEST(ValidateTextTest, CodePointsAboveU10FFFFAreRejected) {
  EXPECT_TRUE(Text("\xf4\x8f\xbf\xbf").ok());  // U+10FFFF, the last one
  for (const char* value : {"\xf4\x90\x80\x80", "\xf5\x80\x80\x80"}) {
    EXPECT_TRUE(RejectedWithoutLeaking(Text(value), "full_name", value));
  }
}

TEST(ValidateTextTest, NulInsideTextIsRejected) {
  const std::string value("Ada\0Lovelace", 12);
  const Status single_line = Text(value);
  EXPECT_TRUE(RejectedWithoutLeaking(single_line, "full_name", value));
  EXPECT_NE(single_line.message().find("NUL"), std::string::npos);
  const Status multiline = MultilineText(value);
  EXPECT_TRUE(RejectedWithoutLeaking(multiline, "postal_address", value));
  EXPECT_NE(multiline.message().find("NUL"), std::string::npos);
}

TEST(ValidateTextTest, ControlCharactersAreRejected) {
  for (const char* value :
       {"Ada \x1b[31mLovelace", "Ada\x7fLovelace", "Ada\x08Lovelace",
        "Ada\xc2\x85Lovelace", "Ada\xc2\x9bLovelace"}) {
    EXPECT_TRUE(RejectedWithoutLeaking(Text(value), "full_name", value));
    EXPECT_TRUE(
        RejectedWithoutLeaking(MultilineText(value), "postal_address", value));
  }
}

TEST(ValidateTextTest, LineBreaksAndTabsAreRejectedInSingleLineText) {
  for (const char* value : {"Ada\nLovelace", "Ada\tLovelace", "Ada\r\nLovelace",
                            "Ada Lovelace\n"}) {
    const Status status = Text(value);
    EXPECT_TRUE(RejectedWithoutLeaking(status, "full_name", value));
    EXPECT_NE(status.message().find("single line"), std::string::npos);
  }
}

TEST(ValidateTextTest, LineBreaksAndTabsAreAcceptedInMultilineText) {
  for (const char* value :
       {"12 High Street\nLondon\nSW1A 1AA", "12 High Street\r\nLondon",
        "Flat 2\t12 High Street"}) {
    EXPECT_TRUE(MultilineText(value).ok()) << value;
  }
}

TEST(ValidateTextTest, LoneCarriageReturnIsRejectedInMultilineText) {
  const char* value = "12 High Street\rLondon";
  EXPECT_TRUE(
      RejectedWithoutLeaking(MultilineText(value), "postal_address", value));
}

TEST(ValidateTextTest, CardNumberInTextIsRejected) {
  const char* value = "Ada, Visa 4111 1111 1111 1111";
  const Status status = MultilineText(value);
  EXPECT_TRUE(RejectedWithoutLeaking(status, "postal_address", value));
  EXPECT_NE(status.message().find("payment card number"), std::string::npos);
}

TEST(ValidateTextTest, CardNumberInAnySeparatorsOrDigitsIsRejected) {
  for (const char* value :
       {"Ada 4111.1111.1111.1111", "Ada 4111  1111  1111  1111", "Ada 4111 - 1111 - 1111 - 1111",
        "Ada 4111/1111/1111/1111", "Ada 4111\u00a01111\u00a01111\u00a01111",
        "Ada \uff14\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11\uff11"
        "\uff11\uff11\uff11\uff11"}) {
    const Status status = MultilineText(value);
    EXPECT_TRUE(RejectedWithoutLeaking(status, "postal_address", value)) << value;
    EXPECT_NE(status.message().find("payment card number"), std::string::npos) << value;
  }
}

// ------------------------------------------------------------------ email

TEST(ValidateEmailTest, ValidAddressesAreAccepted) {
  for (const char* value :
       {"ada@example.com", "first.last+tag@mail.example.co.uk",
        "o'brien@example.ie", "user_name-1@example-domain.de",
        "x@example.museum", "ADA@EXAMPLE.COM", "ada@b.xn--p1ai",
        "!#$%&'*+-/=?^_`{|}~@example.org", "1234@123.example.com",
        "  ada@example.com \t"}) {
    EXPECT_TRUE(ValidateEmail("email", value).ok()) << value;
  }
}

TEST(ValidateEmailTest, EmailWithoutAtIsRejected) {
  const Status status = ValidateEmail("email", "ada.example.com");
  EXPECT_TRUE(RejectedWithoutLeaking(status, "email", "ada.example.com"));
  EXPECT_EQ(status.message(), "email: has no '@' (expected name@domain.tld)");
}

TEST(ValidateEmailTest, EmailWithTwoAtsIsRejected) {
  EXPECT_TRUE(
      RejectedWithoutLeaking(ValidateEmail("email", "ada@home@example.com"),
                             "email", "ada@home@example.com"));
}

TEST(ValidateEmailTest, EmptyEmailIsRejected) {
  for (const char* value : {"", "   "}) {
    EXPECT_TRUE(
        RejectedWithoutLeaking(ValidateEmail("email", value), "email", value));
  }
}

TEST(ValidateEmailTest, EmailWithEmptyLocalPartOrDomainIsRejected) {
  for (const char* value : {"@example.com", "ada@"}) {
    EXPECT_TRUE(
        RejectedWithoutLeaking(ValidateEmail("email", value), "email", value));
  }
}

TEST(ValidateEmailTest, EmailWithoutDotInDomainIsRejected) {
  EXPECT_TRUE(RejectedWithoutLeaking(ValidateEmail("email", "ada@localhost"),
                                     "email", "ada@localhost"));
}

TEST(ValidateEmailTest, EmailWithInnerWhitespaceIsRejected) {
  for (const char* value :
       {"ada lovelace@example.com", "ada@exa mple.com", "ada\t@example.com",
        "ada@example.com\nbcc:eve@example.com"}) {
    EXPECT_TRUE(
        RejectedWithoutLeaking(ValidateEmail("email", value), "email", value));
  }
}

TEST(ValidateEmailTest, EmailWithMisplacedDotsInLocalPartIsRejected) {
  for (const char* value :
       {".ada@example.com", "ada.@example.com", "ada..byron@example.com"}) {
    EXPECT_TRUE(
        RejectedWithoutLeaking(ValidateEmail("email", value), "email", value));
  }
}

TEST(ValidateEmailTest, EmailWithQuotedLocalPartOrAddressLiteralIsRejected) {
  for (const char* value : {"\"ada\"@example.com", "ada(comment)@example.com",
                            "ada@[192.168.0.1]", "ada,byron@example.com"}) {
    EXPECT_TRUE(
        RejectedWithoutLeaking(ValidateEmail("email", value), "email", value));
  }
}

TEST(ValidateEmailTest, EmailWithBadDomainLabelIsRejected) {
  const std::string long_label(64, 'a');
  for (const std::string& value :
       {std::string("ada@-example.com"), std::string("ada@example-.com"),
        std::string("ada@exa_mple.com"), std::string("ada@example..com"),
        std::string("ada@.example.com"), std::string("ada@example.com."),
        "ada@" + long_label + ".com"}) {
    EXPECT_TRUE(
        RejectedWithoutLeaking(ValidateEmail("email", value), "email", value));
  }
  EXPECT_TRUE(
      ValidateEmail("email", "ada@" + std::string(63, 'a') + ".com").ok());
}

TEST(ValidateEmailTest, EmailWithNumericOrOneLetterTopLevelDomainIsRejected) {
  for (const char* value : {"ada@example.c", "ada@192.168.0.1",
                            "ada@example.c0m", "ada@example.xn--"}) {
    EXPECT_TRUE(
        RejectedWithoutLeaking(ValidateEmail("email", value), "email", value));
  }
}

TEST(ValidateEmailTest, EmailOverLengthLimitsIsRejected) {
  const std::string local_64(64, 'a');
  EXPECT_TRUE(ValidateEmail("email", local_64 + "@example.com").ok());
  const std::string local_65 = local_64 + "a@example.com";
  EXPECT_TRUE(RejectedWithoutLeaking(ValidateEmail("email", local_65), "email",
                                     local_65));

  // 254 bytes in all is the most an address may have.
  const std::string at_limit = local_64 + "@" + std::string(63, 'b') + "." +
                               std::string(63, 'c') + "." +
                               std::string(57, 'd') + ".com";
  ASSERT_EQ(at_limit.size(), 254u);
  EXPECT_TRUE(ValidateEmail("email", at_limit).ok());
  const std::string over_limit = "a" + at_limit;
  EXPECT_TRUE(RejectedWithoutLeaking(ValidateEmail("email", over_limit),
                                     "email", over_limit));
}

TEST(ValidateEmailTest, NonAsciiEmailIsRejected) {
  for (const char* value :
       {"zo\u00eb@example.com", "ada@b\u00fccher.example"}) {
    EXPECT_TRUE(
        RejectedWithoutLeaking(ValidateEmail("email", value), "email", value));
  }
}

TEST(NormalizeEmailTest, TrimsAndLowerCasesTheWholeAddress) {
  EXPECT_EQ(NormalizeEmail("  Ada.Lovelace@Example.COM\t\n"),
            "ada.lovelace@example.com");
  EXPECT_EQ(NormalizeEmail("ada@example.com"), "ada@example.com");
}

// ------------------------------------------------------------------ phone

TEST(ValidatePhoneTest, E164NumbersWithOrWithoutSeparatorsAreAccepted) {
  for (const char* value : {"+442071838750", "+44 20 7183 8750",
                            "+1 (415) 555-0100", "+49.30.1234567", "+12345678",
                            "+123456789012345", "  +442071838750 "}) {
    EXPECT_TRUE(ValidatePhone("phone", value).ok()) << value;
  }
}

TEST(ValidatePhoneTest, PhoneWithoutPlusIsRejected) {
  for (const char* value :
       {"02071838750", "0044 20 7183 8750", "442071838750"}) {
    const Status status = ValidatePhone("phone", value);
    EXPECT_TRUE(RejectedWithoutLeaking(status, "phone", value));
    EXPECT_NE(status.message().find("'+'"), std::string::npos);
  }
}

TEST(ValidatePhoneTest, PhoneWithTooFewOrTooManyDigitsIsRejected) {
  for (const char* value :
       {"+1234567", "+1 234 567", "+1234567890123456", "+"}) {
    EXPECT_TRUE(
        RejectedWithoutLeaking(ValidatePhone("phone", value), "phone", value));
  }
}

TEST(ValidatePhoneTest, PhoneWithCountryCodeStartingWithZeroIsRejected) {
  for (const char* value : {"+0441234567", "+ 0 44 1234 567"}) {
    EXPECT_TRUE(
        RejectedWithoutLeaking(ValidatePhone("phone", value), "phone", value));
  }
}

TEST(ValidatePhoneTest, PhoneWithLettersOrOtherCharactersIsRejected) {
  for (const char* value :
       {"+44 20 7183 8750 ext 12", "+1-800-FLOWERS", "+44/20/71838750",
        "++442071838750", "+44 20 7183 8750#", "+44\t2071838750"}) {
    EXPECT_TRUE(
        RejectedWithoutLeaking(ValidatePhone("phone", value), "phone", value));
  }
}

TEST(ValidatePhoneTest, PhoneWithTrunkPrefixInParenthesesIsRejected) {
  const char* value = "+44 (0)20 7183 8750";
  const Status status = ValidatePhone("phone", value);
  EXPECT_TRUE(RejectedWithoutLeaking(status, "phone", value));
  EXPECT_NE(status.message().find("trunk prefix"), std::string::npos);
}

TEST(ValidatePhoneTest, PhoneWithUnbalancedParenthesesIsRejected) {
  for (const char* value :
       {"+1 (415 555 0100", "+1 415) 555 0100", "+1 ((415)) 5550100"}) {
    EXPECT_TRUE(
        RejectedWithoutLeaking(ValidatePhone("phone", value), "phone", value));
  }
}

TEST(ValidatePhoneTest, EmptyPhoneIsRejected) {
  for (const char* value : {"", "   "}) {
    EXPECT_TRUE(
        RejectedWithoutLeaking(ValidatePhone("phone", value), "phone", value));
  }
}

TEST(NormalizePhoneTest, StripsSeparatorsAndSurroundingSpace) {
  EXPECT_EQ(NormalizePhone(" +44 20 7183 8750 "), "+442071838750");
  EXPECT_EQ(NormalizePhone("+1 (415) 555-0100"), "+14155550100");
  EXPECT_EQ(NormalizePhone("+49.30.1234567"), "+49301234567");
  EXPECT_EQ(NormalizePhone("+442071838750"), "+442071838750");
}

// ---------------------------------------------------------------- country

TEST(ValidateCountryTest, AssignedCodeListHas249SortedUniqueEntries) {
  const auto codes = AssignedCountryCodes();
  EXPECT_EQ(codes.size(), 249u);
  EXPECT_TRUE(std::ranges::is_sorted(codes));
  EXPECT_EQ(std::ranges::adjacent_find(codes), codes.end());
}

TEST(ValidateCountryTest, EveryAssignedCodeIsAccepted) {
  for (const std::string_view code : AssignedCountryCodes()) {
    EXPECT_TRUE(ValidateCountry("country", code).ok()) << code;
  }
}

TEST(ValidateCountryTest, ExactlyTheAssignedTwoLetterCodesAreAccepted) {
  int accepted = 0;
  for (char first = 'A'; first <= 'Z'; ++first) {
    for (char second = 'A'; second <= 'Z'; ++second) {
      const std::string code{first, second};
      if (ValidateCountry("country", code).ok()) ++accepted;
    }
  }
  EXPECT_EQ(accepted, 249);
}

TEST(ValidateCountryTest, CommonAndRecentCountriesAreAccepted) {
  for (const char* code : {"GB", "DE", "BR", "US", "JP", "SS", "CW", "SX", "BQ",
                           "AX", "PS", "TW"}) {
    EXPECT_TRUE(ValidateCountry("country", code).ok()) << code;
  }
}

TEST(ValidateCountryTest, ReservedAndUserAssignedCodesAreRejected) {
  // XK (Kosovo) and ZZ are user-assigned, UK and EU exceptionally reserved,
  // AN, CS and YU withdrawn.
  for (const char* code : {"XK", "UK", "EU", "AA", "QM", "QZ", "XA", "XX", "ZZ",
                           "AN", "CS", "YU"}) {
    const Status status = ValidateCountry("country", code);
    EXPECT_TRUE(RejectedWithoutLeaking(status, "country", code));
    EXPECT_NE(status.message().find("officially assigned"), std::string::npos)
        << code;
  }
}

TEST(ValidateCountryTest, LowerCaseCountryIsRejected) {
  for (const char* code : {"de", "gb", "De", "dE"}) {
    const Status status = ValidateCountry("country", code);
    EXPECT_TRUE(RejectedWithoutLeaking(status, "country", code));
    EXPECT_NE(status.message().find("upper-case"), std::string::npos) << code;
  }
}

TEST(ValidateCountryTest, CountryOfWrongShapeIsRejected) {
  for (const char* code : {"", "D", "DEU", "D1", " DE", "DE ", "\xc3\x84X"}) {
    EXPECT_TRUE(RejectedWithoutLeaking(ValidateCountry("country", code),
                                       "country", code));
  }
}

// --------------------------------------------------------------- language

TEST(ValidateLanguageTagTest, WellFormedTagsAreAccepted) {
  for (const char* tag :
       {"en", "pt-BR", "zh-Hant-TW", "sr-Latn-RS", "de-CH-1996", "x-private",
        "en-US-u-ca-gregory", "es-419", "gsw", "zh-yue-HK", "sl-rozaj-biske",
        "de-DE-u-co-phonebk", "en-US-x-twain", "az-Arab-x-AZE-derbend",
        "qaa-Qaaa-QM-x-southern", "en-a-bbb-b-ccc", "EN-us", "ZH-hant-tw"}) {
    EXPECT_TRUE(ValidateLanguageTag("language", tag).ok()) << tag;
  }
}

TEST(ValidateLanguageTagTest, GrandfatheredTagsAreAccepted) {
  for (const char* tag : {"i-klingon", "I-KLINGON", "en-GB-oed", "sgn-BE-FR",
                          "i-default", "zh-min-nan", "art-lojban", "no-nyn"}) {
    EXPECT_TRUE(ValidateLanguageTag("language", tag).ok()) << tag;
  }
}

TEST(ValidateLanguageTagTest, TagSpellingACardNumberIsRejected) {
  // Well-formed: two digit variants, and a private-use tag.
  for (const char* tag : {"en-41111111-11111111", "x-4111-1111-1111-1111"}) {
    const Status status = ValidateLanguageTag("language", tag);
    EXPECT_TRUE(RejectedWithoutLeaking(status, "language", tag)) << tag;
    EXPECT_NE(status.message().find("payment card number"), std::string::npos) << tag;
  }
}

TEST(ValidateLanguageTagTest, MalformedTagsAreRejected) {
  for (const char* tag : {"english",
                          "French",
                          "en_US",
                          "-en",
                          "en-",
                          "en--US",
                          "",
                          "e",
                          "1234",
                          "en-US-",
                          "en-a",
                          "en-x",
                          "x",
                          "x-",
                          "en-US-u",
                          "en-abcdefghi",
                          "zh-Hant-Hans",
                          "en-US-GB",
                          "en US",
                          "i-unknown",
                          "en-\xc3\xa9"}) {
    const Status status = ValidateLanguageTag("language", tag);
    EXPECT_TRUE(RejectedWithoutLeaking(status, "language", tag)) << tag;
  }
}

TEST(ValidateLanguageTagTest, RepeatedVariantOrSingletonIsRejected) {
  for (const char* tag : {"de-1996-1996", "sl-rozaj-ROZAJ", "en-a-bbb-a-ccc",
                          "en-u-ca-gregory-U-nu-arab"}) {
    EXPECT_TRUE(RejectedWithoutLeaking(ValidateLanguageTag("language", tag),
                                       "language", tag));
  }
}

TEST(ValidateLanguageTagTest, TagLongerThan35CharactersIsRejected) {
  const std::string at_limit = "en-Latn-GB-boont-fonipa-x-abcdefg-a";
  ASSERT_EQ(at_limit.size(), 35u);
  EXPECT_TRUE(ValidateLanguageTag("language", at_limit).ok());
  const std::string too_long = at_limit + "b";
  const Status status = ValidateLanguageTag("language", too_long);
  EXPECT_TRUE(RejectedWithoutLeaking(status, "language", too_long));
  EXPECT_NE(status.message().find("too long"), std::string::npos);
}

// ------------------------------------------------------- message hygiene

TEST(ValidationMessagesTest, RejectionMessagesNeverQuoteTheValue) {
  // Realistic personal data that each validator refuses.
  EXPECT_TRUE(RejectedWithoutLeaking(
      Text("Margaret Hamilton 4111 1111 1111 1111"), "full_name",
      "Margaret Hamilton 4111 1111 1111 1111"));
  EXPECT_TRUE(RejectedWithoutLeaking(Text("Margaret\nHamilton"), "full_name",
                                     "Margaret\nHamilton"));
  EXPECT_TRUE(RejectedWithoutLeaking(
      ValidateEmail("email", "margaret.hamilton@@nasa.gov"), "email",
      "margaret.hamilton@@nasa.gov"));
  EXPECT_TRUE(RejectedWithoutLeaking(
      ValidateEmail("email", "margaret hamilton@nasa.gov"), "email",
      "margaret hamilton@nasa.gov"));
  EXPECT_TRUE(RejectedWithoutLeaking(ValidatePhone("phone", "0161 496 0734"),
                                     "phone", "0161 496 0734"));
  EXPECT_TRUE(
      RejectedWithoutLeaking(ValidatePhone("phone", "+44 161 496 0734 x12"),
                             "phone", "+44 161 496 0734 x12"));
  EXPECT_TRUE(
      RejectedWithoutLeaking(ValidateLanguageTag("language", "Hamiltonian"),
                             "language", "Hamiltonian"));
  EXPECT_TRUE(RejectedWithoutLeaking(
      ValidateText("external_ref", "ACME-5555555555554444", 64, false),
      "external_ref", "ACME-5555555555554444"));
}

TEST(ValidationMessagesTest, MessagesSayWhatIsExpected) {
  EXPECT_EQ(ValidateEmail("email", "ada@localhost").message(),
            "email: domain has no dot (expected name@domain.tld)");
  EXPECT_NE(ValidatePhone("phone", "+1234").message().find("8 to 15"),
            std::string::npos);
  EXPECT_NE(ValidateCountry("country", "UK").message().find("ISO 3166-1"),
            std::string::npos);
  EXPECT_NE(ValidateLanguageTag("language", "en_US").message().find("BCP 47"),
            std::string::npos);
}

}  // namespace
}  // namespace cvault::domain
