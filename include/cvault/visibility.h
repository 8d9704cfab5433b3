/* CVAULT_EXPORT: marks what the shared library exports. The library is built
 * with hidden visibility by default, so only the C++ API (include/cvault/)
 * and the C API (cvault/cvault.h) are in libcvault.so's dynamic symbol table;
 * everything else stays private to the library. Plain C, so cvault.h can use
 * it too. Harmless for the static library. */
#ifndef CVAULT_VISIBILITY_H_
#define CVAULT_VISIBILITY_H_

#if defined(__cplusplus) && (defined(__GNUC__) || defined(__clang__))
/* The standard attribute form, so it can follow [[nodiscard]]. */
#define CVAULT_EXPORT [[gnu::visibility("default")]]
#elif defined(__GNUC__) || defined(__clang__)
#define CVAULT_EXPORT __attribute__((visibility("default")))
#else
#define CVAULT_EXPORT
#endif

#endif /* CVAULT_VISIBILITY_H_ */
