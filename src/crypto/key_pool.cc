#include "crypto/key_pool.h"

#include <sodium.h>

#include <mutex>
#include <vector>

#include "crypto/sodium_init.h"

// Under AddressSanitizer a free slot is poisoned, so a key read or written
// after it was freed, or past its slot into a free neighbour, is reported
// as it would be for a heap allocation.
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define CVAULT_POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define CVAULT_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define CVAULT_POISON(p, n) static_cast<void>(0)
#define CVAULT_UNPOISON(p, n) static_cast<void>(0)
#endif

namespace cvault::crypto {
namespace {

constexpr std::size_t kSlotsPerChunk = 1024;  // 64 KiB chunks

struct Pool {
  std::mutex mu;
  std::vector<std::uint8_t*> free_slots;
};

// Never destroyed: a key with static storage duration may be freed after
// every other static object is gone.
Pool& ThePool() {
  static Pool* pool = new Pool;
  return *pool;
}

}  // namespace

std::uint8_t* TakeKeySlot() {
  Pool& pool = ThePool();
  std::lock_guard lock(pool.mu);
  if (pool.free_slots.empty()) {
    EnsureSodiumInitialized();
    void* chunk = sodium_malloc(kSlotsPerChunk * kKeySlotSize);
    if (chunk == nullptr) return nullptr;
    sodium_memzero(chunk, kSlotsPerChunk * kKeySlotSize);
    CVAULT_POISON(chunk, kSlotsPerChunk * kKeySlotSize);
    auto* first = static_cast<std::uint8_t*>(chunk);
    pool.free_slots.reserve(pool.free_slots.size() + kSlotsPerChunk);
    // Pushed in reverse, so slots are handed out from the chunk's start.
    for (std::size_t i = kSlotsPerChunk; i-- > 0;) {
      pool.free_slots.push_back(first + i * kKeySlotSize);
    }
  }
  std::uint8_t* slot = pool.free_slots.back();
  pool.free_slots.pop_back();
  CVAULT_UNPOISON(slot, kKeySlotSize);
  return slot;
}

void GiveBackKeySlot(std::uint8_t* slot) {
  sodium_memzero(slot, kKeySlotSize);
  CVAULT_POISON(slot, kKeySlotSize);
  Pool& pool = ThePool();
  std::lock_guard lock(pool.mu);
  pool.free_slots.push_back(slot);
}

}  // namespace cvault::crypto
