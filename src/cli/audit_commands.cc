// cvault audit verify|tail|search|checkpoint.
#include <fmt/format.h>

#include <sys/types.h>

#include <cstddef>
#include <memory>
#include <optional>

#include "cli/commands.h"
#include "cli/file_io.h"
#include "cli/option_values.h"
#include "cli/output.h"

namespace cvault::cli {
namespace {

struct AuditArgs {
  std::string checkpoint_file;  // verify --checkpoint
  std::size_t count = 20;       // tail -n
  std::string out_file;         // checkpoint --out
  bool force = false;           // checkpoint --force
};

// A checkpoint is a few hundred bytes of JSON; anything far larger is not one.
constexpr std::size_t kMaxCheckpointFileBytes = 64 * 1024;
// Public data (hashes and a signature): anyone may read the file.
constexpr mode_t kCheckpointFileMode = 0644;

// The filters of `audit search`, as typed; empty means not given.
struct AuditSearchArgs {
  std::string from;
  std::string to;
  std::string action;
  std::string principal;
  std::string purpose;
  std::string customer;
  std::uint64_t after = 0;
  std::size_t limit = AuditQuery::kDefaultLimit;
};

CliOr<std::optional<AuditCheckpoint>> ReadTrustedCheckpoint(const std::string& path) {
  if (path.empty()) return std::nullopt;
  CVAULT_CLI_ASSIGN_OR_RETURN(std::string text,
                              ReadInputFile(path, kMaxCheckpointFileBytes, "--checkpoint"));
  CVAULT_CLI_ASSIGN_OR_RETURN(AuditCheckpoint checkpoint, CheckpointFromJson(text));
  return checkpoint;
}

void PrintAuditEntries(const GlobalOptions& global,
                       const std::vector<AuditEntry>& entries) {
  if (global.json) {
    Json out = Json::array();
    for (const AuditEntry& e : entries) out.push_back(AuditEntryToJson(e));
    PrintJson(out);
  } else {
    for (const AuditEntry& e : entries) fmt::print("{}\n", FormatAuditLine(e));
  }
}

CliOr<> RunVerify(const GlobalOptions& global, const AuditArgs& args) {
  CVAULT_CLI_ASSIGN_OR_RETURN(auto trusted, ReadTrustedCheckpoint(args.checkpoint_file));
  CVAULT_CLI_ASSIGN_OR_RETURN(AccessContext ctx, BuildAccessContext(global));
  CVAULT_CLI_ASSIGN_OR_RETURN(auto vault, OpenVault(global));
  CVAULT_CLI_ASSIGN_OR_RETURN(AuditVerifyReport report,
                              vault->audit().Verify(ctx, trusted));
  CloseVault(*vault);
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
  CloseVault(*vault);
  PrintAuditEntries(global, entries);
  return {};
}

CliOr<AuditQuery> BuildAuditQuery(const AuditSearchArgs& args) {
  AuditQuery query;
  CVAULT_CLI_ASSIGN_OR_RETURN(query.from, ParseTimeOption(args.from, "--from"));
  CVAULT_CLI_ASSIGN_OR_RETURN(query.to, ParseTimeOption(args.to, "--to"));
  if (!args.customer.empty()) {
    CVAULT_CLI_ASSIGN_OR_RETURN(query.customer, CustomerId::Parse(args.customer));
  }
  query.action = args.action;
  query.principal_id = args.principal;
  query.purpose = args.purpose;
  query.after_sequence = args.after;
  query.limit = args.limit;
  return query;
}

CliOr<> RunSearch(const GlobalOptions& global, const AuditSearchArgs& args) {
  CVAULT_CLI_ASSIGN_OR_RETURN(AuditQuery query, BuildAuditQuery(args));
  CVAULT_CLI_ASSIGN_OR_RETURN(AccessContext ctx, BuildAccessContext(global));
  CVAULT_CLI_ASSIGN_OR_RETURN(auto vault, OpenVault(global));
  CVAULT_CLI_ASSIGN_OR_RETURN(std::vector<AuditEntry> entries,
                              vault->audit().Search(ctx, query));
  CloseVault(*vault);
  PrintAuditEntries(global, entries);
  return {};
}

CliOr<> RunCheckpoint(const GlobalOptions& global, const AuditArgs& args) {
  const OutputFile out = OutputFileFor(global, args.out_file, args.force);
  // Checked before the checkpoint is signed (and audited); checked again
  // when written.
  CVAULT_CLI_RETURN_IF_ERROR(CheckOutputPath(out));
  CVAULT_CLI_ASSIGN_OR_RETURN(AccessContext ctx, BuildAccessContext(global));
  CVAULT_CLI_ASSIGN_OR_RETURN(auto vault, OpenVault(global));
  CVAULT_CLI_ASSIGN_OR_RETURN(AuditCheckpoint checkpoint, vault->audit().Checkpoint(ctx));
  CloseVault(*vault);
  CVAULT_CLI_RETURN_IF_ERROR(
      WriteOutputFile(out, CheckpointToJson(checkpoint) + "\n", kCheckpointFileMode));
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

  auto search_args = std::make_shared<AuditSearchArgs>();
  CLI::App* search = audit->add_subcommand(
      "search",
      "Find entries by time, action, principal, purpose or customer, oldest first "
      "(decrypts nothing; the dpo, purpose dsr or legal_compliance). Give the "
      "global --purpose before `audit`: after `search`, --purpose is a filter");
  search->add_option("--from", search_args->from,
                     std::string("Entries at or after this time") + kTimeHelp)
      ->type_name("TIME");
  search->add_option("--to", search_args->to,
                     std::string("Entries before this time (not at it)") + kTimeHelp)
      ->type_name("TIME");
  search->add_option("--action", search_args->action, "Only this action (customer.read)")
      ->type_name("ACTION");
  search->add_option("--principal", search_args->principal, "Only this principal id")
      ->type_name("ID");
  search->add_option("--purpose", search_args->purpose, "Only this purpose")
      ->type_name("NAME");
  search->add_option("--customer", search_args->customer,
                     "Only entries about this customer (who must still exist)")
      ->type_name("ID");
  search->add_option("--after", search_args->after,
                     "Only entries after this sequence (the last one of a previous page)")
      ->type_name("SEQ");
  search
      ->add_option("--limit", search_args->limit,
                   fmt::format("At most this many entries (1 to {})",
                               AuditQuery::kMaxLimit))
      ->type_name("N")
      ->capture_default_str();
  OnSelected(search, global, action, search_args, RunSearch);

  auto checkpoint_args = std::make_shared<AuditArgs>();
  CLI::App* checkpoint = audit->add_subcommand(
      "checkpoint",
      "Sign a checkpoint at the head and export it for anchoring elsewhere");
  checkpoint->add_option("--out", checkpoint_args->out_file, "Where to write it (JSON)")
      ->type_name("FILE")
      ->required();
  checkpoint->add_flag("--force", checkpoint_args->force,
                       "Replace the --out file if it is a regular file");
  OnSelected(checkpoint, global, action, checkpoint_args, RunCheckpoint);
}

}  // namespace cvault::cli
