// The tool's command line as a CLI11 app (every command and option), and
// how a parse error is told to the user. Shared by main.cc and the
// argument-handling fuzz target (tests/fuzz/cli_args_fuzz.cc).
#ifndef CVAULT_CLI_APP_H_
#define CVAULT_CLI_APP_H_

#include <CLI/CLI.hpp>
#include <span>
#include <string>
#include <string_view>

#include "cli/commands.h"
#include "cli/global_options.h"

namespace cvault::cli {

// Adds every command and option to `app`; choosing a command sets
// `action`, which runs it. `global` and `action` must outlive `app`'s use.
void BuildCommandLine(CLI::App& app, GlobalOptions& global, CommandAction& action);

// Whether `token` looks like an option name ("--email", "-n").
bool LooksLikeOptionName(std::string_view token);

// A parse error as the tool prints it, for the arguments `args` (argv
// without the program name). CLI11's own messages can quote what was typed
// (an unexpected argument, a value that did not convert), which may be an
// email or a name: those keep only option names the user typed as whole
// arguments.
std::string DescribeParseError(const CLI::ParseError& error,
                               std::span<const std::string> args);

}  // namespace cvault::cli

#endif  // CVAULT_CLI_APP_H_
