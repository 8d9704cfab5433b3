// One JSON Lines record of `cvault customer import`: a customer to create or
// an error naming the problem, never a crash or an exception.
#include "cli/import_lines.h"
#include "tests/fuzz/fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto record = cvault::cli::ParseImportLine(cvault::fuzz::AsText(data, size));
  (void)record;
  return 0;
}
