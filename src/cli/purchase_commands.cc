// cvault refund purchase|show-purchase: the record of what a customer was
// shown and acknowledged when buying an order, and its charge
// (docs/refund-process.md). In the default policy refund-service records
// them (action refund.record_purchase) under refund_processing.
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

struct PurchaseArgs {
  std::string id;  // the customer (purchase) or the purchase (show-purchase)
  std::string order_ref;
  std::string product_kind;
  std::string sku;
  PaymentArgs charge;
  std::string policy_version;
  std::string system_requirements;
  std::string purchased_at;
  bool withdrawal_right = false;
  std::string waiver_at;
  std::string waiver_method;
};

CliOr<> RunRecordPurchase(const GlobalOptions& global, const PurchaseArgs& args) {
  CVAULT_CLI_ASSIGN_OR_RETURN(
      ProductKind kind,
      ParseChoiceOption(args.product_kind, "--product-kind", ParseProductKind,
                        kProductKinds, ProductKindName));
  CVAULT_CLI_ASSIGN_OR_RETURN(PaymentReference charge, ToPaymentReference(args.charge));
  CVAULT_CLI_ASSIGN_OR_RETURN(auto purchased_at,
                              ParseTimeOption(args.purchased_at, "--purchased-at"));
  CVAULT_CLI_ASSIGN_OR_RETURN(auto waiver_at, ParseTimeOption(args.waiver_at, "--waiver-at"));
  if (waiver_at.has_value() != !args.waiver_method.empty()) {
    return Usage("--waiver-at and --waiver-method go together: when and how the customer "
                 "waived the right of withdrawal");
  }
  CVAULT_CLI_ASSIGN_OR_RETURN(CustomerId customer, CustomerId::Parse(args.id));
  NewPurchase purchase;
  purchase.customer = customer;
  purchase.order_ref = args.order_ref;
  purchase.product = Product{kind, args.sku};
  purchase.charge = charge;
  purchase.policy_version = args.policy_version;
  purchase.system_requirements = args.system_requirements;
  purchase.purchased_at = purchased_at.value_or(SystemClock()->Now());
  purchase.withdrawal_right = args.withdrawal_right;
  if (waiver_at) purchase.withdrawal_waiver = WithdrawalWaiver{*waiver_at, args.waiver_method};
  CVAULT_CLI_ASSIGN_OR_RETURN(Session s, StartSession(global));
  CVAULT_CLI_ASSIGN_OR_RETURN(std::string purchase_id,
                              s.vault->refunds().RecordPurchase(s.ctx, purchase));
  CVAULT_CLI_RETURN_IF_ERROR(s.vault->Close());
  if (global.json) {
    PrintJson({{"purchase_id", purchase_id}});
  } else {
    fmt::print("{}\n", purchase_id);
  }
  return {};
}

CliOr<> RunShowPurchase(const GlobalOptions& global, const PurchaseArgs& args) {
  CVAULT_CLI_ASSIGN_OR_RETURN(Session s, StartSession(global));
  CVAULT_CLI_ASSIGN_OR_RETURN(PurchaseRecord purchase,
                              s.vault->refunds().GetPurchase(s.ctx, args.id));
  CVAULT_CLI_RETURN_IF_ERROR(s.vault->Close());
  if (global.json) {
    PrintJson(PurchaseToJson(purchase));
  } else {
    fmt::print("{}", FormatPurchase(purchase));
  }
  return {};
}

}  // namespace

void AddPurchaseCommands(CLI::App& refund, const GlobalOptions& global,
                         CommandAction& action) {
  auto args = std::make_shared<PurchaseArgs>();
  CLI::App* purchase = refund.add_subcommand(
      "purchase",
      "Record an order as sold: its charge, the refund policy version and system "
      "requirements shown, and the withdrawal waiver; prints the purchase id");
  purchase->add_option("CUSTOMER", args->id, "Customer id (cus_...)")->required();
  purchase->add_option("--order", args->order_ref, "The shop's order reference")
      ->type_name("REF")
      ->required();
  purchase
      ->add_option("--product-kind", args->product_kind,
                   "software, theme, plugin or email_access")
      ->type_name("KIND")
      ->required();
  purchase->add_option("--sku", args->sku, "The product's SKU")
      ->type_name("SKU")
      ->required();
  AddPaymentOptions(*purchase, args->charge, /*with_refund_id=*/false);
  purchase
      ->add_option("--policy-version", args->policy_version,
                   "The refund policy version the customer was shown")
      ->type_name("VERSION")
      ->required();
  purchase
      ->add_option("--requirements", args->system_requirements,
                   "The system requirements shown before purchase (stored encrypted); "
                   "leave out when none were shown")
      ->type_name("TEXT");
  purchase
      ->add_option("--purchased-at", args->purchased_at,
                   std::string("When the order was paid; default now") + kTimeHelp)
      ->type_name("TIME");
  purchase->add_flag("--withdrawal-right", args->withdrawal_right,
                     "The sale carried a statutory right of withdrawal (EU/UK consumer)");
  purchase
      ->add_option("--waiver-at", args->waiver_at,
                   std::string("When the customer waived the right of withdrawal") +
                       kTimeHelp)
      ->type_name("TIME");
  purchase
      ->add_option("--waiver-method", args->waiver_method,
                   "How the customer waived it, e.g. checkout_checkbox")
      ->type_name("METHOD");
  OnSelected(purchase, global, action, args, RunRecordPurchase);

  auto show_args = std::make_shared<PurchaseArgs>();
  CLI::App* show = refund.add_subcommand(
      "show-purchase", "Show a purchase record: charge, what was shown, the waiver");
  show->add_option("PURCHASE", show_args->id, "Purchase id (pur_...)")->required();
  OnSelected(show, global, action, show_args, RunShowPurchase);
}

}  // namespace cvault::cli
