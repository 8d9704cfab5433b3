// Signed data-subject export documents (docs/export.md): the canonical
// serialisation, the manifest of section hashes, the Ed25519 signature and
// their verification (cvault::VerifyExport). Stateless: thread-safe.
//
// Canonical form: nlohmann::json::dump() with no indentation (so no optional
// whitespace), object keys in byte order (nlohmann sorts them), UTF-8 kept
// as is (no \u escapes for non-ASCII), invalid UTF-8 refused. A document is
// valid only if its bytes are exactly the canonical form of what they parse
// to, so every changed byte either breaks the JSON, changes a value (caught
// by a hash or the signature) or is not canonical.
#ifndef CVAULT_DOMAIN_EXPORT_DOCUMENT_H_
#define CVAULT_DOMAIN_EXPORT_DOCUMENT_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>

#include "crypto/signer.h"
#include "cvault/clock.h"
#include "cvault/export.h"
#include "domain/export_sections.h"
#include "policy/policy.h"

namespace cvault::domain {

// "exp_" + 26 base32: a random id naming one export.
std::string NewExportId();

// The canonical serialisation of `value`. InvalidArgument when a string is
// not valid UTF-8.
[[nodiscard]] StatusOr<std::string> CanonicalJson(const nlohmann::json& value);

// The header an export carries besides its sections.
struct ExportHeader {
  std::string export_id;
  Timestamp generated_at{};
  CustomerId customer;
};

// Builds the sections, the manifest and the signature, and returns the
// document's canonical bytes.
[[nodiscard]] StatusOr<std::string> BuildSignedExport(const ExportHeader& header,
                                                      const ExportSubjectData& subject,
                                                      const policy::Policy& policy,
                                                      const crypto::Signer& signer);

// cvault::VerifyExport without the key-size check. REQUIRES: public_key is
// 32 bytes.
ExportVerification VerifyExportDocument(std::string_view document,
                                        std::span<const std::uint8_t> public_key);

}  // namespace cvault::domain

#endif  // CVAULT_DOMAIN_EXPORT_DOCUMENT_H_
