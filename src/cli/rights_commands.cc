// cvault dsr restrict|lift-restriction|export|verify-export: data-subject
// rights (GDPR Art. 18 restriction, Art. 15 and 20 export; docs/export.md).
#include <fmt/format.h>
#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "cli/commands.h"
#include "cli/file_io.h"
#include "cli/output.h"
#include "crypto/bytes.h"
#include "crypto/hash.h"
#include "cvault/export.h"

namespace cvault::cli {
namespace {

struct RightsArgs {
  std::string id;
  bool customer_informed = false;  // lift-restriction --customer-informed
  std::string request_id;          // restrict --request
};


CliOr<> RunRestrict(const GlobalOptions& global, const RightsArgs& args) {
  CVAULT_CLI_ASSIGN_OR_RETURN(CustomerId id, CustomerId::Parse(args.id));
  CVAULT_CLI_ASSIGN_OR_RETURN(Session s, StartSession(global));
  CVAULT_CLI_RETURN_IF_ERROR(s.vault->rights().Restrict(s.ctx, id, args.request_id));
  CloseVault(*s.vault);
  if (global.json) {
    PrintJson({{"customer_id", id.str()}, {"restricted", true}});
  } else {
    fmt::print(
        "restricted {}: kept, but processed only under legal_compliance and dsr until "
        "lifted\n",
        id.str());
  }
  return {};
}

CliOr<> RunLift(const GlobalOptions& global, const RightsArgs& args) {
  CVAULT_CLI_ASSIGN_OR_RETURN(CustomerId id, CustomerId::Parse(args.id));
  CVAULT_CLI_ASSIGN_OR_RETURN(Session s, StartSession(global));
  // Without the flag the library refuses (FailedPrecondition) and audits it.
  CVAULT_CLI_RETURN_IF_ERROR(
      s.vault->rights().LiftRestriction(s.ctx, id, args.customer_informed));
  CloseVault(*s.vault);
  if (global.json) {
    PrintJson({{"customer_id", id.str()},
               {"restricted", false},
               {"customer_informed", args.customer_informed}});
  } else {
    fmt::print("lifted the restriction on {} (the customer was informed)\n", id.str());
  }
  return {};
}

// An export holds the customer's personal data: owner-only.
constexpr mode_t kExportFileMode = 0600;
// Bounds what verify-export reads into memory; real exports are far smaller.
constexpr std::size_t kMaxExportFileBytes = std::size_t{1} << 30;
// A key file is 64 hex digits and a newline; anything much larger is not one.
constexpr std::size_t kMaxPublicKeyFileBytes = 4096;

struct ExportArgs {
  std::string id;
  std::string out_file;
  bool force = false;
  std::string request_id;
};

struct VerifyExportArgs {
  std::string export_file;
  std::string public_key_file;  // empty: read the key from the vault
};

// The document's export id (a random token), or "" if it cannot be read.
std::string ExportIdOf(std::string_view document) {
  Json parsed = Json::parse(document, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_object()) return "";
  auto it = parsed.find("export_id");
  return it != parsed.end() && it->is_string() ? it->get<std::string>() : "";
}

CliOr<> RunExport(const GlobalOptions& global, const ExportArgs& args) {
  CVAULT_CLI_ASSIGN_OR_RETURN(CustomerId id, CustomerId::Parse(args.id));
  const OutputFile out = OutputFileFor(global, args.out_file, args.force);
  // Checked before the export is made (and audited), so a wrong --out costs
  // nothing; WriteOutputFile checks again.
  CVAULT_CLI_RETURN_IF_ERROR(CheckOutputPath(out));
  CVAULT_CLI_ASSIGN_OR_RETURN(Session s, StartSession(global));
  CVAULT_CLI_ASSIGN_OR_RETURN(std::string document,
                              s.vault->rights().Export(s.ctx, id, args.request_id));
  // The exact bytes, no newline added: VerifyExport accepts nothing else.
  Status written = WriteOutputFile(out, document, kExportFileMode);
  CloseVault(*s.vault);
  CVAULT_CLI_RETURN_IF_ERROR(
      written.WithContext("the export was made (and audited) but not saved"));

  // Only facts about the file: never the document's content.
  std::string sha256 = crypto::ToHex(crypto::Sha256(crypto::AsBytes(document)));
  std::string export_id = ExportIdOf(document);
  if (global.json) {
    PrintJson({{"customer_id", id.str()},
               {"export_id", export_id},
               {"out", args.out_file},
               {"bytes", document.size()},
               {"sha256", sha256},
               {"mode", "0600"}});
  } else {
    fmt::print("exported {} ({}) to {}: {} bytes, sha256 {}, mode 0600 (personal data)\n",
               id.str(), export_id, args.out_file, document.size(), sha256);
  }
  return {};
}

// The signing public key: from --public-key, or else from the vault (the read
// is audited as keys.public).
CliOr<std::vector<std::uint8_t>> LoadSigningPublicKey(const GlobalOptions& global,
                                                      const VerifyExportArgs& args) {
  if (!args.public_key_file.empty()) {
    CVAULT_CLI_ASSIGN_OR_RETURN(
        std::string text,
        ReadInputFile(args.public_key_file, kMaxPublicKeyFileBytes, "--public-key"));
    auto key = ParseSigningPublicKey(text);
    if (!key) return Fail(key.error().WithContext("--public-key"));
    return std::move(*key);
  }
  if (global.as.empty()) {
    return Usage(
        "dsr verify-export needs --public-key FILE (written by `cvault keys public`), "
        "or --as and --purpose to read the key from the vault");
  }
  CVAULT_CLI_ASSIGN_OR_RETURN(Session s, StartSession(global));
  CVAULT_CLI_ASSIGN_OR_RETURN(std::string hex, s.vault->audit().SigningPublicKey(s.ctx));
  CloseVault(*s.vault);
  CVAULT_CLI_ASSIGN_OR_RETURN(std::vector<std::uint8_t> key, ParseSigningPublicKey(hex));
  return key;
}

// What verified or failed; the header's ids and time, never other content.
Json VerificationToJson(const ExportVerification& result, std::string_view file,
                        std::string_view key_source) {
  Json sections = Json::array();
  for (const std::string& name : result.sections_verified) sections.push_back(name);
  auto or_null = [](const std::string& text) -> Json {
    return text.empty() ? Json(nullptr) : Json(text);
  };
  return {{"ok", result.ok},
          {"file", file},
          {"schema", result.ok ? Json(kExportSchemaV1) : Json(nullptr)},
          {"export_id", or_null(result.export_id)},
          {"customer_id", or_null(result.customer_id)},
          {"generated_at", or_null(result.generated_at)},
          {"sections_verified", sections},
          {"public_key_source", key_source},
          {"failed_part", or_null(result.failed_part)},
          {"problem", or_null(result.problem)}};
}

CliOr<> RunVerifyExport(const GlobalOptions& global, const VerifyExportArgs& args) {
  CVAULT_CLI_ASSIGN_OR_RETURN(
      std::string document,
      ReadInputFile(args.export_file, kMaxExportFileBytes, "FILE (the export)"));
  CVAULT_CLI_ASSIGN_OR_RETURN(std::vector<std::uint8_t> public_key,
                              LoadSigningPublicKey(global, args));
  CVAULT_CLI_ASSIGN_OR_RETURN(ExportVerification result,
                              VerifyExport(document, public_key));
  std::string_view key_source = args.public_key_file.empty() ? "vault" : "file";
  if (global.json) {
    PrintJson(VerificationToJson(result, args.export_file, key_source));
  } else if (result.ok) {
    fmt::print(
        "ok: {} is an authentic {} export ({}) of {}, generated {}: {} sections match "
        "the manifest ({}) and the ed25519 signature verifies with {}\n",
        args.export_file, kExportSchemaV1, result.export_id, result.customer_id,
        result.generated_at, result.sections_verified.size(),
        JoinOrDash(result.sections_verified, ", "),
        args.public_key_file.empty() ? "the vault's signing public key"
                                     : "the public key from --public-key");
  } else {
    fmt::print("FAILED: {}: {}: {}\n", args.export_file, result.failed_part,
               result.problem);
  }
  if (!result.ok) {
    return Fail(Status::Integrity(fmt::format("the export does not verify: {} failed: {}",
                                              result.failed_part, result.problem))
                    .WithReasonCode("export_not_verified"));
  }
  return {};
}

}  // namespace

void AddRightsCommands(CLI::App& app, const GlobalOptions& global,
                       CommandAction& action) {
  CLI::App* dsr =
      app.add_subcommand(
          "dsr", "Data-subject rights: requests and deadlines, restriction, export, erasure");
  dsr->require_subcommand(1);

  auto restrict_args = std::make_shared<RightsArgs>();
  CLI::App* restrict_command = dsr->add_subcommand(
      "restrict",
      "Restrict processing (GDPR Art. 18): every purpose but legal_compliance and dsr "
      "is denied");
  restrict_command->add_option("ID", restrict_args->id, "Customer id (cus_...)")
      ->required();
  AddRequestOption(*restrict_command, restrict_args->request_id);
  OnSelected(restrict_command, global, action, restrict_args, RunRestrict);

  auto lift_args = std::make_shared<RightsArgs>();
  CLI::App* lift = dsr->add_subcommand(
      "lift-restriction", "Lift a restriction, after the customer was told (Art. 18(3))");
  lift->add_option("ID", lift_args->id, "Customer id (cus_...)")->required();
  lift->add_flag("--customer-informed", lift_args->customer_informed,
                 "Confirm the customer was informed before the restriction is lifted "
                 "(required)");
  OnSelected(lift, global, action, lift_args, RunLift);

  auto export_args = std::make_shared<ExportArgs>();
  CLI::App* export_command = dsr->add_subcommand(
      "export",
      "Export everything held about a customer (GDPR Art. 15 and 20) as one signed "
      "JSON document");
  export_command->add_option("ID", export_args->id, "Customer id (cus_...)")->required();
  export_command
      ->add_option("--out", export_args->out_file,
                   "Where to write it (created with mode 0600: it holds personal data)")
      ->type_name("FILE")
      ->required();
  export_command->add_flag("--force", export_args->force,
                           "Replace the --out file if it exists");
  AddRequestOption(*export_command, export_args->request_id);
  OnSelected(export_command, global, action, export_args, RunExport);

  auto verify_args = std::make_shared<VerifyExportArgs>();
  CLI::App* verify = dsr->add_subcommand(
      "verify-export",
      "Check an export's section hashes, manifest and signature (a changed byte exits "
      "5)");
  verify->add_option("FILE", verify_args->export_file, "The export file")->required();
  verify
      ->add_option("--public-key", verify_args->public_key_file,
                   "The vault's signing public key, from `cvault keys public` (default: "
                   "read it from the vault, which needs --as and --purpose)")
      ->type_name("FILE");
  OnSelected(verify, global, action, verify_args, RunVerifyExport);

  AddErasureCommands(*dsr, global, action);
  AddDsrRequestCommands(*dsr, global, action);
}

}  // namespace cvault::cli
