#include "policy/policy_file.h"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "common/safe_file.h"

namespace cvault::policy {
namespace {

constexpr std::array<std::string_view, 5> kTopLevelKeys = {"version", "controller",
                                                           "roles", "purposes", "duties"};
constexpr std::array<std::string_view, 1> kDutiesKeys = {"separate_refund_payment"};
constexpr std::array<std::string_view, 2> kControllerKeys = {"name", "jurisdiction"};
constexpr std::array<std::string_view, 6> kPurposeKeys = {
    "legal_basis", "category", "actions", "fields", "recipients", "retention"};
constexpr std::array kLegalBases = {LegalBasis::kConsent, LegalBasis::kContract,
                                    LegalBasis::kLegalObligation,
                                    LegalBasis::kLegitimateInterest};
constexpr std::array kRedactions = {Redaction::kPlain, Redaction::kMasked,
                                    Redaction::kNone};
// A policy is a few KiB of TOML; a file far larger is not one.
constexpr std::size_t kMaxPolicyFileBytes = 1 << 20;
constexpr std::size_t kMaxNameLength = 64;
// Records-of-processing texts (recipients, retention): free text, bounded.
constexpr std::size_t kMaxRecipientLength = 200;
constexpr std::size_t kMaxRecipients = 20;
constexpr std::size_t kMaxRetentionLength = 500;

using NameSet = std::set<std::string, std::less<>>;

// Role and purpose names: 1 to 64 of a-z, 0-9, '_' and '-'.
bool IsValidName(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameLength) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string_view TypeName(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a float";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date-time";
    case toml::node_type::none:
      break;
  }
  return "nothing";
}

// "a, b, c": the accepted values, for error messages.
template <class Range, class ToName>
std::string JoinNames(const Range& items, ToName to_name) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ", ";
    out += to_name(item);
  }
  return out;
}

std::string_view Same(std::string_view name) { return name; }

// policy.h has IsKnownAction() but no list of every action; the default
// policy grants each of them to some purpose, so its actions make the hint.
std::string KnownActionsHint() {
  NameSet known;
  for (const auto& [purpose, rule] : Policy::Default().purposes) {
    for (const std::string& action : rule.actions) {
      if (IsKnownAction(action)) known.insert(action);
    }
  }
  return JoinNames(known, Same);
}

// The value of `enum_values` whose name is `name`.
template <class Enum, std::size_t N>
std::optional<Enum> FindByName(const std::array<Enum, N>& enum_values,
                               std::string_view (*name_of)(Enum), std::string_view name) {
  for (Enum candidate : enum_values) {
    if (name_of(candidate) == name) return candidate;
  }
  return std::nullopt;
}

// Turns a parsed TOML document into a Policy, checking everything. Each error
// names the source and the line and column of the key or value at fault.
//
// `context` arguments prefix messages ("[controller]", "purpose 'support'");
// empty means the top level.
class PolicyReader {
 public:
  explicit PolicyReader(std::string_view source_name) : source_name_(source_name) {}

  StatusOr<Policy> Read(const toml::table& root) const {
    CVAULT_RETURN_IF_ERROR(CheckKeys(root, kTopLevelKeys, ""));
    CVAULT_RETURN_IF_ERROR(CheckVersion(root));
    Policy policy;
    CVAULT_ASSIGN_OR_RETURN(policy.controller, ReadController(root));
    CVAULT_ASSIGN_OR_RETURN(policy.duties, ReadDuties(root));
    CVAULT_ASSIGN_OR_RETURN(policy.purposes, ReadPurposes(root));
    CVAULT_ASSIGN_OR_RETURN(policy.role_purposes, ReadRoles(root, policy.purposes));
    return policy;
  }

 private:
  using RoleMap = decltype(Policy::role_purposes);
  using PurposeMap = decltype(Policy::purposes);
  using StringNodes = std::vector<const toml::value<std::string>*>;

  // "<source>:<line>:<column>: <context>: <problem>".
  Status Fail(const toml::source_region& where, std::string_view context,
              std::string_view problem) const {
    const toml::source_position& at = where.begin;
    std::string location(source_name_);
    if (at.line != 0) location += fmt::format(":{}", at.line);
    if (at.line != 0 && at.column != 0) location += fmt::format(":{}", at.column);
    if (context.empty()) {
      return Status::InvalidArgument(fmt::format("{}: {}", location, problem));
    }
    return Status::InvalidArgument(fmt::format("{}: {}: {}", location, context, problem));
  }

  Status WrongType(const toml::node& node, std::string_view context, std::string_view key,
                   std::string_view expected) const {
    return Fail(node.source(), context,
                fmt::format("'{}' must be {}, not {}", key, expected, TypeName(node)));
  }

  Status CheckKeys(const toml::table& table, std::span<const std::string_view> allowed,
                   std::string_view context) const {
    for (const auto& [key, node] : table) {
      if (std::ranges::find(allowed, key.str()) != allowed.end()) continue;
      return Fail(key.source(), context,
                  fmt::format("unknown {}key '{}' (expected {})",
                              context.empty() ? "top-level " : "", key.str(),
                              JoinNames(allowed, Same)));
    }
    return Status::Ok();
  }

  // Role and purpose names; `kind` is "role" or "purpose".
  Status CheckName(const toml::key& key, std::string_view kind) const {
    if (IsValidName(key.str())) return Status::Ok();
    return Fail(key.source(), "",
                fmt::format("{} name '{}' is not valid (use 1 to {} of a-z, 0-9, '_' "
                            "and '-')",
                            kind, key.str(), kMaxNameLength));
  }

  StatusOr<const toml::node*> Require(const toml::table& table, std::string_view key,
                                      std::string_view context) const {
    const toml::node* node = table.get(key);
    if (node == nullptr) {
      return Error(Fail(table.source(), context, fmt::format("missing key '{}'", key)));
    }
    return node;
  }

  StatusOr<const toml::table*> RequireTable(const toml::table& table,
                                            std::string_view key) const {
    CVAULT_ASSIGN_OR_RETURN(const toml::node* node, Require(table, key, ""));
    if (!node->is_table()) return Error(WrongType(*node, "", key, "a table"));
    return node->as_table();
  }

  StatusOr<const toml::value<std::string>*> RequireString(
      const toml::table& table, std::string_view key, std::string_view context) const {
    CVAULT_ASSIGN_OR_RETURN(const toml::node* node, Require(table, key, context));
    if (!node->is_string()) return Error(WrongType(*node, context, key, "a string"));
    return node->as_string();
  }

  StatusOr<std::string> RequireNonEmptyString(const toml::table& table,
                                              std::string_view key,
                                              std::string_view context) const {
    CVAULT_ASSIGN_OR_RETURN(const toml::value<std::string>* value,
                            RequireString(table, key, context));
    if (value->get().empty()) {
      return Error(
          Fail(value->source(), context, fmt::format("'{}' must not be empty", key)));
    }
    return value->get();
  }

  // The strings of `array`, which must not repeat. `item_kind` names an item
  // in messages ("action", "purpose").
  StatusOr<StringNodes> ReadStringList(const toml::array& array, std::string_view context,
                                       std::string_view item_kind) const {
    StringNodes items;
    NameSet seen;
    for (const toml::node& item : array) {
      const toml::value<std::string>* text = item.as_string();
      if (text == nullptr) {
        return Error(Fail(item.source(), context,
                          fmt::format("{} {} is {}, not a string", item_kind,
                                      items.size() + 1, TypeName(item))));
      }
      if (!seen.insert(text->get()).second) {
        return Error(
            Fail(item.source(), context,
                 fmt::format("{} '{}' is listed twice", item_kind, text->get())));
      }
      items.push_back(text);
    }
    return items;
  }

  Status CheckVersion(const toml::table& root) const {
    CVAULT_ASSIGN_OR_RETURN(const toml::node* node, Require(root, "version", ""));
    const toml::value<std::int64_t>* version = node->as_integer();
    if (version == nullptr) return WrongType(*node, "", "version", "an integer");
    if (version->get() == kPolicyFileVersion) return Status::Ok();
    return Fail(node->source(), "",
                fmt::format("unsupported policy file version {} (this cvault reads "
                            "version {})",
                            version->get(), kPolicyFileVersion));
  }

  StatusOr<Controller> ReadController(const toml::table& root) const {
    constexpr std::string_view kContext = "[controller]";
    CVAULT_ASSIGN_OR_RETURN(const toml::table* table, RequireTable(root, "controller"));
    CVAULT_RETURN_IF_ERROR(CheckKeys(*table, kControllerKeys, kContext));
    Controller controller;
    CVAULT_ASSIGN_OR_RETURN(controller.name,
                            RequireNonEmptyString(*table, "name", kContext));
    CVAULT_ASSIGN_OR_RETURN(controller.jurisdiction,
                            RequireNonEmptyString(*table, "jurisdiction", kContext));
    return controller;
  }

  // [duties] is optional; every key in it too (the defaults keep duties
  // apart).
  StatusOr<Duties> ReadDuties(const toml::table& root) const {
    constexpr std::string_view kContext = "[duties]";
    Duties duties;
    const toml::node* node = root.get("duties");
    if (node == nullptr) return duties;
    const toml::table* table = node->as_table();
    if (table == nullptr) return Error(WrongType(*node, "", "duties", "a table"));
    CVAULT_RETURN_IF_ERROR(CheckKeys(*table, kDutiesKeys, kContext));
    if (const toml::node* flag = table->get("separate_refund_payment")) {
      const toml::value<bool>* value = flag->as_boolean();
      if (value == nullptr) {
        return Error(WrongType(*flag, kContext, "separate_refund_payment", "true or false"));
      }
      duties.separate_refund_payment = value->get();
    }
    return duties;
  }

  StatusOr<PurposeMap> ReadPurposes(const toml::table& root) const {
    CVAULT_ASSIGN_OR_RETURN(const toml::table* table, RequireTable(root, "purposes"));
    if (table->empty()) {
      return Error(Fail(table->source(), "",
                        "the purposes table is empty; define at least one purpose"));
    }
    PurposeMap purposes;
    for (const auto& [key, node] : *table) {
      CVAULT_RETURN_IF_ERROR(CheckName(key, "purpose"));
      const toml::table* rule_table = node.as_table();
      if (rule_table == nullptr) {
        return Error(
            WrongType(node, "", fmt::format("purposes.{}", key.str()), "a table"));
      }
      CVAULT_ASSIGN_OR_RETURN(PurposeRule rule, ReadPurpose(key.str(), *rule_table));
      purposes.emplace(key.str(), std::move(rule));
    }
    return purposes;
  }

  StatusOr<PurposeRule> ReadPurpose(std::string_view name,
                                    const toml::table& table) const {
    const std::string context = fmt::format("purpose '{}'", name);
    CVAULT_RETURN_IF_ERROR(CheckKeys(table, kPurposeKeys, context));
    PurposeRule rule;

    CVAULT_ASSIGN_OR_RETURN(const toml::value<std::string>* basis,
                            RequireString(table, "legal_basis", context));
    std::optional<LegalBasis> legal_basis =
        FindByName(kLegalBases, LegalBasisName, basis->get());
    if (!legal_basis) {
      return Error(
          Fail(basis->source(), context,
               fmt::format("unknown legal basis '{}' (expected {})", basis->get(),
                           JoinNames(kLegalBases, LegalBasisName))));
    }
    rule.legal_basis = *legal_basis;

    CVAULT_ASSIGN_OR_RETURN(rule.category,
                            RequireNonEmptyString(table, "category", context));

    CVAULT_ASSIGN_OR_RETURN(const toml::node* actions_node,
                            Require(table, "actions", context));
    const toml::array* actions_array = actions_node->as_array();
    if (actions_array == nullptr) {
      return Error(WrongType(*actions_node, context, "actions", "an array of strings"));
    }
    CVAULT_ASSIGN_OR_RETURN(StringNodes actions,
                            ReadStringList(*actions_array, context, "action"));
    for (const toml::value<std::string>* action : actions) {
      if (!IsKnownAction(action->get())) {
        return Error(Fail(action->source(), context,
                          fmt::format("unknown action '{}' (expected {})", action->get(),
                                      KnownActionsHint())));
      }
      rule.actions.insert(action->get());
    }

    // `fields` is optional: a purpose without it sees no field group.
    if (const toml::node* fields_node = table.get("fields"); fields_node != nullptr) {
      const toml::table* fields = fields_node->as_table();
      if (fields == nullptr) {
        return Error(WrongType(*fields_node, context, "fields", "a table"));
      }
      CVAULT_ASSIGN_OR_RETURN(rule.field_groups, ReadFieldGroups(*fields, context));
    }
    CVAULT_ASSIGN_OR_RETURN(rule.recipients, ReadRecipients(table, context));
    CVAULT_ASSIGN_OR_RETURN(rule.retention, ReadRetention(table, context));
    return rule;
  }

  // `recipients` is optional: none beyond the controller's own roles.
  StatusOr<std::vector<std::string>> ReadRecipients(const toml::table& table,
                                                    std::string_view context) const {
    std::vector<std::string> recipients;
    const toml::node* node = table.get("recipients");
    if (node == nullptr) return recipients;
    const toml::array* array = node->as_array();
    if (array == nullptr) {
      return Error(WrongType(*node, context, "recipients", "an array of strings"));
    }
    if (array->size() > kMaxRecipients) {
      return Error(Fail(node->source(), context,
                        fmt::format("'recipients' lists more than {}", kMaxRecipients)));
    }
    CVAULT_ASSIGN_OR_RETURN(StringNodes listed,
                            ReadStringList(*array, context, "recipient"));
    for (const toml::value<std::string>* recipient : listed) {
      if (recipient->get().empty() || recipient->get().size() > kMaxRecipientLength) {
        return Error(Fail(recipient->source(), context,
                          fmt::format("each of 'recipients' must be 1 to {} bytes",
                                      kMaxRecipientLength)));
      }
      recipients.push_back(recipient->get());
    }
    return recipients;
  }

  // `retention` is optional: not stated.
  StatusOr<std::string> ReadRetention(const toml::table& table,
                                      std::string_view context) const {
    if (!table.contains("retention")) return std::string();
    CVAULT_ASSIGN_OR_RETURN(std::string retention,
                            RequireNonEmptyString(table, "retention", context));
    if (retention.size() > kMaxRetentionLength) {
      return Error(Fail(table.get("retention")->source(), context,
                        fmt::format("'retention' must be at most {} bytes",
                                    kMaxRetentionLength)));
    }
    return retention;
  }

  StatusOr<std::map<FieldGroup, Redaction>> ReadFieldGroups(
      const toml::table& fields, std::string_view context) const {
    const std::string expected_levels = JoinNames(kRedactions, RedactionName);
    std::map<FieldGroup, Redaction> groups;
    for (const auto& [key, node] : fields) {
      std::optional<FieldGroup> group = ParseFieldGroupName(key.str());
      if (!group) {
        return Error(Fail(key.source(), context,
                          fmt::format("unknown field group '{}' (expected {})", key.str(),
                                      JoinNames(kAllFieldGroups, FieldGroupName))));
      }
      const toml::value<std::string>* level = node.as_string();
      if (level == nullptr) {
        return Error(WrongType(node, context, fmt::format("fields.{}", key.str()),
                               fmt::format("a string ({})", expected_levels)));
      }
      std::optional<Redaction> redaction =
          FindByName(kRedactions, RedactionName, level->get());
      if (!redaction) {
        return Error(Fail(node.source(), context,
                          fmt::format("unknown redaction '{}' for field group '{}' "
                                      "(expected {})",
                                      level->get(), key.str(), expected_levels)));
      }
      // "none" is the same as leaving the group out, as in Policy::Default().
      if (*redaction != Redaction::kNone) groups.emplace(*group, *redaction);
    }
    return groups;
  }

  StatusOr<RoleMap> ReadRoles(const toml::table& root, const PurposeMap& purposes) const {
    CVAULT_ASSIGN_OR_RETURN(const toml::table* table, RequireTable(root, "roles"));
    if (table->empty()) {
      return Error(Fail(table->source(), "",
                        "the roles table is empty; define at least one role"));
    }
    RoleMap roles;
    for (const auto& [key, node] : *table) {
      CVAULT_RETURN_IF_ERROR(CheckName(key, "role"));
      const std::string context = fmt::format("role '{}'", key.str());
      const toml::array* array = node.as_array();
      if (array == nullptr) {
        return Error(Fail(node.source(), "",
                          fmt::format("{} must be an array of purpose names, not {}",
                                      context, TypeName(node))));
      }
      CVAULT_ASSIGN_OR_RETURN(StringNodes listed,
                              ReadStringList(*array, context, "purpose"));
      if (listed.empty()) {
        return Error(Fail(node.source(), "",
                          fmt::format("{} lists no purposes (remove the role to deny it "
                                      "everything)",
                                      context)));
      }
      NameSet role_purposes;
      for (const toml::value<std::string>* purpose : listed) {
        if (!purposes.contains(purpose->get())) {
          return Error(Fail(purpose->source(), context,
                            fmt::format("purpose '{}' is not defined under [purposes]",
                                        purpose->get())));
        }
        role_purposes.insert(purpose->get());
      }
      roles.emplace(key.str(), std::move(role_purposes));
    }
    return roles;
  }

  std::string_view source_name_;
};

}  // namespace

StatusOr<Policy> ParsePolicy(std::string_view toml_text, std::string_view source_name) {
  toml::table root;
  try {
    root = toml::parse(toml_text, source_name);
  } catch (const toml::parse_error& error) {
    const toml::source_position& at = error.source().begin;
    return Error(Status::InvalidArgument(fmt::format("{}:{}:{}: TOML syntax error: {}",
                                                     source_name, at.line, at.column,
                                                     error.description())));
  }
  return PolicyReader(source_name).Read(root);
}

StatusOr<Policy> LoadPolicyFile(const std::filesystem::path& file) {
  const std::string name = file.string();
  auto text = internal::ReadRegularFile(file, kMaxPolicyFileBytes,
                                        fmt::format("policy file '{}'", name));
  // Every problem with the file is one with the caller's option.
  if (!text) return Error(Status::InvalidArgument(text.error().message()));
  return ParsePolicy(*text, name);
}

}  // namespace cvault::policy
