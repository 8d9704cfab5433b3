// Data-subject exports (GDPR Art. 15 access and Art. 20 portability): the
// result of checking a signed export document. Rights::Export makes the
// documents; docs/export.md describes their format and
// docs/schemas/export-v1.schema.json is their JSON Schema.
//
// An export is one JSON document ("schema": "cvault.export/v1") written in
// its canonical form: compact, object keys sorted, no optional whitespace and
// no trailing newline. A manifest holds the SHA-256 of every section and an
// Ed25519 signature by the vault's signing key covers the header and the
// manifest. Verification demands the exact canonical bytes, so any changed,
// added or removed byte fails it.
//
// Plain value types and stateless functions: copyable, movable, thread-safe.
#ifndef CVAULT_EXPORT_H_
#define CVAULT_EXPORT_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cvault/status.h"
#include "cvault/visibility.h"

namespace cvault {

// The "schema" value of the documents this version writes and verifies.
inline constexpr std::string_view kExportSchemaV1 = "cvault.export/v1";

// What VerifyExport found. A document that fails is reported here (ok ==
// false), not as an error Status.
struct ExportVerification {
  bool ok = false;
  // From the document's header, when it could be read (even if it failed).
  std::string export_id;
  std::string customer_id;
  std::string generated_at;  // as written, e.g. "2026-01-15T09:00:00.000000Z"
  // Sections whose SHA-256 matched the manifest, in document order.
  std::vector<std::string> sections_verified;
  // Empty when ok. Otherwise what failed first: "document" (not canonical
  // JSON, or not shaped like an export), "section:<name>" (its bytes differ
  // from the manifest's hash), "manifest" (sections and manifest disagree),
  // or "signature" (another key, or a changed header or manifest).
  std::string failed_part;
  std::string problem;  // in words; never quotes the document
};

// Checks `document` (the exact bytes of an export file) against the vault's
// signing public key (32 bytes). InvalidArgument when the key is not 32
// bytes; every problem with the document itself is reported in the result.
[[nodiscard]] CVAULT_EXPORT StatusOr<ExportVerification> VerifyExport(
    std::string_view document, std::span<const std::uint8_t> public_key);

// Reads a signing public key as written by `cvault keys public`: 64 hex
// digits, optionally surrounded by whitespace (a trailing newline).
// InvalidArgument otherwise.
[[nodiscard]] CVAULT_EXPORT StatusOr<std::vector<std::uint8_t>> ParseSigningPublicKey(
    std::string_view text);

}  // namespace cvault

#endif  // CVAULT_EXPORT_H_
