#include "crypto/hash.h"

#include <cstdlib>

#include "crypto/sodium_init.h"

namespace cvault::crypto {

static_assert(kSha256Size == crypto_hash_sha256_BYTES);

Bytes Blake2b256(std::span<const std::uint8_t> message) {
  Bytes digest(kBlake2b256Size);
  Blake2b256(message, std::span<std::uint8_t, kBlake2b256Size>(digest));
  return digest;
}

void Blake2b256(std::span<const std::uint8_t> message,
                std::span<std::uint8_t, kBlake2b256Size> digest) {
  EnsureSodiumInitialized();
  if (crypto_generichash(digest.data(), digest.size(), message.data(), message.size(),
                         /*key=*/nullptr, 0) != 0) {
    std::abort();  // only reachable with sizes checked at compile time
  }
}

Bytes KeyedBlake2b256(const SecretBytes& key,
                      std::span<const std::uint8_t> message) {
  EnsureSodiumInitialized();
  if (key.size() < crypto_generichash_KEYBYTES_MIN ||
      key.size() > crypto_generichash_KEYBYTES_MAX) {
    std::abort();
  }
  Bytes digest(kBlake2b256Size);
  if (crypto_generichash(digest.data(), digest.size(), message.data(),
                         message.size(), key.Reveal().data(),
                         key.size()) != 0) {
    std::abort();
  }
  return digest;
}

Bytes Sha256(std::span<const std::uint8_t> message) {
  EnsureSodiumInitialized();
  Bytes digest(kSha256Size);
  crypto_hash_sha256(digest.data(), message.data(), message.size());
  return digest;
}

Blake2bStream::Blake2bStream() {
  EnsureSodiumInitialized();
  Reset();
}

void Blake2bStream::Reset() {
  crypto_generichash_init(&state_, /*key=*/nullptr, 0, kBlake2b256Size);
}

void Blake2bStream::Update(std::span<const std::uint8_t> bytes) {
  if (bytes.empty()) return;
  crypto_generichash_update(&state_, bytes.data(), bytes.size());
}

void Blake2bStream::Update(std::string_view text) { Update(AsBytes(text)); }

Bytes Blake2bStream::Final() {
  Bytes digest(kBlake2b256Size);
  crypto_generichash_final(&state_, digest.data(), digest.size());
  Reset();
  return digest;
}

bool ConstantTimeEquals(std::span<const std::uint8_t> a,
                        std::span<const std::uint8_t> b) {
  EnsureSodiumInitialized();
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace cvault::crypto
