// Decrypts every page of a SQLCipher 3 file (and of its write-ahead log)
// with the database key, the way an attacker holding the key could read
// what SQLite itself no longer shows: free pages, deleted cells, old WAL
// frames. Tests use it to prove that erased data is gone from the raw files,
// not just from query results.
//
// Matches the cipher settings connection.cc pins: 4096-byte pages,
// AES-256-CBC with a raw 32-byte key, a 16-byte IV and a 20-byte HMAC-SHA1 in
// a 48-byte reserve at the end of each page, the salt in page 1's first 16
// bytes. OpenSSL does the AES (tests only; the library uses libsodium).
#ifndef CVAULT_TESTS_TESTING_SQLCIPHER_PAGES_H_
#define CVAULT_TESTS_TESTING_SQLCIPHER_PAGES_H_

#include <openssl/evp.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <span>
#include <string>
#include <vector>

namespace cvault::testing {

inline constexpr std::size_t kCipherPageSize = 4096;
inline constexpr std::size_t kCipherReserve = 48;
inline constexpr std::size_t kWalHeaderSize = 32;
inline constexpr std::size_t kWalFrameHeaderSize = 24;

inline std::string ReadWholeFile(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// One page decrypted; `first` says whether it is page 1 (salt in front).
inline std::string DecryptPage(std::string_view page, std::span<const std::uint8_t> key,
                               bool first) {
  const std::size_t offset = first ? 16 : 0;
  const std::size_t end = kCipherPageSize - kCipherReserve;
  const auto* iv = reinterpret_cast<const unsigned char*>(page.data() + end);
  std::string out(end - offset, '\0');
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  int len = 0;
  int total = 0;
  bool ok = EVP_DecryptInit_ex(ctx, EVP_aes_256_cbc(), nullptr, key.data(), iv) == 1 &&
            EVP_CIPHER_CTX_set_padding(ctx, 0) == 1 &&
            EVP_DecryptUpdate(ctx, reinterpret_cast<unsigned char*>(out.data()), &len,
                              reinterpret_cast<const unsigned char*>(page.data() + offset),
                              static_cast<int>(end - offset)) == 1;
  total = len;
  ok = ok && EVP_DecryptFinal_ex(ctx, reinterpret_cast<unsigned char*>(out.data()) + total,
                                 &len) == 1;
  EVP_CIPHER_CTX_free(ctx);
  return ok ? out : std::string();
}

// The decrypted pages of `db` and of `db`-wal (every frame, live or not),
// concatenated.
inline std::string DecryptDatabaseFiles(const std::filesystem::path& db,
                                        std::span<const std::uint8_t> key) {
  std::string plain;
  const std::string main = ReadWholeFile(db);
  for (std::size_t at = 0; at + kCipherPageSize <= main.size(); at += kCipherPageSize) {
    plain += DecryptPage(std::string_view(main).substr(at, kCipherPageSize), key, at == 0);
  }
  const std::string wal = ReadWholeFile(db.string() + "-wal");
  for (std::size_t at = kWalHeaderSize;
       at + kWalFrameHeaderSize + kCipherPageSize <= wal.size();
       at += kWalFrameHeaderSize + kCipherPageSize) {
    const auto* h = reinterpret_cast<const unsigned char*>(wal.data() + at);
    const std::uint32_t page_no = (std::uint32_t{h[0]} << 24) | (std::uint32_t{h[1]} << 16) |
                                  (std::uint32_t{h[2]} << 8) | std::uint32_t{h[3]};
    plain += DecryptPage(
        std::string_view(wal).substr(at + kWalFrameHeaderSize, kCipherPageSize), key,
        page_no == 1);
  }
  return plain;
}

inline bool Contains(const std::string& haystack, std::span<const std::uint8_t> needle) {
  if (needle.empty()) return false;
  const std::string_view bytes(reinterpret_cast<const char*>(needle.data()), needle.size());
  return haystack.find(bytes) != std::string::npos;
}

}  // namespace cvault::testing

#endif  // CVAULT_TESTS_TESTING_SQLCIPHER_PAGES_H_
