#include "cvault/secret_bytes.h"

#include <sodium.h>

#include <cstdlib>
#include <cstring>
#include <utility>

#include "crypto/key_pool.h"
#include "crypto/sodium_init.h"

namespace cvault {
namespace {

std::uint8_t* AllocateOrAbort(std::size_t size) {
  crypto::EnsureSodiumInitialized();
  // sodium_malloc(0) is allowed but returns a guard-paged region; keep the
  // empty buffer as nullptr instead.
  if (size == 0) return nullptr;
  void* p = sodium_malloc(size);
  if (p == nullptr) std::abort();  // as operator new would, without throwing
  sodium_memzero(p, size);
  return static_cast<std::uint8_t*>(p);
}

}  // namespace

SecretBytes::SecretBytes(std::size_t size) : size_(size), capacity_(size) {
  if (size == 0) return;
  if (size <= crypto::kKeySlotSize) {
    data_ = crypto::TakeKeySlot();
    if (data_ != nullptr) {
      kind_ = Kind::kPooled;
      capacity_ = crypto::kKeySlotSize;
      return;
    }
  }
  data_ = AllocateOrAbort(size);
}

SecretBytes SecretBytes::Transient(std::size_t size) {
  SecretBytes out;
  out.kind_ = Kind::kTransient;
  if (size == 0) return out;
  out.data_ = new std::uint8_t[size]();
  out.size_ = out.capacity_ = size;
  return out;
}

SecretBytes SecretBytes::TransientCopy(std::span<const std::uint8_t> bytes) {
  SecretBytes out = Transient(bytes.size());
  if (!bytes.empty()) std::memcpy(out.data_, bytes.data(), bytes.size());
  return out;
}

SecretBytes SecretBytes::TransientCopy(std::string_view text) {
  return TransientCopy(std::span<const std::uint8_t>(
      reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

SecretBytes SecretBytes::CopyFrom(std::span<const std::uint8_t> bytes) {
  SecretBytes out(bytes.size());
  if (!bytes.empty()) std::memcpy(out.data_, bytes.data(), bytes.size());
  return out;
}

SecretBytes SecretBytes::CopyFrom(std::string_view text) {
  return CopyFrom(std::span<const std::uint8_t>(
      reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

SecretBytes SecretBytes::Random(std::size_t size) {
  SecretBytes out(size);
  if (size != 0) randombytes_buf(out.data_, size);
  return out;
}

SecretBytes::SecretBytes(SecretBytes&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      capacity_(std::exchange(other.capacity_, 0)),
      kind_(std::exchange(other.kind_, Kind::kGuarded)) {}

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
  if (this != &other) {
    Release();
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
    capacity_ = std::exchange(other.capacity_, 0);
    kind_ = std::exchange(other.kind_, Kind::kGuarded);
  }
  return *this;
}

SecretBytes::~SecretBytes() { Release(); }

void SecretBytes::Release() noexcept {
  if (data_ == nullptr) return;
  switch (kind_) {
    case Kind::kGuarded:
      sodium_free(data_);  // zeroes first
      break;
    case Kind::kPooled:
      crypto::GiveBackKeySlot(data_);  // zeroes first
      break;
    case Kind::kTransient:
      sodium_memzero(data_, capacity_);
      delete[] data_;
      break;
  }
  data_ = nullptr;
}

SecretBytes SecretBytes::Clone() const {
  return kind_ == Kind::kTransient ? TransientCopy(Reveal()) : CopyFrom(Reveal());
}

void SecretBytes::Truncate(std::size_t n) {
  if (n >= size_) return;
  sodium_memzero(data_ + n, size_ - n);
  size_ = n;
}

bool SecretBytes::operator==(const SecretBytes& other) const {
  if (size_ != other.size_) return false;
  if (size_ == 0) return true;
  return sodium_memcmp(data_, other.data_, size_) == 0;
}

}  // namespace cvault
