// cvault::SecretBytes: a buffer for keys, passphrases and decrypted fields.
//
// Key material lives in sodium_malloc'd memory (guard pages, locked against
// swapping where the system allows): a buffer of up to 64 bytes (a key) in a
// slot of a pooled sodium_malloc'd chunk, so that a new key costs no system
// call; a larger one in an allocation of its own. Short-lived plaintext (a decrypted
// field, a value being validated) is "transient": ordinary heap memory,
// still zeroed when freed, because a guarded allocation costs ~20 us and a
// vault call handles many such values. Both kinds are zeroed when freed. The type is
// move-only, compares in constant time and never converts to a string by
// itself: reading the bytes takes an explicit call to Reveal(), so every read
// of secret material can be found with `grep Reveal`.
//
// Not thread-safe for concurrent mutation; concurrent const access is safe.
#ifndef CVAULT_SECRET_BYTES_H_
#define CVAULT_SECRET_BYTES_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "cvault/visibility.h"

namespace cvault {

class CVAULT_EXPORT SecretBytes {
 public:
  SecretBytes() = default;
  // Allocates `size` zeroed bytes. Aborts (like operator new) if libsodium
  // cannot allocate.
  explicit SecretBytes(std::size_t size);
  // Copies `bytes` in. The caller remains responsible for wiping its copy.
  static SecretBytes CopyFrom(std::span<const std::uint8_t> bytes);
  static SecretBytes CopyFrom(std::string_view text);
  // `size` bytes from the system CSPRNG.
  static SecretBytes Random(std::size_t size);
  // Transient (unguarded, still wiped) buffers for short-lived plaintext.
  // Never use these for keys.
  static SecretBytes Transient(std::size_t size);
  static SecretBytes TransientCopy(std::span<const std::uint8_t> bytes);
  static SecretBytes TransientCopy(std::string_view text);

  SecretBytes(SecretBytes&& other) noexcept;
  SecretBytes& operator=(SecretBytes&& other) noexcept;
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;
  ~SecretBytes();

  // An explicit deep copy (of the same kind), for the rare place that needs
  // one.
  SecretBytes Clone() const;

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  // Access to the raw bytes. Named so that each use is easy to audit.
  std::span<const std::uint8_t> Reveal() const { return {data_, size_}; }
  std::span<std::uint8_t> RevealMutable() { return {data_, size_}; }
  std::string_view RevealAsText() const {
    return {reinterpret_cast<const char*>(data_), size_};
  }

  // Shrinks the visible size (the tail is zeroed). REQUIRES: n <= size().
  void Truncate(std::size_t n);

  // Constant-time comparison; sizes are compared first (sizes are not secret).
  bool operator==(const SecretBytes& other) const;

 private:
  void Release() noexcept;

  // Where data_ came from.
  enum class Kind : std::uint8_t {
    kGuarded,    // sodium_malloc
    kPooled,     // a key pool slot (src/crypto/key_pool.h)
    kTransient,  // operator new
  };

  std::uint8_t* data_ = nullptr;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
  Kind kind_ = Kind::kGuarded;
};

}  // namespace cvault

#endif  // CVAULT_SECRET_BYTES_H_
