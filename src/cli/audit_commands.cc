// cvault audit verify|tail|checkpoint.
#include <fmt/format.h>

#include <fstream>
#include <memory>
#include <optional>
#include <sstream>

#include "cli/commands.h"
#include "cli/output.h"

namespace cvault::cli {
namespace {

struct AuditArgs {
  std::string checkpoint_file;  // verify --checkpoint
  std::size_t count = 20;       // tail -n
  std::string out_file;         // checkpoint --out
};

CliOr<std::optional<AuditCheckpoint>> ReadTrustedCheckpoint(const std::string& path) {
  if (path.empty()) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Fail(Status::NotFound(
        fmt::format("--checkpoint: cannot read the checkpoint file {}", path)));
  }
  std::ostringstream text;
  text << in.rdbuf();
  CVAULT_CLI_ASSIGN_OR_RETURN(AuditCheckpoint checkpoint, CheckpointFromJson(text.str()));
  return checkpoint;
}

CliOr<> RunVerify(const GlobalOptions& global, const AuditArgs& args) {
  CVAULT_CLI_ASSIGN_OR_RETURN(auto trusted, ReadTrustedCheckpoint(args.checkpoint_file));
  CVAULT_CLI_ASSIGN_OR_RETURN(AccessContext ctx, BuildAccessContext(global));
  CVAULT_CLI_ASSIGN_OR_RETURN(auto vault, OpenVault(global));
  CVAULT_CLI_ASSIGN_OR_RETURN(AuditVerifyReport report,
                              vault->audit().Verify(ctx, trusted));
  CVAULT_CLI_RETURN_IF_ERROR(vault->Close());
  if (global.json) {
    PrintJson(VerifyReportToJson(report));
  } else if (report.ok) {
    fmt::print("ok: {} entries and {} checkpoints verified (head at entry {}){}\n",
               report.entries_checked, report.checkpoints_checked, report.head_sequence,
               trusted ? fmt::format(", consistent with the checkpoint at entry {}",
                                     trusted->sequence)
                       : "");
  } else {
    fmt::print("BROKEN at entry {}: {}\n", report.first_bad_sequence.value_or(0),
               report.problem);
  }
  if (!report.ok) {
    return Fail(Status::Integrity(fmt::format("the audit log is broken at entry {}: {}",
                                              report.first_bad_sequence.value_or(0),
                                              report.problem)));
  }
  return {};
}

CliOr<> RunTail(const GlobalOptions& global, const AuditArgs& args) {
  CVAULT_CLI_ASSIGN_OR_RETURN(AccessContext ctx, BuildAccessContext(global));
  CVAULT_CLI_ASSIGN_OR_RETURN(auto vault, OpenVault(global));
  CVAULT_CLI_ASSIGN_OR_RETURN(std::vector<AuditEntry> entries,
                              vault->audit().Tail(ctx, args.count));
  CVAULT_CLI_RETURN_IF_ERROR(vault->Close());
  if (global.json) {
    Json out = Json::array();
    for (const AuditEntry& e : entries) out.push_back(AuditEntryToJson(e));
    PrintJson(out);
  } else {
    for (const AuditEntry& e : entries) fmt::print("{}\n", FormatAuditLine(e));
  }
  return {};
}

CliOr<> RunCheckpoint(const GlobalOptions& global, const AuditArgs& args) {
  CVAULT_CLI_ASSIGN_OR_RETURN(AccessContext ctx, BuildAccessContext(global));
  CVAULT_CLI_ASSIGN_OR_RETURN(auto vault, OpenVault(global));
  CVAULT_CLI_ASSIGN_OR_RETURN(AuditCheckpoint checkpoint, vault->audit().Checkpoint(ctx));
  CVAULT_CLI_RETURN_IF_ERROR(vault->Close());
  // Public data (hashes and a signature): an ordinary file is fine.
  std::ofstream out(args.out_file, std::ios::binary | std::ios::trunc);
  out << CheckpointToJson(checkpoint) << '\n';
  out.close();
  if (!out) {
    return Fail(Status::Unavailable(
        fmt::format("--out: cannot write the checkpoint file {}", args.out_file)));
  }
  if (global.json) {
    Json summary = CheckpointSummaryToJson(checkpoint);
    summary["out"] = args.out_file;
    PrintJson(summary);
  } else {
    fmt::print("wrote the checkpoint at entry {} (head {}) to {}\n", checkpoint.sequence,
               checkpoint.head_hash, args.out_file);
  }
  return {};
}

}  // namespace

void AddAuditCommands(CLI::App& app, const GlobalOptions& global, CommandAction& action) {
  CLI::App* audit = app.add_subcommand("audit", "Read, verify and anchor the audit log");
  audit->require_subcommand(1);

  auto verify_args = std::make_shared<AuditArgs>();
  CLI::App* verify = audit->add_subcommand(
      "verify", "Check the hash chain and signed checkpoints (a broken log exits 5)");
  verify
      ->add_option("--checkpoint", verify_args->checkpoint_file,
                   "Also check against a checkpoint exported earlier")
      ->type_name("FILE");
  OnSelected(verify, global, action, verify_args, RunVerify);

  auto tail_args = std::make_shared<AuditArgs>();
  CLI::App* tail = audit->add_subcommand("tail", "Show the last entries, oldest first");
  tail->add_option("-n,--count", tail_args->count, "How many entries")
      ->type_name("N")
      ->capture_default_str();
  OnSelected(tail, global, action, tail_args, RunTail);

  auto checkpoint_args = std::make_shared<AuditArgs>();
  CLI::App* checkpoint = audit->add_subcommand(
      "checkpoint",
      "Sign a checkpoint at the head and export it for anchoring elsewhere");
  checkpoint->add_option("--out", checkpoint_args->out_file, "Where to write it (JSON)")
      ->type_name("FILE")
      ->required();
  OnSelected(checkpoint, global, action, checkpoint_args, RunCheckpoint);
}

}  // namespace cvault::cli
