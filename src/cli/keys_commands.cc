// cvault keys public, and (from key_duty_commands.cc) the operator's
// rotate|reseal|rekey-db|rotate-index: the vault's keys
// (docs/key-management.md). Each subcommand has its own args struct, Run*
// function and Add*Command; AddKeysCommands adds them all under `keys`.
#include <fmt/format.h>
#include <sys/types.h>

#include <memory>

#include "cli/commands.h"
#include "cli/file_io.h"
#include "cli/output.h"

namespace cvault::cli {
namespace {

// --- keys public ------------------------------------------------------------

// The public key is public: anyone may read the file.
constexpr mode_t kPublicKeyFileMode = 0644;

struct PublicKeyArgs {
  std::string out_file;
  bool force = false;
};

CliOr<> RunPublicKey(const GlobalOptions& global, const PublicKeyArgs& args) {
  const OutputFile out = OutputFileFor(global, args.out_file, args.force);
  CVAULT_CLI_RETURN_IF_ERROR(CheckOutputPath(out));
  CVAULT_CLI_ASSIGN_OR_RETURN(Session s, StartSession(global));
  CVAULT_CLI_ASSIGN_OR_RETURN(std::string public_key,
                              s.vault->audit().SigningPublicKey(s.ctx));
  CloseVault(*s.vault);
  // ParseSigningPublicKey (dsr verify-export --public-key) allows the newline.
  CVAULT_CLI_RETURN_IF_ERROR(
      WriteOutputFile(out, public_key + "\n", kPublicKeyFileMode));
  if (global.json) {
    PrintJson(
        {{"public_key", public_key}, {"algorithm", "ed25519"}, {"out", args.out_file}});
  } else {
    fmt::print("wrote the vault's ed25519 signing public key {} to {}\n", public_key,
               args.out_file);
  }
  return {};
}

void AddPublicKeyCommand(CLI::App& keys, const GlobalOptions& global,
                         CommandAction& action) {
  auto args = std::make_shared<PublicKeyArgs>();
  CLI::App* command = keys.add_subcommand(
      "public",
      "Export the signing public key that verifies audit checkpoints and data-subject "
      "exports (dsr verify-export --public-key)");
  command->add_option("--out", args->out_file, "Where to write it (64 hex digits)")
      ->type_name("FILE")
      ->required();
  command->add_flag("--force", args->force, "Replace the --out file if it exists");
  OnSelected(command, global, action, args, RunPublicKey);
}

}  // namespace

void AddKeysCommands(CLI::App& app, const GlobalOptions& global, CommandAction& action) {
  CLI::App* keys = app.add_subcommand("keys", "The vault's keys");
  keys->require_subcommand(1);
  AddPublicKeyCommand(*keys, global, action);
  AddKeyDutyCommands(*keys, global, action);
}

}  // namespace cvault::cli
