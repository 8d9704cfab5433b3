#include "cli/payment_options.h"

#include <optional>

#include "cli/option_values.h"

namespace cvault::cli {
namespace {

std::optional<std::string> GivenId(const std::string& id) {
  if (id.empty()) return std::nullopt;
  return id;
}

void AddIdOption(CLI::App& command, const char* name, std::string& id, const char* help) {
  command.add_option(name, id, help)->type_name("ID");
}

}  // namespace

void AddPaymentOptions(CLI::App& command, PaymentArgs& args, bool with_refund_id) {
  command.add_option("--processor", args.processor, "stripe, paypal or other")
      ->type_name("NAME")
      ->required();
  AddIdOption(command, "--charge", args.charge_id, "Charge id (Stripe ch_... or py_...)");
  AddIdOption(command, "--payment-intent", args.payment_intent_id,
              "Payment intent id (Stripe pi_...)");
  if (with_refund_id) {
    AddIdOption(command, "--refund-id", args.refund_id,
                "Refund id (Stripe re_... or pyr_...; PayPal)");
  }
  AddIdOption(command, "--capture-id", args.capture_id,
              "Capture id (PayPal, required for it)");
  command
      .add_option("--amount", args.amount_minor,
                  "Amount in the currency's minor unit (4900 EUR is 49.00 EUR)")
      ->type_name("MINOR_UNITS")
      ->required();
  command.add_option("--currency", args.currency, "ISO 4217 code, e.g. EUR")
      ->type_name("CODE")
      ->required();
}

CliOr<PaymentReference> ToPaymentReference(const PaymentArgs& args) {
  CVAULT_CLI_ASSIGN_OR_RETURN(
      Processor processor, ParseChoiceOption(args.processor, "--processor",
                                             ParseProcessor, kProcessors, ProcessorName));
  PaymentReference payment;
  payment.processor = processor;
  payment.charge_id = GivenId(args.charge_id);
  payment.payment_intent_id = GivenId(args.payment_intent_id);
  payment.refund_id = GivenId(args.refund_id);
  payment.capture_id = GivenId(args.capture_id);
  payment.amount_minor = args.amount_minor;
  payment.currency = args.currency;
  return payment;
}

}  // namespace cvault::cli
