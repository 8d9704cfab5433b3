// Output for the support and refund commands: JSON documents (every field,
// times in ISO 8601) and plain readable forms of tickets, refund cases,
// eligibility decisions and overdue cases. Printed because the caller asked
// and the policy allowed it; nothing here logs.
//
// Payment ids are processor references (pi_..., re_...), never card numbers
// (the library screens them), so they are shown as they are.
#ifndef CVAULT_CLI_REFUND_OUTPUT_H_
#define CVAULT_CLI_REFUND_OUTPUT_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "cli/output.h"
#include "cvault/refund.h"

namespace cvault::cli {

// "49.00 EUR" for 4900 EUR, "1999 JPY" for 1999 JPY: the amount in the
// currency's major unit. An unknown currency shows the minor units as given.
std::string FormatMoney(std::int64_t amount_minor, std::string_view currency);

// {"kind", "sku"}
Json ProductToJson(const Product& product);
// "plugin seo-booster"
std::string FormatProduct(const Product& product);

// {"ticket_id", "customer_id", "product", "summary", "substantial",
// "opened_at", "state", "resolved_at", "attempts": [{"at", "outcome", "note"}]}
Json TicketToJson(const Ticket& ticket);
// A heading line, then indented "label: value" lines and the attempts.
std::string FormatTicket(const Ticket& ticket);

// {"decision", "reasons", "evidence": {...}, "assessed_at"}
Json DecisionToJson(const EligibilityDecision& decision);
// "label: value" lines, each prefixed with `indent`.
std::string FormatDecision(const EligibilityDecision& decision,
                           std::string_view indent = "");

// {"processor", "charge_id", "payment_intent_id", "refund_id", "capture_id",
// "amount_minor", "currency", "amount"}; absent ids are null.
Json PaymentToJson(const PaymentReference& payment);
// "stripe 49.00 EUR: payment intent pi_..., refund re_..."
std::string FormatPayment(const PaymentReference& payment);

// Every field of the purchase record; the waiver may be null.
Json PurchaseToJson(const PurchaseRecord& purchase);
// Heading, then the charge, what was shown and the waiver.
std::string FormatPurchase(const PurchaseRecord& purchase);

// Every field of the case; last_assessment and due dates may be null.
Json RefundCaseToJson(const RefundCase& refund);
// Heading, details, due dates, last assessment, history, payments, notices.
std::string FormatRefundCase(const RefundCase& refund);

// {"case_id", "status", "processing_overdue", "update_owed",
// "processing_due_at", "next_update_due_at"}
Json OverdueCaseToJson(const OverdueCase& overdue);
// One line: case id, status, what is late, the due dates.
std::string FormatOverdueLine(const OverdueCase& overdue);

}  // namespace cvault::cli

#endif  // CVAULT_CLI_REFUND_OUTPUT_H_
