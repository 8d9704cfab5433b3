// cvault consent grant|withdraw|renew|expire|history|status|report.
//
// The consent's purpose is given with --for, because --purpose is the global
// option naming why the caller acts (e.g. account_management), and both are
// needed on the same command line.
#include <fmt/format.h>

#include <memory>
#include <optional>

#include "cli/commands.h"
#include "cli/option_values.h"
#include "cli/output.h"

namespace cvault::cli {
namespace {

struct ConsentArgs {
  std::string id;
  std::string purpose;  // --for
  std::string notice;   // grant --notice NOTICE_ID@VERSION
  std::string method;   // grant/withdraw --method
  std::string channel;  // grant/withdraw --channel
  std::string type = "explicit";
  std::string language = "en";
  std::vector<std::string> pii_categories;
  std::vector<std::string> third_parties;
  std::string actor = "customer";
  std::string expires;  // grant/renew --expires
  std::string as_of;    // status/report --as-of
};

struct NoticeRef {
  std::string id;
  std::string version;
};

CliOr<NoticeRef> ParseNoticeRef(const std::string& text) {
  std::size_t at = text.find('@');
  if (at == std::string::npos || at == 0 || at + 1 == text.size()) {
    return Usage(
        "--notice: expected NOTICE_ID@VERSION, e.g. --notice marketing-emails@2026-11");
  }
  return NoticeRef{text.substr(0, at), text.substr(at + 1)};
}

// Prints the event a recording command returned.
void PrintEvent(const GlobalOptions& global, const ConsentEvent& event) {
  if (global.json) {
    PrintJson(ConsentEventToJson(event));
  } else {
    fmt::print("{}", FormatConsentReceipt(event));
  }
}

CliOr<> RunGrant(const GlobalOptions& global, const ConsentArgs& args) {
  CVAULT_CLI_ASSIGN_OR_RETURN(NoticeRef notice, ParseNoticeRef(args.notice));
  std::optional<ConsentType> type = ParseConsentType(args.type);
  if (!type) return Usage("--type: expected explicit or implicit");
  CVAULT_CLI_ASSIGN_OR_RETURN(auto expires, ParseTimeOption(args.expires, "--expires"));
  CVAULT_CLI_ASSIGN_OR_RETURN(CustomerId id, CustomerId::Parse(args.id));
  ConsentGrant grant;
  grant.purpose = args.purpose;
  grant.notice_id = notice.id;
  grant.notice_version = notice.version;
  grant.collection_method = args.method;
  grant.channel = args.channel;
  grant.type = *type;
  grant.language = args.language;
  grant.pii_categories = args.pii_categories;
  grant.third_parties = args.third_parties;
  grant.actor = args.actor;
  grant.expires_at = expires;
  CVAULT_CLI_ASSIGN_OR_RETURN(Session s, StartSession(global));
  CVAULT_CLI_ASSIGN_OR_RETURN(ConsentEvent event,
                              s.vault->consents().Grant(s.ctx, id, grant));
  CloseVault(*s.vault);
  PrintEvent(global, event);
  return {};
}

CliOr<> RunWithdraw(const GlobalOptions& global, const ConsentArgs& args) {
  CVAULT_CLI_ASSIGN_OR_RETURN(CustomerId id, CustomerId::Parse(args.id));
  ConsentWithdrawal withdrawal;
  withdrawal.purpose = args.purpose;
  withdrawal.collection_method = args.method;
  withdrawal.channel = args.channel;
  withdrawal.actor = args.actor;
  CVAULT_CLI_ASSIGN_OR_RETURN(Session s, StartSession(global));
  CVAULT_CLI_ASSIGN_OR_RETURN(ConsentEvent event,
                              s.vault->consents().Withdraw(s.ctx, id, withdrawal));
  CloseVault(*s.vault);
  PrintEvent(global, event);
  return {};
}

CliOr<> RunRenew(const GlobalOptions& global, const ConsentArgs& args) {
  CVAULT_CLI_ASSIGN_OR_RETURN(auto expires, ParseTimeOption(args.expires, "--expires"));
  CVAULT_CLI_ASSIGN_OR_RETURN(CustomerId id, CustomerId::Parse(args.id));
  CVAULT_CLI_ASSIGN_OR_RETURN(Session s, StartSession(global));
  CVAULT_CLI_ASSIGN_OR_RETURN(
      ConsentEvent event,
      s.vault->consents().Renew(s.ctx, id, args.purpose, expires, args.actor));
  CloseVault(*s.vault);
  PrintEvent(global, event);
  return {};
}

CliOr<> RunExpire(const GlobalOptions& global, const ConsentArgs& args) {
  CVAULT_CLI_ASSIGN_OR_RETURN(CustomerId id, CustomerId::Parse(args.id));
  CVAULT_CLI_ASSIGN_OR_RETURN(Session s, StartSession(global));
  CVAULT_CLI_ASSIGN_OR_RETURN(ConsentEvent event,
                              s.vault->consents().RecordExpiry(s.ctx, id, args.purpose));
  CloseVault(*s.vault);
  PrintEvent(global, event);
  return {};
}

CliOr<> RunHistory(const GlobalOptions& global, const ConsentArgs& args) {
  CVAULT_CLI_ASSIGN_OR_RETURN(CustomerId id, CustomerId::Parse(args.id));
  CVAULT_CLI_ASSIGN_OR_RETURN(Session s, StartSession(global));
  CVAULT_CLI_ASSIGN_OR_RETURN(std::vector<ConsentEvent> events,
                              s.vault->consents().History(s.ctx, id));
  CloseVault(*s.vault);
  if (global.json) {
    Json out = Json::array();
    for (const ConsentEvent& e : events) out.push_back(ConsentEventToJson(e));
    PrintJson({{"customer_id", id.str()}, {"events", out}});
  } else {
    for (const ConsentEvent& e : events) fmt::print("{}\n", FormatConsentEventLine(e));
  }
  return {};
}

CliOr<> RunStatus(const GlobalOptions& global, const ConsentArgs& args) {
  CVAULT_CLI_ASSIGN_OR_RETURN(auto as_of, ParseTimeOption(args.as_of, "--as-of"));
  CVAULT_CLI_ASSIGN_OR_RETURN(CustomerId id, CustomerId::Parse(args.id));
  // Asking for an explicit instant lets the output say which one it describes.
  Timestamp at = as_of.value_or(SystemClock()->Now());
  CVAULT_CLI_ASSIGN_OR_RETURN(Session s, StartSession(global));
  CVAULT_CLI_ASSIGN_OR_RETURN(std::vector<ConsentState> states,
                              s.vault->consents().Status(s.ctx, id, at));
  CloseVault(*s.vault);
  if (global.json) {
    Json purposes = Json::array();
    for (const ConsentState& state : states)
      purposes.push_back(ConsentStateToJson(state));
    PrintJson({{"customer_id", id.str()},
               {"as_of", FormatTimestamp(at)},
               {"purposes", purposes}});
  } else {
    for (const ConsentState& state : states) {
      fmt::print("{}\n", FormatConsentStateLine(state));
    }
  }
  return {};
}

CliOr<> RunReport(const GlobalOptions& global, const ConsentArgs& args) {
  CVAULT_CLI_ASSIGN_OR_RETURN(auto as_of, ParseTimeOption(args.as_of, "--as-of"));
  CVAULT_CLI_ASSIGN_OR_RETURN(Session s, StartSession(global));
  CVAULT_CLI_ASSIGN_OR_RETURN(ConsentReport report,
                              s.vault->consents().Report(s.ctx, args.purpose, as_of));
  CloseVault(*s.vault);
  if (global.json) {
    PrintJson(ConsentReportToJson(report));
  } else {
    fmt::print(
        "purpose: {}\nas_of: {}\nactive: {}\nwithdrawn: {}\nexpired: {}\nnever_given: "
        "{}\n",
        report.purpose, FormatTimestamp(report.as_of), report.active, report.withdrawn,
        report.expired, report.never_given);
  }
  return {};
}

void AddCustomerId(CLI::App& command, ConsentArgs& args) {
  command.add_option("ID", args.id, "Customer id (cus_...)")->required();
}

void AddConsentPurpose(CLI::App& command, ConsentArgs& args) {
  command
      // The interface names it --purpose; --for is the same option
      // and reads better next to the caller's own --purpose, which must then
      // come before the subcommand (or from CVAULT_PURPOSE).
      .add_option("--purpose,--for", args.purpose,
                  "The consent's purpose, one resting on consent (e.g. marketing). "
                  "Given after the subcommand, --purpose means this; the caller's "
                  "own purpose then goes before the subcommand or in CVAULT_PURPOSE")
      ->type_name("PURPOSE")
      ->required();
}

// --method and --channel: how consent was `what` ("given", "withdrawn").
void AddMethodAndChannel(CLI::App& command, ConsentArgs& args, std::string_view what) {
  command
      .add_option("--method", args.method,
                  fmt::format("How it was {}: web_form, checkbox, double_opt_in, "
                              "email_link, verbal, paper, api or import",
                              what))
      ->type_name("METHOD")
      ->required();
  command
      .add_option("--channel", args.channel,
                  fmt::format("Where it was {}: web, mobile_app, email, phone, "
                              "in_person, chat or api",
                              what))
      ->type_name("CHANNEL")
      ->required();
}

void AddActor(CLI::App& command, ConsentArgs& args) {
  command
      .add_option("--actor", args.actor,
                  "Who acted: customer, or the id of the agent recording it")
      ->type_name("ACTOR")
      ->capture_default_str();
}

}  // namespace

void AddConsentCommands(CLI::App& app, const GlobalOptions& global,
                        CommandAction& action) {
  CLI::App* consent =
      app.add_subcommand("consent", "Record, read and report customers' consent");
  consent->require_subcommand(1);

  auto grant_args = std::make_shared<ConsentArgs>();
  CLI::App* grant = consent->add_subcommand(
      "grant", "Record that the customer gave consent; prints the receipt");
  AddCustomerId(*grant, *grant_args);
  AddConsentPurpose(*grant, *grant_args);
  grant
      ->add_option("--notice", grant_args->notice,
                   "The registered notice version the customer saw")
      ->type_name("NOTICE_ID@VERSION")
      ->required();
  AddMethodAndChannel(*grant, *grant_args, "given");
  grant
      ->add_option("--type", grant_args->type,
                   "explicit (implicit is refused: consent for a purpose resting on "
                   "consent must be explicit)")
      ->type_name("TYPE")
      ->capture_default_str();
  grant->add_option("--language", grant_args->language, "Language of the notice (BCP 47)")
      ->type_name("TAG")
      ->capture_default_str();
  grant
      ->add_option("--pii-category", grant_args->pii_categories,
                   "A field group the consent covers (repeat for more); default: those "
                   "the purpose may see")
      ->type_name("GROUP")
      ->allow_extra_args(false);
  grant
      ->add_option("--third-party", grant_args->third_parties,
                   "A recipient the data goes to (repeat for more)")
      ->type_name("NAME")
      ->allow_extra_args(false);
  AddActor(*grant, *grant_args);
  grant
      ->add_option("--expires", grant_args->expires,
                   std::string("When the consent lapses") + kTimeHelp)
      ->type_name("TIME");
  OnSelected(grant, global, action, grant_args, RunGrant);

  auto withdraw_args = std::make_shared<ConsentArgs>();
  CLI::App* withdraw =
      consent->add_subcommand("withdraw", "Record that the customer withdrew consent");
  AddCustomerId(*withdraw, *withdraw_args);
  AddConsentPurpose(*withdraw, *withdraw_args);
  AddMethodAndChannel(*withdraw, *withdraw_args, "withdrawn");
  AddActor(*withdraw, *withdraw_args);
  OnSelected(withdraw, global, action, withdraw_args, RunWithdraw);

  auto renew_args = std::make_shared<ConsentArgs>();
  CLI::App* renew = consent->add_subcommand(
      "renew", "Record that the customer re-affirmed active or lapsed consent");
  AddCustomerId(*renew, *renew_args);
  AddConsentPurpose(*renew, *renew_args);
  renew
      ->add_option("--expires", renew_args->expires,
                   std::string("New expiry") + kTimeHelp)
      ->type_name("TIME");
  AddActor(*renew, *renew_args);
  OnSelected(renew, global, action, renew_args, RunRenew);

  auto expire_args = std::make_shared<ConsentArgs>();
  CLI::App* expire = consent->add_subcommand(
      "expire", "Record that consent lapsed at its expiry (housekeeping)");
  AddCustomerId(*expire, *expire_args);
  AddConsentPurpose(*expire, *expire_args);
  OnSelected(expire, global, action, expire_args, RunExpire);

  auto history_args = std::make_shared<ConsentArgs>();
  CLI::App* history = consent->add_subcommand(
      "history", "Show every consent event of a customer, oldest first");
  AddCustomerId(*history, *history_args);
  OnSelected(history, global, action, history_args, RunHistory);

  auto status_args = std::make_shared<ConsentArgs>();
  CLI::App* status = consent->add_subcommand(
      "status", "Show a customer's consent for every purpose resting on consent");
  AddCustomerId(*status, *status_args);
  status
      ->add_option("--as-of", status_args->as_of,
                   std::string("As it stood at this instant") + kTimeHelp)
      ->type_name("TIME");
  OnSelected(status, global, action, status_args, RunStatus);

  auto report_args = std::make_shared<ConsentArgs>();
  CLI::App* report = consent->add_subcommand(
      "report", "Count customers by consent status for one purpose");
  AddConsentPurpose(*report, *report_args);
  report
      ->add_option("--as-of", report_args->as_of,
                   std::string("As it stood at this instant") + kTimeHelp)
      ->type_name("TIME");
  OnSelected(report, global, action, report_args, RunReport);
}

}  // namespace cvault::cli
