// cvault dsr erase ID, cvault dsr purge: erasure (GDPR Art. 17) with
// retention holds, and the purge job (docs/erasure.md). Added under `dsr` by
// AddRightsCommands.
#include <fmt/format.h>

#include <memory>

#include "cli/commands.h"
#include "cli/output.h"
#include "cli/rights_output.h"

namespace cvault::cli {
namespace {

struct EraseArgs {
  std::string id;
  std::string request_id;  // --request
};

CliOr<> RunErase(const GlobalOptions& global, const EraseArgs& args) {
  CVAULT_CLI_ASSIGN_OR_RETURN(CustomerId id, CustomerId::Parse(args.id));
  CVAULT_CLI_ASSIGN_OR_RETURN(Session s, StartSession(global));
  CVAULT_CLI_ASSIGN_OR_RETURN(ErasureResult result,
                              s.vault->rights().Erase(s.ctx, id, args.request_id));
  CloseVault(*s.vault);
  if (global.json) {
    PrintJson(ErasureToJson(result));
    return {};
  }
  fmt::print("erased {} ({}, {}):\n", id.str(), result.erasure_id,
             FormatTimestamp(result.erased_at));
  for (const std::string& line : ErasureTableLines(result)) fmt::print("  {}\n", line);
  for (const GroupErasure& g : result.groups) {
    if (g.outcome != ErasureOutcome::kRetained) continue;
    fmt::print("{} kept under hold {}; `cvault dsr purge` shreds it after {}\n", g.group,
               g.hold_id, TimeOrDash(g.retained_until));
  }
  return {};
}

struct PurgeArgs {};

CliOr<> RunPurge(const GlobalOptions& global, const PurgeArgs&) {
  CVAULT_CLI_ASSIGN_OR_RETURN(Session s, StartSession(global));
  CVAULT_CLI_ASSIGN_OR_RETURN(PurgeResult result, s.vault->rights().Purge(s.ctx));
  CloseVault(*s.vault);
  if (global.json) {
    PrintJson(PurgeToJson(result));
  } else {
    fmt::print("purge: {} erasures swept ({} rows deleted or moved under a hold); {} "
               "retention holds ended ({} records shredded); {} lapsed consents recorded as "
               "expired; {} orphaned data keys removed\n",
               result.erasures_swept, result.rows_swept, result.holds_expired,
               result.records_shredded, result.consents_expired, result.orphan_keys_removed);
  }
  return {};
}

}  // namespace

void AddErasureCommands(CLI::App& dsr, const GlobalOptions& global, CommandAction& action) {
  auto erase_args = std::make_shared<EraseArgs>();
  CLI::App* erase = dsr.add_subcommand(
      "erase",
      "Erase a customer (GDPR Art. 17): everything but refund records is destroyed now; "
      "refund records are kept, minimised, under a retention hold");
  erase->add_option("ID", erase_args->id, "Customer id (cus_...)")->required();
  AddRequestOption(*erase, erase_args->request_id);
  OnSelected(erase, global, action, erase_args, RunErase);

  auto purge_args = std::make_shared<PurgeArgs>();
  CLI::App* purge = dsr.add_subcommand(
      "purge",
      "Shred retention holds past their end and record lapsed consents as expired (run "
      "daily)");
  OnSelected(purge, global, action, purge_args, RunPurge);
}

}  // namespace cvault::cli
