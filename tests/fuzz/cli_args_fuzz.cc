// The tool's argument handling: any argument list (the input split at NUL
// bytes, at most 64 arguments) parsed as `cvault` parses it, without running
// the command chosen. Besides "no crash": a parse error's message, as the
// tool prints it, never quotes an argument the tool's own help does not
// hold (an argument may be an email, a name or a card number). An argument
// found in the message is an echo only if the message changes with it: one
// that happens to be a piece of the message's own words ("red bu" in "At Most
// 1 required but received 2") is not.
#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "cli/app.h"
#include "tests/fuzz/fuzz_target.h"

namespace {

// Everything the tool's help says, commands and options included: words
// from it may appear in a message without being the user's data.
const std::string& HelpText() {
  static const std::string text = [] {
    CLI::App app("cvault", "cvault");
    cvault::cli::GlobalOptions global;
    cvault::cli::CommandAction action;
    cvault::cli::BuildCommandLine(app, global, action);
    std::string all = app.help("", CLI::AppFormatMode::All);
    for (CLI::App* sub : app.get_subcommands({})) {
      all += sub->help("", CLI::AppFormatMode::All);
      for (CLI::App* subsub : sub->get_subcommands({})) {
        all += subsub->help("", CLI::AppFormatMode::All);
      }
    }
    return all;
  }();
  return text;
}

// The message the tool prints for `args`, or "" when they parse.
std::string ParseErrorFor(const std::vector<std::string>& args) {
  CLI::App app("cvault", "cvault");
  cvault::cli::GlobalOptions global;
  cvault::cli::CommandAction action;
  cvault::cli::BuildCommandLine(app, global, action);
  // CLI11 takes the arguments last first.
  std::vector<std::string> reversed(args.rbegin(), args.rend());
  try {
    app.parse(reversed);
  } catch (const CLI::ParseError& error) {
    return cvault::cli::DescribeParseError(error, args);
  }
  return "";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<std::string> args;
  std::string current;
  for (std::size_t i = 0; i < size && args.size() < 64; ++i) {
    if (data[i] == 0) {
      args.push_back(current);
      current.clear();
    } else {
      current.push_back(static_cast<char>(data[i]));
    }
  }
  if (args.size() < 64) args.push_back(current);

  const std::string message = ParseErrorFor(args);
  if (message.empty()) return 0;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg.size() < 4 || cvault::cli::LooksLikeOptionName(arg)) continue;
    if (HelpText().find(arg) != std::string::npos) continue;
    if (message.find(arg) == std::string::npos) continue;
    // The same arguments with this one replaced by as many Q's: if the
    // message still holds the text, it is the message's own.
    std::vector<std::string> other = args;
    other[i] = std::string(arg.size(), 'Q');
    FUZZ_CHECK(ParseErrorFor(other).find(arg) != std::string::npos);
  }
  return 0;
}
