// The field validators (email, phone, country, language tag, free text) and
// their normalisers on any text: never crash; an accepted email or phone
// normalises to a value the validator accepts again.
#include "domain/validation.h"
#include "tests/fuzz/fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace d = cvault::domain;
  const std::string_view text = cvault::fuzz::AsText(data, size);
  if (d::ValidateEmail("email", text).ok()) {
    FUZZ_CHECK(d::ValidateEmail("email", d::NormalizeEmail(text)).ok());
  }
  if (d::ValidatePhone("phone", text).ok()) {
    const std::string normal = d::NormalizePhone(text);
    FUZZ_CHECK(!normal.empty() && normal[0] == '+');
    FUZZ_CHECK(d::ValidatePhone("phone", normal).ok());
  }
  (void)d::ValidateCountry("country", text);
  (void)d::ValidateLanguageTag("language", text);
  (void)d::ValidateText("note", text, 2000, /*multiline=*/true);
  return 0;
}
