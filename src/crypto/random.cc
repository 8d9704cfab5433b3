#include "crypto/random.h"

#include <sodium.h>

#include "crypto/sodium_init.h"

namespace cvault::crypto {

void FillRandom(std::span<std::uint8_t> out) {
  EnsureSodiumInitialized();
  if (out.empty()) return;
  randombytes_buf(out.data(), out.size());
}

Bytes RandomBytes(std::size_t size) {
  Bytes out(size);
  FillRandom(out);
  return out;
}

}  // namespace cvault::crypto
