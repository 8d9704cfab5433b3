// The card-number screen on any text: never crashes, and its two faces agree
// (ScreenForCardNumber refuses exactly what ContainsCardNumber finds, and
// its message never holds the text).
#include "domain/card_screen.h"
#include "tests/fuzz/fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = cvault::fuzz::AsText(data, size);
  const bool found = cvault::domain::ContainsCardNumber(text);
  const cvault::Status screened = cvault::domain::ScreenForCardNumber("field", text);
  FUZZ_CHECK(screened.ok() == !found);
  if (!screened.ok() && size >= 8) {
    FUZZ_CHECK(screened.message().find(text) == std::string::npos);
  }
  return 0;
}
