// cvault: the command-line tool. Parses arguments with CLI11, runs the chosen
// command and maps its outcome to an exit code (see exit_codes.h).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include "cli/app.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/global_options.h"

namespace cvault::cli {
namespace {

bool AskedForJson(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::string_view(argv[i]) == "--json") return true;
  }
  return false;
}

int Run(int argc, char** argv) {
  CLI::App app("cvault: an encrypted, audited customer data vault", "cvault");
  GlobalOptions global;
  CommandAction action;
  BuildCommandLine(app, global, action);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    const std::vector<std::string> args(argv + 1, argv + argc);
    return ReportFailure(UsageError{DescribeParseError(e, args)}, AskedForJson(argc, argv));
  }
  if (!action) {
    return ReportFailure(UsageError{"choose a command; see --help"}, global.json);
  }
  CliOr<> result = action();
  std::fflush(stdout);
  if (!result) return ReportFailure(result.error(), global.json);
  return kExitOk;
}

}  // namespace
}  // namespace cvault::cli

int main(int argc, char** argv) {
  try {
    return cvault::cli::Run(argc, argv);
  } catch (const std::exception& e) {
    // Library calls do not throw; this is CLI11, JSON or the standard library.
    return cvault::cli::ReportFailure(
        cvault::Status::Internal(std::string("unexpected failure: ") + e.what()), false);
  }
}
