// Verifying a data-subject export: the input is a 32-byte Ed25519 public key
// followed by the document. Any input gives a verdict (ok or the failed
// part), never a crash or an exception; a verdict of ok needs the key that
// signed it, which the corpus's seeds carry.
#include "cvault/export.h"
#include "tests/fuzz/fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  constexpr std::size_t kKeySize = 32;
  if (size < kKeySize) return 0;
  auto verdict = cvault::VerifyExport(cvault::fuzz::AsText(data + kKeySize, size - kKeySize),
                                      std::span(data, kKeySize));
  if (verdict && !verdict->ok) FUZZ_CHECK(!verdict->failed_part.empty());
  return 0;
}
