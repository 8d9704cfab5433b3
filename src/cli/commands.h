// The cvault subcommands. Each Add* function defines a subcommand tree on
// `app`; when one of its commands is chosen, its callback stores what to run
// in `action`, which main() runs after parsing. `global` and `action` must
// outlive `app`.
#ifndef CVAULT_CLI_COMMANDS_H_
#define CVAULT_CLI_COMMANDS_H_

#include <CLI/CLI.hpp>
#include <memory>

#include "cli/global_options.h"

namespace cvault::cli {

// cvault init [--generate-key-file]
void AddInitCommand(CLI::App& app, const GlobalOptions& global, CommandAction& action);
// cvault customer add|get|find|update|list|import
void AddCustomerCommands(CLI::App& app, const GlobalOptions& global,
                         CommandAction& action);
// cvault customer import FILE, added under `customer` by AddCustomerCommands.
void AddCustomerImportCommand(CLI::App& customer, const GlobalOptions& global,
                              CommandAction& action);
// cvault audit verify|tail|search|checkpoint
void AddAuditCommands(CLI::App& app, const GlobalOptions& global, CommandAction& action);
// cvault consent grant|withdraw|renew|expire|history|status|report
void AddConsentCommands(CLI::App& app, const GlobalOptions& global,
                        CommandAction& action);
// cvault policy records
void AddPolicyCommands(CLI::App& app, const GlobalOptions& global,
                       CommandAction& action);
// cvault notice add
void AddNoticeCommands(CLI::App& app, const GlobalOptions& global, CommandAction& action);
// cvault dsr restrict|lift-restriction|export|verify-export
void AddRightsCommands(CLI::App& app, const GlobalOptions& global, CommandAction& action);
// cvault keys public|rotate|reseal|rekey-db|rotate-index
void AddKeysCommands(CLI::App& app, const GlobalOptions& global, CommandAction& action);
// The operator's subcommands of `keys` (rotate, reseal, rekey-db,
// rotate-index), added by AddKeysCommands.
void AddKeyDutyCommands(CLI::App& keys, const GlobalOptions& global, CommandAction& action);
// cvault dsr erase|purge, added under `dsr` by AddRightsCommands.
void AddErasureCommands(CLI::App& dsr, const GlobalOptions& global, CommandAction& action);
// cvault dsr request|verify-identity|extend|close|show|requests, added under
// `dsr` by AddRightsCommands.
void AddDsrRequestCommands(CLI::App& dsr, const GlobalOptions& global,
                           CommandAction& action);
// The --request option of the calls that fulfil a data-subject request
// (dsr export, erase, restrict), bound to `request_id`.
void AddRequestOption(CLI::App& command, std::string& request_id);
// cvault backup --out DIR, cvault restore --from DIR, cvault check
void AddOperationsCommands(CLI::App& app, const GlobalOptions& global,
                           CommandAction& action);
// cvault support open|attempt|resolve|show
void AddSupportCommands(CLI::App& app, const GlobalOptions& global,
                        CommandAction& action);
// cvault refund open|link-ticket|assess|transition|attach-payment|notify|show|overdue
void AddRefundCommands(CLI::App& app, const GlobalOptions& global, CommandAction& action);
// cvault refund purchase|show-purchase, added under `refund`.
void AddPurchaseCommands(CLI::App& refund, const GlobalOptions& global,
                         CommandAction& action);
// cvault demo [--vault DIR]
void AddDemoCommand(CLI::App& app, const GlobalOptions& global, CommandAction& action);

// When `command` is chosen, makes `action` run `run(global, *args)`. `args`
// holds the values CLI11 binds to the command's own options.
template <class Args>
void OnSelected(CLI::App* command, const GlobalOptions& global, CommandAction& action,
                std::shared_ptr<Args> args,
                CliOr<> (*run)(const GlobalOptions&, const Args&)) {
  command->callback([&global, &action, args, run] {
    action = [&global, args, run] { return run(global, *args); };
  });
}

}  // namespace cvault::cli

#endif  // CVAULT_CLI_COMMANDS_H_
