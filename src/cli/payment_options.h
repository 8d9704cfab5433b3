// The options naming a payment at a processor, shared by the commands that
// record a charge (refund purchase) and a refund against it (refund
// attach-payment): --processor, --charge, --payment-intent, [--refund-id,]
// --capture-id, --amount, --currency.
#ifndef CVAULT_CLI_PAYMENT_OPTIONS_H_
#define CVAULT_CLI_PAYMENT_OPTIONS_H_

#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>

#include "cli/exit_codes.h"
#include "cvault/refund.h"

namespace cvault::cli {

struct PaymentArgs {
  std::string processor;
  std::string charge_id;
  std::string payment_intent_id;
  std::string refund_id;
  std::string capture_id;
  std::int64_t amount_minor = 0;
  std::string currency;
};

// Adds the options to `command`; --refund-id only `with_refund_id`.
void AddPaymentOptions(CLI::App& command, PaymentArgs& args, bool with_refund_id);

// The reference the options give (an id option left empty is not given);
// a usage error for an unknown processor.
CliOr<PaymentReference> ToPaymentReference(const PaymentArgs& args);

}  // namespace cvault::cli

#endif  // CVAULT_CLI_PAYMENT_OPTIONS_H_
