// cvault backup --out DIR, cvault restore --from DIR: the operator's backup
// duties (role operator, purpose operations; docs/erasure.md, "Backup and
// restore", and docs/operations.md).
#include <fmt/format.h>

#include <memory>

#include "cli/commands.h"
#include "cli/output.h"
#include "cli/rights_output.h"

namespace cvault::cli {
namespace {

struct BackupArgs {
  std::string out_dir;
};

CliOr<> RunBackup(const GlobalOptions& global, const BackupArgs& args) {
  CVAULT_CLI_ASSIGN_OR_RETURN(Session s, StartSession(global));
  CVAULT_CLI_ASSIGN_OR_RETURN(BackupResult result,
                              s.vault->operations().Backup(s.ctx, args.out_dir));
  CloseVault(*s.vault);
  if (global.json) {
    PrintJson(BackupToJson(result));
  } else {
    fmt::print("backed up both databases to {} (signed manifest, sha256 {})\n",
               result.dir.string(), result.manifest_sha256);
    fmt::print("it reflects {} erasure ledger entries; keep the keyring's own backup and\n"
               "never restore the erasure ledger from an older copy\n",
               result.ledger_entries);
  }
  return {};
}

struct RestoreArgs {
  std::string from_dir;
};

CliOr<> RunRestore(const GlobalOptions& global, const RestoreArgs& args) {
  CVAULT_CLI_ASSIGN_OR_RETURN(AccessContext ctx, BuildAccessContext(global));
  CVAULT_CLI_ASSIGN_OR_RETURN(Options options, BuildVaultOptions(global));
  RestoreResult result;
  CVAULT_CLI_ASSIGN_OR_RETURN(
      auto vault, Vault::Restore(std::move(options), args.from_dir, ctx, &result));
  CloseVault(*vault);
  if (global.json) {
    PrintJson(RestoreToJson(result));
  } else {
    fmt::print("restored {} from {}\n", global.vault_dir, args.from_dir);
    fmt::print("erasure ledger: {} entries replayed, {} customers erased again\n",
               result.ledger_replayed, result.customers_erased);
  }
  return {};
}

}  // namespace

void AddOperationsCommands(CLI::App& app, const GlobalOptions& global,
                           CommandAction& action) {
  auto backup_args = std::make_shared<BackupArgs>();
  CLI::App* backup = app.add_subcommand(
      "backup", "Copy both databases and a signed manifest to a new folder (operator)");
  backup->add_option("--out", backup_args->out_dir, "The folder to create (must be new or empty)")
      ->type_name("DIR")
      ->required();
  OnSelected(backup, global, action, backup_args, RunBackup);

  auto restore_args = std::make_shared<RestoreArgs>();
  CLI::App* restore = app.add_subcommand(
      "restore",
      "Replace the --vault databases with a backup, then replay the erasure ledger "
      "(operator; the vault must not be in use)");
  restore->add_option("--from", restore_args->from_dir, "A folder made by cvault backup")
      ->type_name("DIR")
      ->required();
  OnSelected(restore, global, action, restore_args, RunRestore);
}

}  // namespace cvault::cli
