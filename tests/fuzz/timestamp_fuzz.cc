// Times as the API and the tool read them: parsed or refused, never a crash;
// a parsed time formats to text that parses back to the same instant.
#include "cvault/clock.h"
#include "tests/fuzz/fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto time = cvault::ParseTimestamp(cvault::fuzz::AsText(data, size), "time");
  if (time) {
    auto again = cvault::ParseTimestamp(cvault::FormatTimestamp(*time), "time");
    FUZZ_CHECK(again.has_value() && *again == *time);
  }
  return 0;
}
