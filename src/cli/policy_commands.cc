// cvault policy records: the records of processing (GDPR Art. 30) of the
// policy in force (--policy / CVAULT_POLICY, or the built-in default). Reads
// the policy only: no vault is opened and no key is needed.
#include <fmt/format.h>

#include <memory>
#include <optional>

#include "cli/commands.h"
#include "cli/output.h"
#include "cvault/records.h"

namespace cvault::cli {
namespace {

struct PolicyArgs {};

// `items` joined by `sep`, or `none` when there are none.
std::string JoinOr(const std::vector<std::string>& items, std::string_view sep,
                   std::string_view none) {
  if (items.empty()) return std::string(none);
  return fmt::format("{}", fmt::join(items, sep));
}

Json RecordsToJson(const ProcessingRecords& records) {
  Json purposes = Json::array();
  for (const ProcessingRecord& r : records.purposes) {
    Json groups = Json::object();
    for (const auto& [group, level] : r.field_groups) groups[group] = level;
    purposes.push_back({{"purpose", r.purpose},
                        {"legal_basis", r.legal_basis},
                        {"category", r.category},
                        {"field_groups", std::move(groups)},
                        {"roles", r.roles},
                        {"recipients", r.recipients},
                        {"retention", r.retention.empty() ? Json(nullptr)
                                                          : Json(r.retention)}});
  }
  return {{"controller",
           {{"name", records.controller}, {"jurisdiction", records.jurisdiction}}},
          {"purposes", std::move(purposes)}};
}

void PrintRecords(const ProcessingRecords& records) {
  fmt::print("Records of processing (GDPR Art. 30)\ncontroller: {} ({})\n",
             records.controller, records.jurisdiction);
  for (const ProcessingRecord& r : records.purposes) {
    std::vector<std::string> groups;
    for (const auto& [group, level] : r.field_groups) {
      groups.push_back(fmt::format("{} ({})", group, level));
    }
    fmt::print("\n{}\n", r.purpose);
    fmt::print("  legal basis: {}\n", r.legal_basis);
    fmt::print("  category: {}\n", r.category);
    fmt::print("  field groups: {}\n", JoinOr(groups, ", ", "none"));
    fmt::print("  roles: {}\n", JoinOr(r.roles, ", ", "none"));
    fmt::print("  recipients: {}\n",
               JoinOr(r.recipients, "; ", "none outside the controller"));
    fmt::print("  retention: {}\n", r.retention.empty() ? "not stated" : r.retention);
  }
}

CliOr<> RunRecords(const GlobalOptions& global, const PolicyArgs&) {
  std::optional<std::filesystem::path> file;
  if (!global.policy_file.empty()) file = global.policy_file;
  CVAULT_CLI_ASSIGN_OR_RETURN(ProcessingRecords records, RecordsOfProcessing(file));
  if (global.json) {
    PrintJson(RecordsToJson(records));
  } else {
    PrintRecords(records);
  }
  return {};
}

}  // namespace

void AddPolicyCommands(CLI::App& app, const GlobalOptions& global,
                       CommandAction& action) {
  CLI::App* policy = app.add_subcommand("policy", "Read the access policy in force");
  policy->require_subcommand(1);
  auto records_args = std::make_shared<PolicyArgs>();
  CLI::App* records = policy->add_subcommand(
      "records",
      "Print the records of processing (GDPR Art. 30): each purpose with its legal "
      "basis, field groups, roles, recipients and retention (--policy, or the "
      "built-in default)");
  OnSelected(records, global, action, records_args, RunRecords);
}

}  // namespace cvault::cli
