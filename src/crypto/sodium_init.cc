#include "crypto/sodium_init.h"

#include <sodium.h>

#include <cstdlib>

namespace cvault::crypto {

void EnsureSodiumInitialized() {
  // sodium_init is itself thread-safe and idempotent; the static makes the
  // common path a single load.
  static const bool initialized = [] { return sodium_init() >= 0; }();
  if (!initialized) std::abort();
}

}  // namespace cvault::crypto
