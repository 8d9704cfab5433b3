// Helpers for the support and refund command tests: the two callers, times
// relative to now, and tickets imported from a help desk.
#ifndef CVAULT_TESTS_CLI_CLI_REFUND_FIXTURE_H_
#define CVAULT_TESTS_CLI_CLI_REFUND_FIXTURE_H_

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "cli_fixture.h"
#include "cvault/clock.h"

namespace cvault::cli::testing {

inline const std::vector<std::string> kRefunds = {"--as", "refund-service:refund-svc",
                                                  "--purpose", "refund_processing"};

// Imports ticket history: a ticket opened further back than the clock skew
// is the operator's duty (support.import_history).
inline const std::vector<std::string> kHelpdeskImport = {"--as", "operator:helpdesk-sync",
                                                         "--purpose", "operations"};

// A test card number (Luhn-valid); errors must never repeat its digits.
inline constexpr char kCardDigits[] = "4111111111111111";

// The Stripe payment intent the test orders are paid with.
inline constexpr char kPaymentIntent[] = "pi_3QtestPaymentIntent0001";

// ISO 8601 for now plus `days` (negative: in the past).
inline std::string DaysFromNow(int days) {
  return FormatTimestamp(SystemClock()->Now() + std::chrono::days(days));
}

class CliRefundTest : public CliTest {
 protected:
  // `support open` as support-agent, or with --opened-at (history from a
  // help desk) as the operator; the id on success.
  std::string OpenTicket(const std::string& customer,
                         std::vector<std::string> extra = {}) {
    const bool import = std::ranges::find(extra, "--opened-at") != extra.end();
    std::vector<std::string> args = {
        "support",        "open",      customer,
        "--product-kind", "plugin",    "--sku",
        "seo-booster",    "--summary", "Plugin crashes the checkout page"};
    args.insert(args.end(), extra.begin(), extra.end());
    CliResult r = Run(import ? kHelpdeskImport : kSupport, args);
    EXPECT_EQ(r.exit_code, 0) << ::testing::PrintToString(r);
    return Trimmed(r.out);
  }

  // A substantial ticket imported as opened 15 days ago, with two failed fix
  // attempts 10 and 5 days ago; `opened_at` receives its opening time.
  std::string ImportUnfixedTicket(const std::string& customer, std::string* opened_at) {
    *opened_at = DaysFromNow(-15);
    std::string ticket =
        OpenTicket(customer, {"--substantial", "--opened-at", *opened_at});
    for (int days_ago : {10, 5}) {
      CliResult r = Run(kSupport, {"support", "attempt", ticket, "--outcome", "not_fixed",
                                   "--at", DaysFromNow(-days_ago)});
      EXPECT_EQ(r.exit_code, 0) << ::testing::PrintToString(r);
    }
    return ticket;
  }

  // `refund open` as refund-service; the case id on success.
  std::string OpenCase(const std::string& customer, const std::string& reason,
                       std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {
        "refund",          "open",           customer, "--order",
        "ORD-2026-004211", "--product-kind", "plugin", "--sku",
        "seo-booster",     "--reason",       reason};
    args.insert(args.end(), extra.begin(), extra.end());
    CliResult r = Run(kRefunds, args);
    EXPECT_EQ(r.exit_code, 0) << ::testing::PrintToString(r);
    return Trimmed(r.out);
  }

  // `refund purchase` as refund-service for `order` (by default the one
  // OpenCase uses), paid 49.00 EUR through kPaymentIntent.
  CliResult RunRecordPurchase(const std::string& customer, std::vector<std::string> extra,
                              const std::string& order = "ORD-2026-004211") {
    std::vector<std::string> args = {
        "refund",         "purchase",      customer,     "--order",
        order,            "--product-kind", "plugin",    "--sku",
        "seo-booster",    "--processor",   "stripe",     "--payment-intent",
        kPaymentIntent,   "--amount",      "4900",       "--currency",
        "EUR",            "--policy-version", "2026-01"};
    args.insert(args.end(), extra.begin(), extra.end());
    return Run(kRefunds, args);
  }

  // RunRecordPurchase expected to succeed; the purchase id.
  std::string RecordPurchase(const std::string& customer,
                             std::vector<std::string> extra = {}) {
    CliResult r = RunRecordPurchase(customer, std::move(extra));
    EXPECT_EQ(r.exit_code, 0) << ::testing::PrintToString(r);
    return Trimmed(r.out);
  }

  // `refund show CASE --json`, parsed.
  nlohmann::json ShowCase(const std::string& case_id) {
    CliResult r = Run(kRefunds, {"refund", "show", case_id, "--json"});
    EXPECT_EQ(r.exit_code, 0) << ::testing::PrintToString(r);
    return ParseJson(r.out);
  }

  CliResult Transition(const std::string& case_id, const std::string& to,
                       std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"refund", "transition", case_id, "--to", to};
    args.insert(args.end(), extra.begin(), extra.end());
    return Run(kRefunds, args);
  }
};

}  // namespace cvault::cli::testing

#endif  // CVAULT_TESTS_CLI_CLI_REFUND_FIXTURE_H_
