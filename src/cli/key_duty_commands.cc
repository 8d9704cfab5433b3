// cvault keys rotate|reseal|rekey-db|rotate-index: the operator's key duties
// (role operator, purpose operations; the runbook is in
// docs/key-management.md). Long jobs show a progress bar on a terminal
// (--progress), and an interrupted one finishes when run again.
#include <fmt/format.h>

#include <cstdlib>
#include <memory>

#include "cli/commands.h"
#include "cli/output.h"
#include "cli/progress.h"
#include "cli/rights_output.h"
#include "keys/root_key.h"

namespace cvault::cli {
namespace {

inline constexpr char kNewPassphraseEnv[] = "CVAULT_NEW_PASSPHRASE";

struct JobArgs {
  std::size_t batch = 500;
  std::string progress = "auto";
};

CliOr<ProgressStyle> StyleOf(const JobArgs& args) {
  auto style = ParseProgressStyle(args.progress);
  if (!style) return Usage("--progress: one of auto, bar, lines, none");
  if (args.batch == 0) return Usage("--batch: must be at least 1");
  return *style;
}

CliOr<> RunRotate(const GlobalOptions& global, const JobArgs& args) {
  CVAULT_CLI_ASSIGN_OR_RETURN(ProgressStyle style, StyleOf(args));
  CVAULT_CLI_ASSIGN_OR_RETURN(Session s, StartSession(global));
  KekRotationResult result;
  {
    ProgressReporter progress(style);
    CVAULT_CLI_ASSIGN_OR_RETURN(
        result, s.vault->operations().RotateKek(s.ctx, progress.Callback(), args.batch));
  }
  CloseVault(*s.vault);
  if (global.json) {
    PrintJson(KekRotationToJson(result));
  } else {
    fmt::print("{} KEK rotation: {} data keys rewrapped under KEK v{}; retired: {}\n",
               result.resumed ? "finished the interrupted" : "done:", result.rewrapped,
               result.primary_version,
               result.retired.empty() ? std::string("none")
                                      : fmt::format("v{}", fmt::join(result.retired, ", v")));
  }
  return {};
}

CliOr<> RunRotateIndex(const GlobalOptions& global, const JobArgs& args) {
  CVAULT_CLI_ASSIGN_OR_RETURN(ProgressStyle style, StyleOf(args));
  CVAULT_CLI_ASSIGN_OR_RETURN(Session s, StartSession(global));
  IndexRotationResult result;
  {
    ProgressReporter progress(style);
    CVAULT_CLI_ASSIGN_OR_RETURN(result, s.vault->operations().RotateBlindIndex(
                                            s.ctx, progress.Callback(), args.batch));
  }
  CloseVault(*s.vault);
  if (global.json) {
    PrintJson(IndexRotationToJson(result));
  } else {
    fmt::print("{} blind-index rotation: {} customers re-indexed; lookups use key v{}\n",
               result.resumed ? "finished the interrupted" : "done:", result.rebuilt,
               result.index_version);
  }
  return {};
}

struct ResealArgs {
  std::string new_key_file;
  bool generate = false;
  std::string cost = "moderate";
};

CliOr<> RunReseal(const GlobalOptions& global, const ResealArgs& args) {
  PassphraseCost cost = PassphraseCost::kModerate;
  if (args.cost == "interactive") {
    cost = PassphraseCost::kInteractive;
  } else if (args.cost != "moderate") {
    return Usage("--passphrase-cost: moderate or interactive");
  }
  RootKeySource new_root;
  const char* passphrase = std::getenv(kNewPassphraseEnv);
  if (!args.new_key_file.empty()) {
    if (passphrase != nullptr) {
      return Usage(fmt::format("give --new-key-file or {}, not both", kNewPassphraseEnv));
    }
    if (args.generate) {
      std::error_code ec;
      if (std::filesystem::exists(args.new_key_file, ec)) {
        return Usage("--generate: the --new-key-file already exists");
      }
      CVAULT_CLI_RETURN_IF_ERROR(keys::WriteNewKeyFile(args.new_key_file));
    }
    new_root = KeyFile{args.new_key_file};
  } else if (passphrase != nullptr && *passphrase != '\0') {
    new_root = Passphrase{SecretBytes::CopyFrom(std::string_view(passphrase))};
  } else {
    return Usage(fmt::format("the new root key: --new-key-file FILE, or the new passphrase "
                             "in {}",
                             kNewPassphraseEnv));
  }
  CVAULT_CLI_ASSIGN_OR_RETURN(Session s, StartSession(global));
  CVAULT_CLI_RETURN_IF_ERROR(s.vault->operations().Reseal(s.ctx, new_root, cost));
  CloseVault(*s.vault);
  const bool to_file = std::holds_alternative<KeyFile>(new_root);
  if (global.json) {
    PrintJson({{"resealed", true},
               {"root_key", to_file ? "key_file" : "passphrase"},
               {"key_file", to_file ? Json(args.new_key_file) : Json(nullptr)}});
  } else {
    fmt::print("resealed the keyring under {}; nothing else was rewritten.\n",
               to_file ? "the key file " + args.new_key_file : std::string("the new passphrase"));
    fmt::print("Open the vault with it from now on; copies of the old keyring still open\n"
               "with the old one, so replace or destroy them.\n");
  }
  return {};
}

struct NoArgs {};

CliOr<> RunRekeyDb(const GlobalOptions& global, const NoArgs&) {
  CVAULT_CLI_ASSIGN_OR_RETURN(Session s, StartSession(global));
  CVAULT_CLI_RETURN_IF_ERROR(s.vault->operations().RekeyDatabases(s.ctx));
  CloseVault(*s.vault);
  if (global.json) {
    PrintJson({{"rekeyed", Json::array({"vault.db", "keystore.db"})}});
  } else {
    fmt::print("rekeyed vault.db and keystore.db under new keys (kept in the keyring).\n"
               "Backups taken before now need the keyring backed up with them.\n");
  }
  return {};
}

void AddJobOptions(CLI::App* command, JobArgs& args) {
  command->add_option("--batch", args.batch, "Rows per transaction (default 500)")
      ->type_name("N");
  command->add_option("--progress", args.progress,
                      "auto (a bar on a terminal), bar, lines or none")
      ->type_name("STYLE");
}

}  // namespace

void AddKeyDutyCommands(CLI::App& keys, const GlobalOptions& global, CommandAction& action) {
  auto rotate_args = std::make_shared<JobArgs>();
  CLI::App* rotate = keys.add_subcommand(
      "rotate",
      "New primary KEK; rewrap every data key under it (field data untouched), then retire "
      "the old KEK. Run again to finish an interrupted rotation");
  AddJobOptions(rotate, *rotate_args);
  OnSelected(rotate, global, action, rotate_args, RunRotate);

  auto reseal_args = std::make_shared<ResealArgs>();
  CLI::App* reseal = keys.add_subcommand(
      "reseal",
      "Seal the keyring under a new key file or passphrase (CVAULT_NEW_PASSPHRASE); "
      "nothing else is rewritten");
  reseal->add_option("--new-key-file", reseal_args->new_key_file, "The new root key file")
      ->type_name("FILE");
  reseal->add_flag("--generate", reseal_args->generate,
                   "Create --new-key-file first (32 random bytes, mode 0600)");
  reseal->add_option("--passphrase-cost", reseal_args->cost,
                     "Argon2id cost for a new passphrase: moderate (default) or interactive")
      ->type_name("COST");
  OnSelected(reseal, global, action, reseal_args, RunReseal);

  auto rekey_args = std::make_shared<NoArgs>();
  CLI::App* rekey = keys.add_subcommand(
      "rekey-db", "Re-encrypt vault.db and keystore.db under new SQLCipher keys");
  OnSelected(rekey, global, action, rekey_args, RunRekeyDb);

  auto index_args = std::make_shared<JobArgs>();
  CLI::App* index = keys.add_subcommand(
      "rotate-index",
      "New blind-index key; rebuild the email and phone indexes while lookups keep using "
      "the old ones, then switch. Run again to finish an interrupted rotation");
  AddJobOptions(index, *index_args);
  OnSelected(index, global, action, index_args, RunRotateIndex);
}

}  // namespace cvault::cli
