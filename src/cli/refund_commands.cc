// cvault refund open|link-ticket|assess|transition|attach-payment|notify|show|
// overdue (and purchase|show-purchase, purchase_commands.cc): refund cases under the refund policy (docs/refund-process.md). In
// the default policy these are for refund-service acting for purpose
// refund_processing.
//
// `refund open --reason CODE` is the refund's reason code. The caller's
// free-text global --reason then goes before the subcommand.
#include <fmt/format.h>

#include <memory>
#include <optional>

#include "cli/commands.h"
#include "cli/option_values.h"
#include "cli/output.h"
#include "cli/payment_options.h"
#include "cli/refund_output.h"

namespace cvault::cli {
namespace {

struct RefundArgs {
  std::string id;         // the customer (open) or the case
  std::string ticket_id;  // link-ticket TICKET
  std::string order_ref;
  std::string product_kind;
  std::string sku;
  std::string reason;
  std::vector<std::string> ticket_ids;  // open --ticket
  std::string at;                       // assess/overdue --at
  std::string to;                       // transition --to
  std::string note;
  PaymentArgs payment;  // attach-payment
  std::string channel;
  std::string template_id;
};

CliOr<> RunOpen(const GlobalOptions& global, const RefundArgs& args) {
  CVAULT_CLI_ASSIGN_OR_RETURN(
      ProductKind kind,
      ParseChoiceOption(args.product_kind, "--product-kind", ParseProductKind,
                        kProductKinds, ProductKindName));
  CVAULT_CLI_ASSIGN_OR_RETURN(
      RefundReason reason, ParseChoiceOption(args.reason, "--reason", ParseRefundReason,
                                             kRefundReasons, RefundReasonName));
  CVAULT_CLI_ASSIGN_OR_RETURN(CustomerId customer, CustomerId::Parse(args.id));
  NewRefundCase refund;
  refund.customer = customer;
  refund.order_ref = args.order_ref;
  refund.product = Product{kind, args.sku};
  refund.reason = reason;
  refund.ticket_ids = args.ticket_ids;
  CVAULT_CLI_ASSIGN_OR_RETURN(Session s, StartSession(global));
  CVAULT_CLI_ASSIGN_OR_RETURN(std::string case_id,
                              s.vault->refunds().Open(s.ctx, refund));
  CloseVault(*s.vault);
  if (global.json) {
    PrintJson({{"case_id", case_id}});
  } else {
    fmt::print("{}\n", case_id);
  }
  return {};
}

CliOr<> RunLinkTicket(const GlobalOptions& global, const RefundArgs& args) {
  CVAULT_CLI_ASSIGN_OR_RETURN(Session s, StartSession(global));
  CVAULT_CLI_RETURN_IF_ERROR(
      s.vault->refunds().LinkTicket(s.ctx, args.id, args.ticket_id));
  CloseVault(*s.vault);
  if (global.json) {
    PrintJson({{"case_id", args.id}, {"ticket_id", args.ticket_id}});
  } else {
    fmt::print("linked {} to {}\n", args.ticket_id, args.id);
  }
  return {};
}

CliOr<> RunAssess(const GlobalOptions& global, const RefundArgs& args) {
  CVAULT_CLI_ASSIGN_OR_RETURN(auto at, ParseTimeOption(args.at, "--at"));
  CVAULT_CLI_ASSIGN_OR_RETURN(Session s, StartSession(global));
  CVAULT_CLI_ASSIGN_OR_RETURN(EligibilityDecision decision,
                              s.vault->refunds().Assess(s.ctx, args.id, at));
  CloseVault(*s.vault);
  if (global.json) {
    PrintJson(DecisionToJson(decision));
  } else {
    fmt::print("{}", FormatDecision(decision));
  }
  return {};
}

CliOr<> RunTransition(const GlobalOptions& global, const RefundArgs& args) {
  CVAULT_CLI_ASSIGN_OR_RETURN(RefundStatus to,
                              ParseChoiceOption(args.to, "--to", ParseRefundStatus,
                                                kRefundStatuses, RefundStatusName));
  CVAULT_CLI_ASSIGN_OR_RETURN(Session s, StartSession(global));
  Status moved = s.vault->refunds().Transition(s.ctx, args.id, to, args.note);
  CVAULT_CLI_RETURN_IF_ERROR(moved);
  CloseVault(*s.vault);
  if (global.json) {
    PrintJson({{"case_id", args.id}, {"status", RefundStatusName(to)}});
  } else {
    fmt::print("{}: {}\n", args.id, RefundStatusName(to));
  }
  return {};
}

CliOr<> RunAttachPayment(const GlobalOptions& global, const RefundArgs& args) {
  CVAULT_CLI_ASSIGN_OR_RETURN(PaymentReference payment, ToPaymentReference(args.payment));
  CVAULT_CLI_ASSIGN_OR_RETURN(Session s, StartSession(global));
  CVAULT_CLI_RETURN_IF_ERROR(s.vault->refunds().AttachPayment(s.ctx, args.id, payment));
  CloseVault(*s.vault);
  if (global.json) {
    PrintJson({{"case_id", args.id}, {"payment", PaymentToJson(payment)}});
  } else {
    fmt::print("attached to {}: {}\n", args.id, FormatPayment(payment));
  }
  return {};
}

CliOr<> RunNotify(const GlobalOptions& global, const RefundArgs& args) {
  CVAULT_CLI_ASSIGN_OR_RETURN(Session s, StartSession(global));
  CVAULT_CLI_RETURN_IF_ERROR(
      s.vault->refunds().Notify(s.ctx, args.id, args.channel, args.template_id));
  CloseVault(*s.vault);
  if (global.json) {
    PrintJson({{"case_id", args.id},
               {"channel", args.channel},
               {"template_id", args.template_id}});
  } else {
    fmt::print("recorded an update to the customer on {}: {} {}\n", args.id, args.channel,
               args.template_id);
  }
  return {};
}

CliOr<> RunShow(const GlobalOptions& global, const RefundArgs& args) {
  CVAULT_CLI_ASSIGN_OR_RETURN(Session s, StartSession(global));
  CVAULT_CLI_ASSIGN_OR_RETURN(RefundCase refund, s.vault->refunds().Get(s.ctx, args.id));
  CloseVault(*s.vault);
  if (global.json) {
    PrintJson(RefundCaseToJson(refund));
  } else {
    fmt::print("{}", FormatRefundCase(refund));
  }
  return {};
}

CliOr<> RunOverdue(const GlobalOptions& global, const RefundArgs& args) {
  CVAULT_CLI_ASSIGN_OR_RETURN(auto at, ParseTimeOption(args.at, "--at"));
  // An explicit instant, so the output says which one it describes.
  Timestamp as_of = at.value_or(SystemClock()->Now());
  CVAULT_CLI_ASSIGN_OR_RETURN(Session s, StartSession(global));
  CVAULT_CLI_ASSIGN_OR_RETURN(std::vector<OverdueCase> cases,
                              s.vault->refunds().Overdue(s.ctx, as_of));
  CloseVault(*s.vault);
  if (global.json) {
    Json list = Json::array();
    for (const OverdueCase& overdue : cases) list.push_back(OverdueCaseToJson(overdue));
    PrintJson({{"as_of", FormatTimestamp(as_of)}, {"cases", list}});
  } else {
    for (const OverdueCase& overdue : cases) {
      fmt::print("{}\n", FormatOverdueLine(overdue));
    }
  }
  return {};
}

void AddCaseId(CLI::App& command, RefundArgs& args) {
  command.add_option("CASE", args.id, "Refund case id (rfd_...)")->required();
}

}  // namespace

void AddRefundCommands(CLI::App& app, const GlobalOptions& global,
                       CommandAction& action) {
  CLI::App* refund =
      app.add_subcommand("refund", "Refund cases under the company's refund policy");
  refund->require_subcommand(1);

  auto open_args = std::make_shared<RefundArgs>();
  CLI::App* open = refund->add_subcommand(
      "open", "Open a refund case for a customer's order; prints the case id");
  open->add_option("CUSTOMER", open_args->id, "Customer id (cus_...)")->required();
  open->add_option("--order", open_args->order_ref, "The shop's order reference")
      ->type_name("REF")
      ->required();
  open->add_option("--product-kind", open_args->product_kind,
                   "software, theme, plugin or email_access")
      ->type_name("KIND")
      ->required();
  open->add_option("--sku", open_args->sku, "The product's SKU")
      ->type_name("SKU")
      ->required();
  open->add_option("--reason", open_args->reason,
                   fmt::format("Why the customer asks: {}. (After the subcommand "
                               "--reason means this; the caller's free-text --reason "
                               "then goes before the subcommand.)",
                               ChoiceList(kRefundReasons, RefundReasonName)))
      ->type_name("CODE")
      ->required();
  open->add_option("--ticket", open_args->ticket_ids,
                   "A support ticket of the same customer (repeat for more)")
      ->type_name("TICKET")
      ->allow_extra_args(false);
  OnSelected(open, global, action, open_args, RunOpen);

  auto link_args = std::make_shared<RefundArgs>();
  CLI::App* link =
      refund->add_subcommand("link-ticket", "Link a support ticket to an open case");
  AddCaseId(*link, *link_args);
  link->add_option("TICKET", link_args->ticket_id, "Ticket id (tkt_...)")->required();
  OnSelected(link, global, action, link_args, RunLinkTicket);

  auto assess_args = std::make_shared<RefundArgs>();
  CLI::App* assess = refund->add_subcommand(
      "assess",
      "Decide eligibility from the linked tickets; prints reasons and evidence");
  AddCaseId(*assess, *assess_args);
  assess
      ->add_option(
          "--at", assess_args->at,
          std::string("As of this instant, not in the future; default now") + kTimeHelp)
      ->type_name("TIME");
  OnSelected(assess, global, action, assess_args, RunAssess);

  auto transition_args = std::make_shared<RefundArgs>();
  CLI::App* transition = refund->add_subcommand(
      "transition", "Move the case along its lifecycle (approval re-assesses it)");
  AddCaseId(*transition, *transition_args);
  transition
      ->add_option("--to", transition_args->to,
                   "The new status: " + ChoiceList(kRefundStatuses, RefundStatusName))
      ->type_name("STATUS")
      ->required();
  transition
      ->add_option("--note", transition_args->note,
                   "Why (stored encrypted); required to approve duplicate_purchase or "
                   "other")
      ->type_name("TEXT");
  OnSelected(transition, global, action, transition_args, RunTransition);

  auto payment_args = std::make_shared<RefundArgs>();
  CLI::App* payment = refund->add_subcommand(
      "attach-payment",
      "Record a refund against the order's charge, or the refund id of a pending one "
      "(processor references, never card numbers)");
  AddCaseId(*payment, *payment_args);
  AddPaymentOptions(*payment, payment_args->payment, /*with_refund_id=*/true);
  OnSelected(payment, global, action, payment_args, RunAttachPayment);

  AddPurchaseCommands(*refund, global, action);

  auto notify_args = std::make_shared<RefundArgs>();
  CLI::App* notify = refund->add_subcommand(
      "notify", "Record an update sent to the customer (restarts the update clock)");
  AddCaseId(*notify, *notify_args);
  notify
      ->add_option("--channel", notify_args->channel,
                   "email, sms, in_app, phone or letter")
      ->type_name("CHANNEL")
      ->required();
  notify->add_option("--template", notify_args->template_id, "The message template used")
      ->type_name("ID")
      ->required();
  OnSelected(notify, global, action, notify_args, RunNotify);

  auto show_args = std::make_shared<RefundArgs>();
  CLI::App* show = refund->add_subcommand(
      "show", "Show a case: history, payments, updates, assessment and due dates");
  AddCaseId(*show, *show_args);
  OnSelected(show, global, action, show_args, RunShow);

  auto overdue_args = std::make_shared<RefundArgs>();
  CLI::App* overdue = refund->add_subcommand(
      "overdue", "List open cases past their processing promise or owing an update");
  overdue
      ->add_option("--at", overdue_args->at,
                   std::string("As of this instant; default now") + kTimeHelp)
      ->type_name("TIME");
  OnSelected(overdue, global, action, overdue_args, RunOverdue);
}

}  // namespace cvault::cli
