// The key pool: fixed-size slots for key material, carved out of large
// sodium_malloc'd chunks. Each chunk has libsodium's guard pages and canary
// around it and is locked against swapping where the system allows; slots
// are zeroed when freed. Taking a slot costs no system call, where a
// sodium_malloc per key costs an mmap, two mprotects and a munmap whose TLB
// shootdown stalls every thread (about 20 us; an import creating thousands
// of data keys, or a busy key cache, spent most of its time there).
//
// The trade: keys in one chunk share its guard pages, so an overflow from
// one slot reaches its neighbours before it reaches unmapped memory.
// Secrets larger than a slot (passphrases, keyring contents) keep a guarded
// allocation of their own.
//
// Thread-safe (one mutex). Chunks are never returned to the system: the
// pool's size is its peak use.
#ifndef CVAULT_CRYPTO_KEY_POOL_H_
#define CVAULT_CRYPTO_KEY_POOL_H_

#include <cstddef>
#include <cstdint>

namespace cvault::crypto {

inline constexpr std::size_t kKeySlotSize = 64;

// A zeroed slot of kKeySlotSize bytes, or nullptr when no chunk could be
// allocated (the caller falls back to sodium_malloc).
std::uint8_t* TakeKeySlot();

// Zeroes the slot and returns it to the pool.
// REQUIRES: `slot` came from TakeKeySlot and was not given back since.
void GiveBackKeySlot(std::uint8_t* slot);

}  // namespace cvault::crypto

#endif  // CVAULT_CRYPTO_KEY_POOL_H_
