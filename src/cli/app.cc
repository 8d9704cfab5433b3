#include "cli/app.h"

#include <cctype>
#include <string>

namespace cvault::cli {
namespace {

// Subcommand help does not list the app's options; point at them.
void SetGlobalOptionsFooter(CLI::App& app) {
  for (CLI::App* sub : app.get_subcommands({})) {
    sub->footer(
        "Global options (--vault, --keys, --key-file, --policy, --as, --purpose, "
        "--reason, --request-id, --json) go before or after the subcommand: see "
        "cvault --help.");
    SetGlobalOptionsFooter(*sub);
  }
}

}  // namespace

bool LooksLikeOptionName(std::string_view token) {
  if (token.size() < 2 || token[0] != '-') return false;
  std::string_view name = token.substr(token[1] == '-' ? 2 : 1);
  // A letter first: "-4111..." is a value (a negative number, a card number).
  if (name.empty() || name.size() > 40 || !std::isalpha(static_cast<unsigned char>(name[0]))) {
    return false;
  }
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string DescribeParseError(const CLI::ParseError& error,
                               std::span<const std::string> args) {
  // CLI11 joins the unexpected arguments with spaces: a piece is an option
  // name the user typed only when it is a whole argument (or one's part
  // before '='), not a word of an argument that holds spaces.
  auto typed_as_option = [&](std::string_view token) {
    if (!LooksLikeOptionName(token)) return false;
    for (const std::string& arg : args) {
      if (arg == token || (arg.size() > token.size() && arg.starts_with(token) &&
                           arg[token.size()] == '=')) {
        return true;
      }
    }
    return false;
  };
  std::string what = error.what();
  if (dynamic_cast<const CLI::ExtrasError*>(&error) != nullptr) {
    std::size_t colon = what.find(':');
    std::string tokens = colon == std::string::npos ? "" : what.substr(colon + 1);
    std::string options;
    bool values = false;
    std::size_t pos = 0;
    while (pos < tokens.size()) {
      std::size_t end = tokens.find(' ', pos);
      if (end == std::string::npos) end = tokens.size();
      std::string_view token = std::string_view(tokens).substr(pos, end - pos);
      token = token.substr(0, token.find('='));
      if (typed_as_option(token)) {
        options += options.empty() ? "" : " ";
        options += token;
      } else if (!token.empty()) {
        values = true;
      }
      pos = end + 1;
    }
    std::string message = "unexpected arguments";
    if (!options.empty()) message += ": unknown option(s) " + options;
    if (values) message += " (values not shown)";
    return message;
  }
  if (dynamic_cast<const CLI::ConversionError*>(&error) != nullptr ||
      dynamic_cast<const CLI::ValidationError*>(&error) != nullptr) {
    std::size_t pos = what.find('-');
    while (pos != std::string::npos) {
      std::size_t end = what.find_first_of(" :=,", pos);
      std::string token = what.substr(pos, end == std::string::npos ? end : end - pos);
      if (LooksLikeOptionName(token)) return token + ": invalid value (not shown)";
      pos = what.find('-', pos + 1);
    }
    return "an argument has an invalid value (not shown)";
  }
  return what;  // required, excludes, counts: option names only
}

void BuildCommandLine(CLI::App& app, GlobalOptions& global, CommandAction& action) {
  app.require_subcommand(1);
  app.fallthrough();  // global options may follow the subcommand
  AddGlobalOptions(app, global);
  AddInitCommand(app, global, action);
  AddCustomerCommands(app, global, action);
  AddAuditCommands(app, global, action);
  AddConsentCommands(app, global, action);
  AddNoticeCommands(app, global, action);
  AddPolicyCommands(app, global, action);
  AddRightsCommands(app, global, action);
  AddKeysCommands(app, global, action);
  AddOperationsCommands(app, global, action);
  AddSupportCommands(app, global, action);
  AddRefundCommands(app, global, action);
  AddDemoCommand(app, global, action);
  SetGlobalOptionsFooter(app);
  app.footer(
      "Exit codes: 0 ok, 1 error, 2 usage, 3 access denied, 4 not found, "
      "5 integrity or key failure, 6 rejected input, 7 busy (retry).");
}

}  // namespace cvault::cli
