// The cvault subcommands. Each Add* function defines a subcommand tree on
// `app`; when one of its commands is chosen, its callback stores what to run
// in `action`, which main() runs after parsing. `global` and `action` must
// outlive `app`.
#ifndef CVAULT_CLI_COMMANDS_H_
#define CVAULT_CLI_COMMANDS_H_

#include <CLI/CLI.hpp>

#include "cli/global_options.h"

namespace cvault::cli {

// cvault init [--generate-key-file]
void AddInitCommand(CLI::App& app, const GlobalOptions& global, CommandAction& action);
// cvault customer add|get|find|update|list
void AddCustomerCommands(CLI::App& app, const GlobalOptions& global,
                         CommandAction& action);
// cvault audit verify|tail|checkpoint
void AddAuditCommands(CLI::App& app, const GlobalOptions& global, CommandAction& action);
// cvault demo [--vault DIR]
void AddDemoCommand(CLI::App& app, const GlobalOptions& global, CommandAction& action);

}  // namespace cvault::cli

#endif  // CVAULT_CLI_COMMANDS_H_
