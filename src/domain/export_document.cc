#include "domain/export_document.h"

#include <algorithm>
#include <array>
#include <utility>
#include <vector>

#include "crypto/bytes.h"
#include "crypto/hash.h"
#include "domain/random_id.h"

namespace cvault::domain {
namespace {

using nlohmann::json;

constexpr std::string_view kManifestAlgorithm = "sha256";
// The one section a cvault.export/v1 document may lack (added with purchase
// records).
constexpr std::string_view kSectionAddedLater = "purchases";
constexpr std::string_view kSignatureAlgorithm = "ed25519";
// The members of a document, and of its manifest and signature objects.
constexpr std::array<std::string_view, 8> kDocumentMembers = {
    "schema",     "export_id", "generated_at", "customer_id",
    "controller", "sections",  "manifest",     "signature"};
constexpr std::array<std::string_view, 2> kManifestMembers = {"algorithm", "sections"};
constexpr std::array<std::string_view, 3> kSignatureMembers = {"algorithm", "public_key",
                                                               "value"};

// True when `j` is an object whose member names are exactly `names`.
template <std::size_t N>
bool HasExactly(const json& j, const std::array<std::string_view, N>& names) {
  if (!j.is_object() || j.size() != N) return false;
  return std::all_of(names.begin(), names.end(),
                     [&](std::string_view name) { return j.contains(name); });
}

bool IsString(const json& j, std::string_view member) {
  auto it = j.find(member);
  return it != j.end() && it->is_string();
}

bool IsText(const json& j, std::string_view member, std::string_view text) {
  return IsString(j, member) && j.find(member)->get_ref<const std::string&>() == text;
}

// The bytes the signature covers: the document without its sections (the
// manifest's hashes stand for them) and without the signature itself.
StatusOr<std::string> SignedPart(json document) {
  document.erase("sections");
  document.erase("signature");
  return CanonicalJson(document);
}

StatusOr<std::string> SectionHash(const json& section) {
  CVAULT_ASSIGN_OR_RETURN(std::string bytes, CanonicalJson(section));
  return crypto::ToHex(crypto::Sha256(crypto::AsBytes(bytes)));
}

ExportVerification Verify(std::string_view document,
                          std::span<const std::uint8_t> public_key) {
  ExportVerification report;
  auto fail = [&report](std::string part, std::string problem) {
    report.ok = false;
    report.failed_part = std::move(part);
    report.problem = std::move(problem);
    return report;
  };
  json doc = json::parse(document.begin(), document.end(), nullptr,
                         /*allow_exceptions=*/false);
  if (doc.is_discarded()) return fail("document", "not well-formed JSON (or not UTF-8)");
  auto canonical = CanonicalJson(doc);
  if (!canonical || *canonical != document) {
    return fail("document",
                "not in canonical form (compact, keys sorted, no added whitespace or "
                "newline): the file was changed after export");
  }
  if (!HasExactly(doc, kDocumentMembers) || !IsString(doc, "schema") ||
      !IsString(doc, "export_id") || !IsString(doc, "customer_id") ||
      !IsString(doc, "generated_at") || !doc["controller"].is_object()) {
    return fail("document", "not shaped like a cvault export");
  }
  if (!IsText(doc, "schema", kExportSchemaV1)) {
    return fail("document", "unsupported schema: cvault.export/v1 expected");
  }
  report.export_id = doc["export_id"].get<std::string>();
  report.customer_id = doc["customer_id"].get<std::string>();
  report.generated_at = doc["generated_at"].get<std::string>();

  const json& sections = doc["sections"];
  // Documents written before purchase records existed have every section
  // but "purchases"; they still verify.
  std::vector<std::string_view> names;
  for (std::string_view name : kExportSectionNames) {
    if (name != kSectionAddedLater || sections.contains(name)) names.push_back(name);
  }
  bool sections_ok = sections.is_object() && sections.size() == names.size();
  for (std::string_view name : names) {
    sections_ok = sections_ok && sections.contains(name) && sections[name].is_object();
  }
  if (!sections_ok) {
    return fail("document", "the sections are not those of cvault.export/v1");
  }
  const json& manifest = doc["manifest"];
  if (!HasExactly(manifest, kManifestMembers) ||
      !IsText(manifest, "algorithm", kManifestAlgorithm) ||
      !manifest["sections"].is_object()) {
    return fail("manifest", "not a sha256 manifest of sections");
  }
  const json& hashes = manifest["sections"];
  if (hashes.size() != sections.size()) {
    return fail("manifest", "lists other sections than the document holds");
  }
  std::string first_bad;
  for (std::string_view name : names) {
    auto expected = hashes.find(name);
    if (expected == hashes.end() || !expected->is_string()) {
      return fail("manifest", "lists other sections than the document holds");
    }
    auto actual = SectionHash(sections[name]);
    if (actual && *actual == expected->get<std::string>()) {
      report.sections_verified.emplace_back(name);
    } else if (first_bad.empty()) {
      first_bad = std::string(name);
    }
  }
  if (!first_bad.empty()) {
    return fail("section:" + first_bad,
                "the section's SHA-256 differs from the manifest: it was changed");
  }

  const json& signature = doc["signature"];
  if (!HasExactly(signature, kSignatureMembers) ||
      !IsText(signature, "algorithm", kSignatureAlgorithm) ||
      !IsString(signature, "public_key") || !IsString(signature, "value")) {
    return fail("signature", "not an ed25519 signature object");
  }
  if (signature["public_key"].get<std::string>() != crypto::ToHex(public_key)) {
    return fail("signature", "signed by another key than the one given");
  }
  // Lower-case hex only: FromHex accepts either case, and an upper-cased
  // digit would otherwise be a changed byte that still verifies.
  const std::string& value_hex = signature["value"].get_ref<const std::string&>();
  auto value = crypto::FromHex(value_hex);
  auto signed_part = SignedPart(doc);
  if (!value || crypto::ToHex(*value) != value_hex || !signed_part ||
      !crypto::VerifySignature(public_key, crypto::AsBytes(*signed_part), *value)) {
    return fail("signature",
                "does not verify: the header or the manifest was changed, or another "
                "key signed");
  }
  report.ok = true;
  return report;
}

}  // namespace

std::string NewExportId() { return NewRandomId("exp_"); }

StatusOr<std::string> CanonicalJson(const json& value) {
  try {
    return value.dump(-1, ' ', /*ensure_ascii=*/false, json::error_handler_t::strict);
  } catch (const json::exception&) {
    return Error(Status::InvalidArgument("export: a text value is not valid UTF-8"));
  }
}

StatusOr<std::string> BuildSignedExport(const ExportHeader& header,
                                        const ExportSubjectData& subject,
                                        const policy::Policy& policy,
                                        const crypto::Signer& signer) {
  json sections = BuildExportSections(subject, policy);
  json hashes = json::object();
  for (const auto& [name, section] : sections.items()) {
    CVAULT_ASSIGN_OR_RETURN(std::string hash, SectionHash(section));
    hashes[name] = std::move(hash);
  }
  json document = {
      {"schema", kExportSchemaV1},
      {"export_id", header.export_id},
      {"generated_at", FormatTimestamp(header.generated_at)},
      {"customer_id", header.customer.str()},
      {"controller",
       {{"name", policy.controller.name},
        {"jurisdiction", policy.controller.jurisdiction}}},
      {"manifest", {{"algorithm", kManifestAlgorithm}, {"sections", std::move(hashes)}}}};
  CVAULT_ASSIGN_OR_RETURN(std::string signed_part, SignedPart(document));
  crypto::Bytes signature = signer.Sign(crypto::AsBytes(signed_part));
  document["sections"] = std::move(sections);
  document["signature"] = {{"algorithm", kSignatureAlgorithm},
                           {"public_key", crypto::ToHex(signer.public_key())},
                           {"value", crypto::ToHex(signature)}};
  return CanonicalJson(document);
}

ExportVerification VerifyExportDocument(std::string_view document,
                                        std::span<const std::uint8_t> public_key) {
  try {
    return Verify(document, public_key);
  } catch (const json::exception&) {
    ExportVerification report;
    report.failed_part = "document";
    report.problem = "not shaped like a cvault export";
    return report;
  }
}

}  // namespace cvault::domain

namespace cvault {

StatusOr<ExportVerification> VerifyExport(std::string_view document,
                                          std::span<const std::uint8_t> public_key) {
  if (public_key.size() != crypto::kSignaturePublicKeySize) {
    return Error(Status::InvalidArgument(
        "public key: an Ed25519 public key (32 bytes) is required"));
  }
  return domain::VerifyExportDocument(document, public_key);
}

StatusOr<std::vector<std::uint8_t>> ParseSigningPublicKey(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r\n";
  std::size_t first = text.find_first_not_of(kSpace);
  std::size_t last = text.find_last_not_of(kSpace);
  std::string_view hex = first == std::string_view::npos
                             ? std::string_view()
                             : text.substr(first, last - first + 1);
  if (hex.size() != 2 * crypto::kSignaturePublicKeySize) {
    return Error(Status::InvalidArgument(
        "public key: 64 hex digits required, as written by `cvault keys public`"));
  }
  return crypto::FromHex(hex);
}

}  // namespace cvault
