// cvault backup --out DIR, cvault restore --from DIR, cvault check: the
// operator's backup and checking duties (role operator, purpose operations;
// docs/erasure.md, "Backup and restore", and docs/operations.md).
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

struct CheckArgs {};

Json CheckReportToJson(const CheckReport& report) {
  Json problems = Json::array();
  for (const CheckProblem& p : report.problems) {
    problems.push_back({{"where", p.where}, {"record_id", p.record_id}, {"problem", p.problem}});
  }
  return {{"ok", report.ok},
          {"customers", report.customers},
          {"fields", report.fields},
          {"indexes", report.indexes},
          {"consent_events", report.consent_events},
          {"cases", report.cases},
          {"ledger_entries", report.ledger_entries},
          {"audit_entries", report.audit_entries},
          {"problems_found", report.problems_found},
          {"problems", std::move(problems)}};
}

CliOr<> RunCheck(const GlobalOptions& global, const CheckArgs&) {
  CVAULT_CLI_ASSIGN_OR_RETURN(Session s, StartSession(global));
  CVAULT_CLI_ASSIGN_OR_RETURN(CheckReport report, s.vault->operations().Check(s.ctx));
  CloseVault(*s.vault);
  if (global.json) {
    PrintJson(CheckReportToJson(report));
  } else {
    fmt::print("checked {} customers ({} fields decrypted, {} blind indexes), {} consent "
               "events, {} cases, {} erasure ledger lines, {} audit entries\n",
               report.customers, report.fields, report.indexes, report.consent_events,
               report.cases, report.ledger_entries, report.audit_entries);
    for (const CheckProblem& p : report.problems) {
      fmt::print("DAMAGED {}{}{}: {}\n", p.where, p.record_id.empty() ? "" : " ",
                 p.record_id, p.problem);
    }
    if (report.problems_found > report.problems.size()) {
      fmt::print("... and {} more\n", report.problems_found - report.problems.size());
    }
    if (report.ok) fmt::print("ok: nothing is damaged\n");
  }
  if (!report.ok) {
    return Fail(Status::Integrity(fmt::format(
        "the check found {} damaged records or pages (listed on standard output)",
        report.problems_found)));
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

  auto check_args = std::make_shared<CheckArgs>();
  CLI::App* check = app.add_subcommand(
      "check",
      "Read and check everything stored: every page, every ciphertext under its key, every "
      "blind index, wrapped key, the erasure ledger and the audit chain (operator); exit 5 "
      "naming what is damaged");
  OnSelected(check, global, action, check_args, RunCheck);
}

}  // namespace cvault::cli
