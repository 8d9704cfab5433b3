// The field-encryption envelope: any bytes handed to Decrypt are an
// integrity or key error (never a crash, never a plaintext), and any
// plaintext survives Encrypt then Decrypt unchanged.
#include <array>

#include "crypto/aead.h"
#include "tests/fuzz/fuzz_target.h"

namespace {

const cvault::crypto::FieldCipher& Cipher() {
  static const auto cipher = [] {
    std::array<std::uint8_t, 32> key{};
    key.fill(0x5a);
    auto made = cvault::crypto::FieldCipher::Create(7, cvault::SecretBytes::CopyFrom(key));
    FUZZ_CHECK(made.has_value());
    return std::move(*made);
  }();
  return cipher;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const cvault::crypto::FieldBinding binding{"customers", "email", "cus_fuzz", "cus_fuzz"};
  const std::span<const std::uint8_t> input(data, size);
  auto opened = Cipher().Decrypt(input, binding);
  if (!opened) {
    const auto code = opened.error().code();
    FUZZ_CHECK(code == cvault::StatusCode::kIntegrity ||
               code == cvault::StatusCode::kKeyFailure);
  }
  auto sealed = Cipher().Encrypt(input, binding);
  if (sealed) {
    auto back = Cipher().Decrypt(*sealed, binding);
    FUZZ_CHECK(back.has_value());
    FUZZ_CHECK(back->size() == size);
    FUZZ_CHECK(size == 0 || std::equal(input.begin(), input.end(),
                                       back->Reveal().begin()));
  }
  return 0;
}
