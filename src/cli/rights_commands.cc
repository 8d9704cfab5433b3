// cvault dsr restrict|lift-restriction: data-subject rights (GDPR Art. 18).
#include <fmt/format.h>

#include <memory>

#include "cli/commands.h"
#include "cli/output.h"

namespace cvault::cli {
namespace {

struct RightsArgs {
  std::string id;
  bool customer_informed = false;  // lift-restriction --customer-informed
};

CliOr<> RunRestrict(const GlobalOptions& global, const RightsArgs& args) {
  CVAULT_CLI_ASSIGN_OR_RETURN(CustomerId id, CustomerId::Parse(args.id));
  CVAULT_CLI_ASSIGN_OR_RETURN(Session s, StartSession(global));
  CVAULT_CLI_RETURN_IF_ERROR(s.vault->rights().Restrict(s.ctx, id));
  CVAULT_CLI_RETURN_IF_ERROR(s.vault->Close());
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
  CVAULT_CLI_RETURN_IF_ERROR(s.vault->Close());
  if (global.json) {
    PrintJson({{"customer_id", id.str()},
               {"restricted", false},
               {"customer_informed", args.customer_informed}});
  } else {
    fmt::print("lifted the restriction on {} (the customer was informed)\n", id.str());
  }
  return {};
}

}  // namespace

void AddRightsCommands(CLI::App& app, const GlobalOptions& global,
                       CommandAction& action) {
  CLI::App* dsr = app.add_subcommand("dsr", "Data-subject rights: restriction");
  dsr->require_subcommand(1);

  auto restrict_args = std::make_shared<RightsArgs>();
  CLI::App* restrict_command = dsr->add_subcommand(
      "restrict",
      "Restrict processing (GDPR Art. 18): every purpose but legal_compliance and dsr "
      "is denied");
  restrict_command->add_option("ID", restrict_args->id, "Customer id (cus_...)")
      ->required();
  OnSelected(restrict_command, global, action, restrict_args, RunRestrict);

  auto lift_args = std::make_shared<RightsArgs>();
  CLI::App* lift = dsr->add_subcommand(
      "lift-restriction", "Lift a restriction, after the customer was told (Art. 18(3))");
  lift->add_option("ID", lift_args->id, "Customer id (cus_...)")->required();
  lift->add_flag("--customer-informed", lift_args->customer_informed,
                 "Confirm the customer was informed before the restriction is lifted "
                 "(required)");
  OnSelected(lift, global, action, lift_args, RunLift);
}

}  // namespace cvault::cli
