// One-time libsodium initialisation. Every crypto entry point calls
// EnsureSodiumInitialized(); it is cheap after the first call and
// thread-safe.
#ifndef CVAULT_CRYPTO_SODIUM_INIT_H_
#define CVAULT_CRYPTO_SODIUM_INIT_H_

namespace cvault::crypto {

// Aborts the process if libsodium cannot initialise (no entropy source):
// nothing in the vault is safe to do without it.
void EnsureSodiumInitialized();

}  // namespace cvault::crypto

#endif  // CVAULT_CRYPTO_SODIUM_INIT_H_
