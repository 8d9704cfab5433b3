// cvault support open|attempt|reply|resolve|show: support tickets, the evidence a
// refund rests on (docs/refund-process.md). In the default policy these are
// for support-agent acting for purpose support.
#include <fmt/format.h>

#include <memory>
#include <optional>

#include "cli/commands.h"
#include "cli/option_values.h"
#include "cli/output.h"
#include "cli/refund_output.h"

namespace cvault::cli {
namespace {

struct SupportArgs {
  std::string id;  // the customer (open) or the ticket
  std::string product_kind;
  std::string sku;
  std::string summary;
  bool substantial = false;
  std::string opened_at;
  std::string outcome;  // attempt --outcome
  std::string at;       // attempt --at
  std::string note;     // attempt --note
  bool fixed = false;   // resolve --fixed
  bool unfixable = false;
};

CliOr<> RunOpen(const GlobalOptions& global, const SupportArgs& args) {
  CVAULT_CLI_ASSIGN_OR_RETURN(
      ProductKind kind,
      ParseChoiceOption(args.product_kind, "--product-kind", ParseProductKind,
                        kProductKinds, ProductKindName));
  CVAULT_CLI_ASSIGN_OR_RETURN(auto opened_at,
                              ParseTimeOption(args.opened_at, "--opened-at"));
  CVAULT_CLI_ASSIGN_OR_RETURN(CustomerId customer, CustomerId::Parse(args.id));
  NewTicket ticket;
  ticket.customer = customer;
  ticket.product = Product{kind, args.sku};
  ticket.summary = args.summary;
  ticket.substantial = args.substantial;
  ticket.opened_at = opened_at;
  CVAULT_CLI_ASSIGN_OR_RETURN(Session s, StartSession(global));
  CVAULT_CLI_ASSIGN_OR_RETURN(std::string ticket_id,
                              s.vault->support().OpenTicket(s.ctx, ticket));
  CloseVault(*s.vault);
  if (global.json) {
    PrintJson({{"ticket_id", ticket_id}});
  } else {
    fmt::print("{}\n", ticket_id);
  }
  return {};
}

CliOr<> RunAttempt(const GlobalOptions& global, const SupportArgs& args) {
  CVAULT_CLI_ASSIGN_OR_RETURN(
      FixOutcome outcome, ParseChoiceOption(args.outcome, "--outcome", ParseFixOutcome,
                                            kFixOutcomes, FixOutcomeName));
  CVAULT_CLI_ASSIGN_OR_RETURN(auto at, ParseTimeOption(args.at, "--at"));
  CVAULT_CLI_ASSIGN_OR_RETURN(Session s, StartSession(global));
  CVAULT_CLI_RETURN_IF_ERROR(
      s.vault->support().RecordAttempt(s.ctx, args.id, outcome, args.note, at));
  CloseVault(*s.vault);
  if (global.json) {
    PrintJson({{"ticket_id", args.id},
               {"outcome", FixOutcomeName(outcome)},
               {"at", TimeOrNull(at)}});
  } else {
    fmt::print("recorded a fix attempt on {}: {}\n", args.id, FixOutcomeName(outcome));
  }
  return {};
}

CliOr<> RunReply(const GlobalOptions& global, const SupportArgs& args) {
  CVAULT_CLI_ASSIGN_OR_RETURN(auto at, ParseTimeOption(args.at, "--at"));
  CVAULT_CLI_ASSIGN_OR_RETURN(Session s, StartSession(global));
  CVAULT_CLI_RETURN_IF_ERROR(s.vault->support().RecordCustomerReply(s.ctx, args.id, at));
  CloseVault(*s.vault);
  if (global.json) {
    PrintJson({{"ticket_id", args.id}, {"customer_replied_at", TimeOrNull(at)}});
  } else {
    fmt::print("recorded the customer's reply on {}\n", args.id);
  }
  return {};
}

CliOr<> RunResolve(const GlobalOptions& global, const SupportArgs& args) {
  if (args.fixed == args.unfixable) {
    return Usage("support resolve: give exactly one of --fixed and --unfixable");
  }
  TicketState outcome = args.fixed ? TicketState::kFixed : TicketState::kUnfixable;
  CVAULT_CLI_ASSIGN_OR_RETURN(Session s, StartSession(global));
  CVAULT_CLI_RETURN_IF_ERROR(s.vault->support().Resolve(s.ctx, args.id, outcome));
  CloseVault(*s.vault);
  if (global.json) {
    PrintJson({{"ticket_id", args.id}, {"state", TicketStateName(outcome)}});
  } else {
    fmt::print("resolved {}: {}\n", args.id, TicketStateName(outcome));
  }
  return {};
}

CliOr<> RunShow(const GlobalOptions& global, const SupportArgs& args) {
  CVAULT_CLI_ASSIGN_OR_RETURN(Session s, StartSession(global));
  CVAULT_CLI_ASSIGN_OR_RETURN(Ticket ticket,
                              s.vault->support().GetTicket(s.ctx, args.id));
  CloseVault(*s.vault);
  if (global.json) {
    PrintJson(TicketToJson(ticket));
  } else {
    fmt::print("{}", FormatTicket(ticket));
  }
  return {};
}

void AddTicketId(CLI::App& command, SupportArgs& args) {
  command.add_option("TICKET", args.id, "Ticket id (tkt_...)")->required();
}

}  // namespace

void AddSupportCommands(CLI::App& app, const GlobalOptions& global,
                        CommandAction& action) {
  CLI::App* support = app.add_subcommand(
      "support", "Support tickets: the evidence refund eligibility rests on");
  support->require_subcommand(1);

  auto open_args = std::make_shared<SupportArgs>();
  CLI::App* open = support->add_subcommand(
      "open", "Open a ticket for a customer's problem; prints the ticket id");
  open->add_option("CUSTOMER", open_args->id, "Customer id (cus_...)")->required();
  open->add_option("--product-kind", open_args->product_kind,
                   "software, theme, plugin or email_access")
      ->type_name("KIND")
      ->required();
  open->add_option("--sku", open_args->sku,
                   "The product's SKU (letters, digits, . _ - /)")
      ->type_name("SKU")
      ->required();
  open->add_option("--summary", open_args->summary,
                   "What is wrong (stored encrypted; never a card number)")
      ->type_name("TEXT")
      ->required();
  open->add_flag("--substantial", open_args->substantial,
                 "A substantial functional issue (what refund eligibility needs)");
  open->add_option("--opened-at", open_args->opened_at,
                   std::string("When the customer first reported it; default now. More "
                               "than 5 minutes back imports help-desk history, which "
                               "only the operator (purpose operations) may do") +
                       kTimeHelp)
      ->type_name("TIME");
  OnSelected(open, global, action, open_args, RunOpen);

  auto attempt_args = std::make_shared<SupportArgs>();
  CLI::App* attempt =
      support->add_subcommand("attempt", "Record a fix attempt on an open ticket");
  AddTicketId(*attempt, *attempt_args);
  attempt
      ->add_option("--outcome", attempt_args->outcome,
                   "fixed, not_fixed, workaround or needs_customer (a fixed attempt "
                   "does not close the ticket: resolve it)")
      ->type_name("OUTCOME")
      ->required();
  attempt
      ->add_option("--at", attempt_args->at,
                   std::string("When it was made, between the ticket's opening and "
                               "now; default now") +
                       kTimeHelp)
      ->type_name("TIME");
  attempt->add_option("--note", attempt_args->note, "What was tried (stored encrypted)")
      ->type_name("TEXT");
  OnSelected(attempt, global, action, attempt_args, RunAttempt);

  auto reply_args = std::make_shared<SupportArgs>();
  CLI::App* reply = support->add_subcommand(
      "reply",
      "Record that the customer answered support: after a needs_customer attempt the "
      "refund clock runs again from here");
  AddTicketId(*reply, *reply_args);
  reply
      ->add_option("--at", reply_args->at,
                   std::string("When the customer answered, between the ticket's "
                               "opening and now; default now") +
                       kTimeHelp)
      ->type_name("TIME");
  OnSelected(reply, global, action, reply_args, RunReply);

  auto resolve_args = std::make_shared<SupportArgs>();
  CLI::App* resolve = support->add_subcommand(
      "resolve", "Close an open ticket as fixed, or as one support cannot fix");
  AddTicketId(*resolve, *resolve_args);
  CLI::Option* fixed =
      resolve->add_flag("--fixed", resolve_args->fixed, "Support fixed the problem");
  CLI::Option* unfixable = resolve->add_flag(
      "--unfixable", resolve_args->unfixable,
      "Support cannot fix it (makes a substantial issue eligible for a refund)");
  fixed->excludes(unfixable);
  OnSelected(resolve, global, action, resolve_args, RunResolve);

  auto show_args = std::make_shared<SupportArgs>();
  CLI::App* show = support->add_subcommand(
      "show", "Show a ticket: product, summary, state and fix attempts");
  AddTicketId(*show, *show_args);
  OnSelected(show, global, action, show_args, RunShow);
}

}  // namespace cvault::cli
