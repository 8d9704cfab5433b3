// cvault dsr request|verify-identity|extend|close|show|requests: data-subject
// requests tracked to their deadlines (docs/dsr-requests.md). Added under
// `dsr` by AddRightsCommands; export, erase and restrict take --request.
#include <fmt/format.h>

#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/option_values.h"
#include "cli/output.h"
#include "cvault/dsr.h"

namespace cvault::cli {
namespace {

struct DsrRequestArgs {
  std::string id;           // a customer id (request) or a request id
  std::string kind;         // request --kind
  std::string received_at;  // request --received-at
  std::string result;       // verify-identity --result
  std::string reason;       // extend --reason
  std::string status;       // close --status
  std::string refusal;      // close --refusal
  std::string outcome_ref;  // close --ref
  // requests
  bool include_closed = false;
  bool overdue_only = false;
  std::string customer;
  std::string at;
};

Json RequestToJson(const DsrRequest& r) {
  auto or_null = [](const auto& value, auto name_of) -> Json {
    return value ? Json(name_of(*value)) : Json(nullptr);
  };
  auto time_or_null = [](const std::optional<Timestamp>& t) -> Json {
    return t ? Json(FormatTimestamp(*t)) : Json(nullptr);
  };
  return {{"request_id", r.request_id},
          {"customer_id", r.customer.str()},
          {"kind", DsrKindName(r.kind)},
          {"status", DsrStatusName(r.status)},
          {"identity", IdentityCheckName(r.identity)},
          {"received_at", FormatTimestamp(r.received_at)},
          {"due_at", FormatTimestamp(r.due_at)},
          {"overdue", r.overdue},
          {"extension", or_null(r.extension, &DsrExtensionName)},
          {"extended_at", time_or_null(r.extended_at)},
          {"closed_at", time_or_null(r.closed_at)},
          {"refusal", or_null(r.refusal, &DsrRefusalName)},
          {"outcome_ref", r.outcome_ref.empty() ? Json(nullptr) : Json(r.outcome_ref)}};
}

std::string RequestLine(const DsrRequest& r) {
  std::string line = fmt::format("{}  {}  {}  {}  identity {}  received {}  due {}",
                                 r.request_id, r.customer.str(), DsrKindName(r.kind),
                                 DsrStatusName(r.status), IdentityCheckName(r.identity),
                                 FormatTimestamp(r.received_at), FormatTimestamp(r.due_at));
  if (r.overdue) line += "  OVERDUE";
  if (r.extension) line += fmt::format("  extended ({})", DsrExtensionName(*r.extension));
  if (r.refusal) line += fmt::format("  refused ({})", DsrRefusalName(*r.refusal));
  if (!r.outcome_ref.empty()) line += fmt::format("  by {}", r.outcome_ref);
  return line;
}

CliOr<> Print(const GlobalOptions& global, const DsrRequest& r) {
  if (global.json) {
    PrintJson(RequestToJson(r));
  } else {
    fmt::print("{}\n", RequestLine(r));
  }
  return {};
}

CliOr<> RunOpen(const GlobalOptions& global, const DsrRequestArgs& args) {
  CVAULT_CLI_ASSIGN_OR_RETURN(CustomerId id, CustomerId::Parse(args.id));
  CVAULT_CLI_ASSIGN_OR_RETURN(
      DsrKind kind,
      ParseChoiceOption(args.kind, "--kind", &ParseDsrKind, kAllDsrKinds, &DsrKindName));
  CVAULT_CLI_ASSIGN_OR_RETURN(auto received, ParseTimeOption(args.received_at,
                                                             "--received-at"));
  CVAULT_CLI_ASSIGN_OR_RETURN(Session s, StartSession(global));
  CVAULT_CLI_ASSIGN_OR_RETURN(DsrRequest r,
                              s.vault->rights().OpenRequest(s.ctx, {id, kind, received}));
  CloseVault(*s.vault);
  return Print(global, r);
}

CliOr<> RunVerifyIdentity(const GlobalOptions& global, const DsrRequestArgs& args) {
  if (args.result != "verified" && args.result != "failed") {
    return Usage("--result: expected verified or failed");
  }
  CVAULT_CLI_ASSIGN_OR_RETURN(Session s, StartSession(global));
  CVAULT_CLI_ASSIGN_OR_RETURN(
      DsrRequest r,
      s.vault->rights().RecordIdentityCheck(s.ctx, args.id, args.result == "verified"));
  CloseVault(*s.vault);
  return Print(global, r);
}

CliOr<> RunExtend(const GlobalOptions& global, const DsrRequestArgs& args) {
  CVAULT_CLI_ASSIGN_OR_RETURN(
      DsrExtension reason, ParseChoiceOption(args.reason, "--reason", &ParseDsrExtension,
                                             kAllDsrExtensions, &DsrExtensionName));
  CVAULT_CLI_ASSIGN_OR_RETURN(Session s, StartSession(global));
  CVAULT_CLI_ASSIGN_OR_RETURN(DsrRequest r,
                              s.vault->rights().ExtendRequest(s.ctx, args.id, reason));
  CloseVault(*s.vault);
  return Print(global, r);
}

CliOr<> RunClose(const GlobalOptions& global, const DsrRequestArgs& args) {
  DsrClosure closure;
  CVAULT_CLI_ASSIGN_OR_RETURN(
      closure.status, ParseChoiceOption(args.status, "--status", &ParseDsrStatus,
                                        kAllDsrStatuses, &DsrStatusName));
  if (!args.refusal.empty()) {
    CVAULT_CLI_ASSIGN_OR_RETURN(
        closure.refusal, ParseChoiceOption(args.refusal, "--refusal", &ParseDsrRefusal,
                                           kAllDsrRefusals, &DsrRefusalName));
  }
  closure.outcome_ref = args.outcome_ref;
  CVAULT_CLI_ASSIGN_OR_RETURN(Session s, StartSession(global));
  CVAULT_CLI_ASSIGN_OR_RETURN(DsrRequest r,
                              s.vault->rights().CloseRequest(s.ctx, args.id, closure));
  CloseVault(*s.vault);
  return Print(global, r);
}

CliOr<> RunShow(const GlobalOptions& global, const DsrRequestArgs& args) {
  CVAULT_CLI_ASSIGN_OR_RETURN(Session s, StartSession(global));
  CVAULT_CLI_ASSIGN_OR_RETURN(DsrRequest r, s.vault->rights().GetRequest(s.ctx, args.id));
  CloseVault(*s.vault);
  return Print(global, r);
}

CliOr<> RunList(const GlobalOptions& global, const DsrRequestArgs& args) {
  DsrListing listing;
  listing.include_closed = args.include_closed;
  listing.overdue_only = args.overdue_only;
  if (!args.customer.empty()) {
    CVAULT_CLI_ASSIGN_OR_RETURN(listing.customer, CustomerId::Parse(args.customer));
  }
  CVAULT_CLI_ASSIGN_OR_RETURN(auto at, ParseTimeOption(args.at, "--at"));
  // An explicit instant, so the output says which one it describes.
  listing.at = at.value_or(SystemClock()->Now());
  CVAULT_CLI_ASSIGN_OR_RETURN(Session s, StartSession(global));
  CVAULT_CLI_ASSIGN_OR_RETURN(std::vector<DsrRequest> requests,
                              s.vault->rights().ListRequests(s.ctx, listing));
  CloseVault(*s.vault);
  std::size_t overdue = 0;
  for (const DsrRequest& r : requests) overdue += r.overdue ? 1 : 0;
  if (global.json) {
    Json list = Json::array();
    for (const DsrRequest& r : requests) list.push_back(RequestToJson(r));
    PrintJson({{"as_of", FormatTimestamp(*listing.at)},
               {"overdue", overdue},
               {"requests", list}});
    return {};
  }
  for (const DsrRequest& r : requests) fmt::print("{}\n", RequestLine(r));
  fmt::print("{} requests, {} overdue, as of {}\n", requests.size(), overdue,
             FormatTimestamp(*listing.at));
  return {};
}

void AddRequestId(CLI::App& command, DsrRequestArgs& args) {
  command.add_option("REQUEST", args.id, "Data-subject request id (dsr_...)")->required();
}

}  // namespace

void AddRequestOption(CLI::App& command, std::string& request_id) {
  command
      .add_option("--request", request_id,
                  "The data-subject request this fulfils (dsr_..., from `cvault dsr "
                  "request`): closed with it, in the same transaction")
      ->type_name("ID");
}

void AddDsrRequestCommands(CLI::App& dsr, const GlobalOptions& global,
                           CommandAction& action) {
  auto open_args = std::make_shared<DsrRequestArgs>();
  CLI::App* open = dsr.add_subcommand(
      "request",
      "Record a data-subject request received from a customer: due one calendar month "
      "after receipt (GDPR Art. 12(3)); prints the request id");
  open->add_option("CUSTOMER", open_args->id, "Customer id (cus_...)")->required();
  open->add_option("--kind", open_args->kind,
                   "access, portability, erasure, rectification, restriction or objection")
      ->required();
  open->add_option("--received-at", open_args->received_at,
                   std::string("When the request reached you (default: now)") + kTimeHelp)
      ->type_name("TIME");
  OnSelected(open, global, action, open_args, RunOpen);

  auto verify_args = std::make_shared<DsrRequestArgs>();
  CLI::App* verify = dsr.add_subcommand(
      "verify-identity", "Record whether the requester was shown to be the customer");
  AddRequestId(*verify, *verify_args);
  verify->add_option("--result", verify_args->result, "verified or failed")->required();
  OnSelected(verify, global, action, verify_args, RunVerifyIdentity);

  auto extend_args = std::make_shared<DsrRequestArgs>();
  CLI::App* extend = dsr.add_subcommand(
      "extend",
      "Take two more months (once, within the first month; tell the customer why)");
  AddRequestId(*extend, *extend_args);
  extend->add_option("--reason", extend_args->reason, "complexity or number_of_requests")
      ->required();
  OnSelected(extend, global, action, extend_args, RunExtend);

  auto close_args = std::make_shared<DsrRequestArgs>();
  CLI::App* close = dsr.add_subcommand(
      "close",
      "Close a request by hand: refused (with --refusal), withdrawn, or fulfilled "
      "(rectification and objection; export, erase and restrict fulfil the others "
      "with --request)");
  AddRequestId(*close, *close_args);
  close->add_option("--status", close_args->status, "fulfilled, refused or withdrawn")
      ->required();
  close->add_option("--refusal", close_args->refusal,
                    "Why it was refused: identity_not_verified, manifestly_unfounded, "
                    "excessive or legal_exception");
  close->add_option("--ref", close_args->outcome_ref,
                    "What answered it (a reference in your own system; never personal "
                    "data)")
      ->type_name("REF");
  OnSelected(close, global, action, close_args, RunClose);

  auto show_args = std::make_shared<DsrRequestArgs>();
  CLI::App* show = dsr.add_subcommand("show", "Show one data-subject request");
  AddRequestId(*show, *show_args);
  OnSelected(show, global, action, show_args, RunShow);

  auto list_args = std::make_shared<DsrRequestArgs>();
  CLI::App* list = dsr.add_subcommand(
      "requests", "List open data-subject requests, earliest due first, overdue marked");
  list->add_flag("--all", list_args->include_closed, "Closed requests too");
  list->add_flag("--overdue", list_args->overdue_only, "Only those past their due time");
  list->add_option("--customer", list_args->customer, "Only this customer's (cus_...)")
      ->type_name("ID");
  list->add_option("--at", list_args->at, std::string("Overdue as of this time") + kTimeHelp)
      ->type_name("TIME");
  OnSelected(list, global, action, list_args, RunList);
}

}  // namespace cvault::cli
