// An exported audit checkpoint (`cvault audit checkpoint --out`) read back
// from any text: a checkpoint or an error, never a crash or an exception.
#include "cvault/audit.h"
#include "tests/fuzz/fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto checkpoint = cvault::CheckpointFromJson(cvault::fuzz::AsText(data, size));
  (void)checkpoint;
  return 0;
}
