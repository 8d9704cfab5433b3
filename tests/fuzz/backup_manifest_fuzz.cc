// A backup's manifest.json read from any text, as Vault::Restore reads it
// once the signature has verified: a manifest or an integrity error, never
// a crash or an exception (a member of the wrong type used to throw).
#include "domain/backup_manifest.h"
#include "tests/fuzz/fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto manifest = cvault::domain::ParseBackupManifest(cvault::fuzz::AsText(data, size));
  FUZZ_CHECK(manifest.has_value() || manifest.error().code() == cvault::StatusCode::kIntegrity);
  return 0;
}
