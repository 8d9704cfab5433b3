// VaultLock: the lock of one open vault. Exclusive for every call that
// writes or refreshes the process's caches; shared for the parallel reads,
// which only read those caches (vault_core.h says which calls those are).
//
// Writers are preferred: once a writer waits, new readers wait behind it,
// so a steady stream of reads cannot starve a write. Not recursive: a
// thread holding it in either mode must not take it again.
//
// Meets the Lockable (with try_lock) and SharedLockable requirements (std::lock_guard,
// std::shared_lock). Thread-safe; neither copyable nor movable.
#ifndef CVAULT_VAULT_VAULT_LOCK_H_
#define CVAULT_VAULT_VAULT_LOCK_H_

#include <pthread.h>

#include <cerrno>
#include <exception>

namespace cvault::internal {

class VaultLock {
 public:
  VaultLock() {
    pthread_rwlockattr_t attr;
    pthread_rwlockattr_init(&attr);
    // glibc's default prefers readers, which would let reads starve writes.
    pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
    Check(pthread_rwlock_init(&lock_, &attr));
    pthread_rwlockattr_destroy(&attr);
  }
  ~VaultLock() { pthread_rwlock_destroy(&lock_); }
  VaultLock(const VaultLock&) = delete;
  VaultLock& operator=(const VaultLock&) = delete;

  void lock() { Check(pthread_rwlock_wrlock(&lock_)); }
  // Exclusively if nobody holds it in either mode; never waits.
  bool try_lock() {
    const int rc = pthread_rwlock_trywrlock(&lock_);
    if (rc == EBUSY) return false;
    Check(rc);
    return true;
  }
  void unlock() { Check(pthread_rwlock_unlock(&lock_)); }
  void lock_shared() { Check(pthread_rwlock_rdlock(&lock_)); }
  void unlock_shared() { Check(pthread_rwlock_unlock(&lock_)); }

 private:
  // A failing lock call is a bug (a recursive take, an unlock not held):
  // carrying on would let two writers in.
  static void Check(int rc) {
    if (rc != 0) std::terminate();
  }
  pthread_rwlock_t lock_;
};

}  // namespace cvault::internal

#endif  // CVAULT_VAULT_VAULT_LOCK_H_
