// What every fuzz target in this folder defines: the libFuzzer entry point,
// which any engine (libFuzzer, AFL++'s libFuzzer driver) or the replay
// driver (replay_main.cc, for the corpora under ASan and UBSan with GCC)
// calls once per input. A target returns 0; it reports a bug by crashing
// (a sanitizer report, or FUZZ_CHECK failing), never by its return value.
#ifndef CVAULT_TESTS_FUZZ_FUZZ_TARGET_H_
#define CVAULT_TESTS_FUZZ_FUZZ_TARGET_H_

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

// Aborts with the failed condition (never the input: it may look like data)
// when a property the target checks does not hold.
#define FUZZ_CHECK(condition)                                                 \
  do {                                                                        \
    if (!(condition)) {                                                       \
      std::fprintf(stderr, "%s:%d: FUZZ_CHECK failed: %s\n", __FILE__, __LINE__, \
                   #condition);                                               \
      std::abort();                                                           \
    }                                                                         \
  } while (false)

namespace cvault::fuzz {

inline std::string_view AsText(const std::uint8_t* data, std::size_t size) {
  return std::string_view(reinterpret_cast<const char*>(data), size);
}

}  // namespace cvault::fuzz

#endif  // CVAULT_TESTS_FUZZ_FUZZ_TARGET_H_
