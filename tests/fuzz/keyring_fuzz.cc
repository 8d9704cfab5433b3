// The keyring file's decrypted contents: any bytes, and any edit of a valid
// serialization (so the fuzzer reaches past the first length check), are
// parsed or refused as an integrity error; never a crash, an overread or an
// exception. A valid serialization parses back to the same keys.
#include <vector>

#include "keys/keyring_contents.h"
#include "tests/fuzz/fuzz_target.h"

namespace {

void ExpectParsedOrIntegrityError(std::span<const std::uint8_t> bytes) {
  auto contents = cvault::keys::ParseKeyringContents(bytes);
  if (!contents) FUZZ_CHECK(contents.error().code() == cvault::StatusCode::kIntegrity);
}

const std::vector<std::uint8_t>& ValidSerialization() {
  static const std::vector<std::uint8_t> valid = [] {
    const auto contents = cvault::keys::GenerateKeyringContents(/*development=*/true, 0);
    const cvault::SecretBytes bytes = cvault::keys::SerializeKeyringContents(contents);
    auto again = cvault::keys::ParseKeyringContents(bytes.Reveal());
    FUZZ_CHECK(again.has_value());
    FUZZ_CHECK(cvault::keys::SerializeKeyringContents(*again).Reveal().size() ==
               bytes.Reveal().size());
    return std::vector<std::uint8_t>(bytes.Reveal().begin(), bytes.Reveal().end());
  }();
  return valid;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ExpectParsedOrIntegrityError(std::span(data, size));
  // The input as edits of a valid file: (offset, byte) pairs, and a final
  // odd byte cuts the file at that offset.
  std::vector<std::uint8_t> edited = ValidSerialization();
  for (std::size_t i = 0; i + 1 < size; i += 2) {
    edited[data[i] % edited.size()] = data[i + 1];
  }
  if (size % 2 == 1) edited.resize(data[size - 1] % edited.size());
  ExpectParsedOrIntegrityError(edited);
  return 0;
}
