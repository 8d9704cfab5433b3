// cvault customer add|get|find|update|list (import: customer_import.cc).
#include <fmt/format.h>

#include <array>
#include <memory>
#include <optional>

#include "cli/commands.h"
#include "cli/output.h"

namespace cvault::cli {
namespace {

// The field options of add and update, in CustomerField order.
struct FieldOptionSpec {
  CustomerField field;
  const char* name;
  const char* type_name;
  const char* help;
};
constexpr std::array<FieldOptionSpec, 7> kFieldOptions = {{
    {CustomerField::kFullName, "--name", "NAME", "Full name"},
    {CustomerField::kEmail, "--email", "EMAIL", "Email address"},
    {CustomerField::kPhone, "--phone", "PHONE",
     "Phone number, E.164 (e.g. +442071838750)"},
    {CustomerField::kPostalAddress, "--address", "TEXT", "Postal address"},
    {CustomerField::kCountry, "--country", "CC", "Country, ISO 3166-1 alpha-2 (e.g. DE)"},
    {CustomerField::kLanguage, "--language", "TAG",
     "Preferred language, BCP 47 (e.g. pt-BR)"},
    {CustomerField::kExternalRef, "--external-ref", "REF", "Your account reference"},
}};

struct FieldArgs {
  std::array<std::string, 7> values;
  std::array<CLI::Option*, 7> options{};

  std::optional<std::string> Given(CustomerField field) const {
    auto i = static_cast<std::size_t>(field);
    if (options[i] == nullptr || options[i]->count() == 0) return std::nullopt;
    return values[i];
  }
};

void AddFieldOptions(CLI::App& command, FieldArgs& args, bool require_name_and_email) {
  for (const FieldOptionSpec& spec : kFieldOptions) {
    auto i = static_cast<std::size_t>(spec.field);
    args.options[i] = command.add_option(spec.name, args.values[i], spec.help)
                          ->type_name(spec.type_name);
    bool required =
        spec.field == CustomerField::kFullName || spec.field == CustomerField::kEmail;
    if (require_name_and_email && required) args.options[i]->required();
  }
}

struct CustomerArgs {
  FieldArgs fields;
  std::string id;
  std::vector<std::string> field_names;  // get --fields
  std::string email;                     // find --email
  std::string phone;                     // find --phone
  CLI::Option* email_option = nullptr;
  std::string after;         // list --after
  std::size_t limit = 1000;  // list --limit
};

CliOr<> RunAdd(const GlobalOptions& global, const CustomerArgs& args) {
  CVAULT_CLI_ASSIGN_OR_RETURN(Session s, StartSession(global));
  NewCustomer customer;
  customer.full_name = *args.fields.Given(CustomerField::kFullName);
  customer.email = *args.fields.Given(CustomerField::kEmail);
  customer.phone = args.fields.Given(CustomerField::kPhone);
  customer.postal_address = args.fields.Given(CustomerField::kPostalAddress);
  customer.country = args.fields.Given(CustomerField::kCountry);
  customer.language = args.fields.Given(CustomerField::kLanguage);
  customer.external_ref = args.fields.Given(CustomerField::kExternalRef);
  CVAULT_CLI_ASSIGN_OR_RETURN(CustomerId id,
                              s.vault->customers().Create(s.ctx, customer));
  CloseVault(*s.vault);
  if (global.json) {
    PrintJson({{"customer_id", id.str()}});
  } else {
    fmt::print("{}\n", id.str());
  }
  return {};
}

CliOr<> RunGet(const GlobalOptions& global, const CustomerArgs& args) {
  std::vector<CustomerField> fields;
  for (const std::string& name : args.field_names) {
    std::optional<CustomerField> field = ParseFieldName(name);
    if (!field) {
      return Usage(
          "--fields: unknown field name; use full_name, email, phone, postal_address, "
          "country, language, external_ref");
    }
    fields.push_back(*field);
  }
  CVAULT_CLI_ASSIGN_OR_RETURN(CustomerId id, CustomerId::Parse(args.id));
  CVAULT_CLI_ASSIGN_OR_RETURN(Session s, StartSession(global));
  CVAULT_CLI_ASSIGN_OR_RETURN(CustomerRecord record,
                              s.vault->customers().Get(s.ctx, id, fields));
  CloseVault(*s.vault);
  if (global.json) {
    PrintJson(RecordToJson(record));
  } else {
    fmt::print("{}", FormatRecord(record));
  }
  return {};
}

CliOr<> RunFind(const GlobalOptions& global, const CustomerArgs& args) {
  CVAULT_CLI_ASSIGN_OR_RETURN(Session s, StartSession(global));
  if (args.email_option->count() > 0) {
    CVAULT_CLI_ASSIGN_OR_RETURN(CustomerId id,
                                s.vault->customers().FindByEmail(s.ctx, args.email));
    CloseVault(*s.vault);
    if (global.json) {
      PrintJson({{"customer_id", id.str()}});
    } else {
      fmt::print("{}\n", id.str());
    }
    return {};
  }
  CVAULT_CLI_ASSIGN_OR_RETURN(std::vector<CustomerId> ids,
                              s.vault->customers().FindByPhone(s.ctx, args.phone));
  CloseVault(*s.vault);
  if (global.json) {
    PrintJson({{"customer_ids", IdsToJson(ids)}});
  } else {
    for (const CustomerId& id : ids) fmt::print("{}\n", id.str());
  }
  return {};
}

CliOr<> RunUpdate(const GlobalOptions& global, const CustomerArgs& args) {
  CustomerUpdate update;
  update.full_name = args.fields.Given(CustomerField::kFullName);
  update.email = args.fields.Given(CustomerField::kEmail);
  update.phone = args.fields.Given(CustomerField::kPhone);
  update.postal_address = args.fields.Given(CustomerField::kPostalAddress);
  update.country = args.fields.Given(CustomerField::kCountry);
  update.language = args.fields.Given(CustomerField::kLanguage);
  update.external_ref = args.fields.Given(CustomerField::kExternalRef);
  std::vector<std::string> changed;
  for (const FieldOptionSpec& spec : kFieldOptions) {
    if (args.fields.Given(spec.field)) changed.emplace_back(FieldName(spec.field));
  }
  if (changed.empty()) {
    return Usage(
        "customer update: give at least one of --name, --email, --phone, --address, "
        "--country, --language, --external-ref");
  }
  CVAULT_CLI_ASSIGN_OR_RETURN(CustomerId id, CustomerId::Parse(args.id));
  CVAULT_CLI_ASSIGN_OR_RETURN(Session s, StartSession(global));
  CVAULT_CLI_RETURN_IF_ERROR(s.vault->customers().Update(s.ctx, id, update));
  CloseVault(*s.vault);
  if (global.json) {
    PrintJson({{"customer_id", id.str()}, {"updated", changed}});
  } else {
    fmt::print("updated {}: {}\n", id.str(), JoinOrDash(changed, ", "));
  }
  return {};
}

CliOr<> RunList(const GlobalOptions& global, const CustomerArgs& args) {
  std::optional<CustomerId> after;
  if (!args.after.empty()) {
    CVAULT_CLI_ASSIGN_OR_RETURN(after, CustomerId::Parse(args.after));
  }
  CVAULT_CLI_ASSIGN_OR_RETURN(Session s, StartSession(global));
  CVAULT_CLI_ASSIGN_OR_RETURN(std::vector<CustomerId> ids,
                              s.vault->customers().ListIds(s.ctx, after, args.limit));
  CloseVault(*s.vault);
  if (global.json) {
    PrintJson({{"customer_ids", IdsToJson(ids)}});
  } else {
    for (const CustomerId& id : ids) fmt::print("{}\n", id.str());
  }
  return {};
}

}  // namespace

void AddCustomerCommands(CLI::App& app, const GlobalOptions& global,
                         CommandAction& action) {
  CLI::App* customer =
      app.add_subcommand("customer", "Create, read, find and rectify customers");
  customer->require_subcommand(1);

  auto add_args = std::make_shared<CustomerArgs>();
  CLI::App* add = customer->add_subcommand("add", "Add a customer; prints the new id");
  AddFieldOptions(*add, add_args->fields, /*require_name_and_email=*/true);
  OnSelected(add, global, action, add_args, RunAdd);

  auto get_args = std::make_shared<CustomerArgs>();
  CLI::App* get = customer->add_subcommand(
      "get", "Show the fields your purpose may see (masked where the policy says so)");
  get->add_option("ID", get_args->id, "Customer id (cus_...)")->required();
  get->add_option("--fields", get_args->field_names, "Only these fields, comma-separated")
      ->delimiter(',')
      ->type_name("F1,F2");
  OnSelected(get, global, action, get_args, RunGet);

  auto find_args = std::make_shared<CustomerArgs>();
  CLI::App* find =
      customer->add_subcommand("find", "Find customers by exact email or phone");
  find_args->email_option =
      find->add_option("--email", find_args->email, "Email address")->type_name("EMAIL");
  CLI::Option* phone =
      find->add_option("--phone", find_args->phone, "Phone number (E.164)")
          ->type_name("PHONE");
  find_args->email_option->excludes(phone);
  find->require_option(1);
  OnSelected(find, global, action, find_args, RunFind);

  auto update_args = std::make_shared<CustomerArgs>();
  CLI::App* update = customer->add_subcommand("update", "Rectify a customer's fields");
  update->add_option("ID", update_args->id, "Customer id (cus_...)")->required();
  AddFieldOptions(*update, update_args->fields, /*require_name_and_email=*/false);
  OnSelected(update, global, action, update_args, RunUpdate);

  auto list_args = std::make_shared<CustomerArgs>();
  CLI::App* list =
      customer->add_subcommand("list", "List customer ids (in id order, for paging)");
  list->add_option("--after", list_args->after, "Start after this id")->type_name("ID");
  list->add_option("--limit", list_args->limit, "At most this many ids")
      ->type_name("N")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, std::size_t{10000}));
  OnSelected(list, global, action, list_args, RunList);

  AddCustomerImportCommand(*customer, global, action);
}

}  // namespace cvault::cli
