// Refund cases and support tickets: the value types the Support and Refunds
// APIs take and return, and the refund-policy settings. Plain value types:
// copyable and movable, no shared state.
//
// The company's policy (docs/refund-process.md): digital products are not
// refundable by default; a refund becomes possible when a substantial
// functional issue could not be fixed by support within a reasonable time,
// or support declared it unfixable. Refunds are processed within a number of
// business days, with regular updates to the customer.
#ifndef CVAULT_REFUND_H_
#define CVAULT_REFUND_H_

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cvault/clock.h"
#include "cvault/customer.h"
#include "cvault/visibility.h"

namespace cvault {

enum class ProductKind { kSoftware, kTheme, kPlugin, kEmailAccess };
struct Product {
  ProductKind kind = ProductKind::kSoftware;
  std::string sku;  // 1-64 of letters, digits, . _ - /
};

// --- Support tickets (the evidence a refund rests on) ---------------------

enum class FixOutcome { kFixed, kNotFixed, kWorkaround, kNeedsCustomer };
enum class TicketState { kOpen, kFixed, kUnfixable };

struct NewTicket {
  CustomerId customer;
  Product product;
  std::string summary;       // free text, encrypted, card-number screened
  bool substantial = false;  // a substantial functional issue
  // When the customer first reported it; now when absent. Never in the
  // future. A time more than Options::refund_policy.ticket_clock_skew in
  // the past is importing ticket history from a help desk: only a purpose
  // the policy grants "support.import_history" may do it (by default the
  // operator under "operations"), and the claimed time is recorded in the
  // audit entry.
  std::optional<Timestamp> opened_at;
};

struct FixAttempt {
  Timestamp at{};
  FixOutcome outcome = FixOutcome::kNotFixed;
  std::string note;  // free text, encrypted, card-number screened
};

struct Ticket {
  std::string ticket_id;  // "tkt_..."
  CustomerId customer;
  Product product;
  std::string summary;
  bool substantial = false;
  Timestamp opened_at{};
  TicketState state = TicketState::kOpen;
  std::optional<Timestamp> resolved_at;
  std::vector<FixAttempt> attempts;
  // When the customer answered support (after a needs_customer attempt):
  // the "reasonable time" clock stops while support waits on the customer
  // and runs again from the answer.
  std::vector<Timestamp> customer_replies;
};

// --- Refund cases -----------------------------------------------------------

enum class RefundReason {
  kChangeOfMind,
  kPreference,
  kCompatibilityNotDisclosed,
  kFunctionalDefect,
  kPostUpdateIncompatibility,
  kDuplicatePurchase,
  kOther,
};

// requested -> under_review -> approved -> processing -> completed | failed;
// under_review -> denied; requested | under_review -> withdrawn.
enum class RefundStatus {
  kRequested,
  kUnderReview,
  kApproved,
  kProcessing,
  kCompleted,
  kFailed,
  kDenied,
  kWithdrawn,
};

enum class Processor { kStripe, kPaypal, kOther };

// A payment processor's references for the charge and its refund. Never a
// card number: every id is format-checked per processor and screened. On a
// refund case each one is one refund of amount_minor against the charge it
// names (several make a partial refund); a purchase record's charge carries
// no refund id.
struct PaymentReference {
  Processor processor = Processor::kStripe;
  std::optional<std::string> charge_id;          // Stripe "ch_..."
  std::optional<std::string> payment_intent_id;  // Stripe "pi_..."
  std::optional<std::string> refund_id;          // Stripe "re_..."; PayPal refund id
  std::optional<std::string> capture_id;         // PayPal capture id
  std::int64_t amount_minor = 0;                 // in the currency's minor unit
  std::string currency;                          // ISO 4217, e.g. "EUR"
};

// --- Purchase records (what the customer was shown when buying) ------------

// The customer's express consent to receive digital content at once,
// acknowledging that the statutory right of withdrawal is lost with it
// (EU Consumer Rights Directive Art. 16(m)).
struct WithdrawalWaiver {
  Timestamp at{};      // when the customer gave it
  std::string method;  // how, e.g. "checkout_checkbox": 1-64 of [A-Za-z0-9._-]
};

// One order as it was sold: the charge, and what the customer was shown and
// acknowledged before paying. Eligibility reads it (docs/refund-process.md)
// and refunds against the order's charge may not exceed what was charged.
struct NewPurchase {
  CustomerId customer;
  std::string order_ref;  // the shop's order reference; one record per order
  Product product;
  // The charge: processor, its ids, amount and currency (as for
  // AttachPayment; a charge carries no refund id).
  PaymentReference charge;
  // The refund policy version the customer was shown: 1-64 of [A-Za-z0-9._-].
  std::string policy_version;
  // The system requirements shown before purchase; empty when none were.
  // Free text, encrypted, card-number screened.
  std::string system_requirements;
  Timestamp purchased_at{};  // not in the future
  // The sale carried a statutory right of withdrawal (a distance sale to an
  // EU or UK consumer): without the waiver the customer may withdraw within
  // RefundPolicyOptions::withdrawal_period_days, for any reason.
  bool withdrawal_right = false;
  std::optional<WithdrawalWaiver> withdrawal_waiver;  // not after now
};

struct PurchaseRecord {
  std::string purchase_id;     // "pur_..."
  CustomerId customer;         // empty once the customer is erased
  std::string retention_hold;  // set once the customer is erased
  std::string order_ref;
  Product product;
  PaymentReference charge;
  std::string policy_version;
  bool requirements_shown = false;
  // The text shown; dropped from the record kept under a retention hold.
  std::string system_requirements;
  Timestamp purchased_at{};
  bool withdrawal_right = false;
  std::optional<WithdrawalWaiver> withdrawal_waiver;
  Timestamp recorded_at{};
  std::string recorded_by;  // principal id
};

struct NewRefundCase {
  CustomerId customer;
  std::string order_ref;  // the shop's order reference
  Product product;
  RefundReason reason = RefundReason::kOther;
  std::vector<std::string> ticket_ids;  // linked support tickets
};

struct StatusChange {
  RefundStatus from = RefundStatus::kRequested;
  RefundStatus to = RefundStatus::kRequested;
  Timestamp at{};
  std::string actor;  // principal id
  std::string note;   // free text, encrypted, card-number screened
};

// An update sent to the customer (the refund policy promises regular updates).
struct CustomerNotice {
  std::string channel;      // email, sms, in_app, phone, letter
  std::string template_id;  // the message template used
  Timestamp at{};
};

enum class Eligibility { kEligible, kNotEligible, kNotYet };

// What an assessment rested on, as known at the assessed instant: tickets
// opened later, attempts made later and resolutions recorded later are not
// part of it.
struct EligibilityEvidence {
  std::vector<std::string> ticket_ids;  // linked tickets considered
  std::vector<std::string> substantial_ticket_ids;
  int fix_attempts = 0;  // across substantial tickets
  bool support_declared_unfixable = false;
  // The substantial ticket the "reasonable time" clock runs on: one still
  // unresolved (or declared unfixable) at the assessed instant; empty when
  // none is.
  std::string clock_ticket_id;
  std::optional<Timestamp> clock_started_at;  // that ticket's opening
  // Whole days the clock stood still while support waited on the customer.
  std::int64_t days_waiting_on_customer = 0;
  // Whole days counted on the clock: from its start to the assessed
  // instant, less the time waiting on the customer.
  std::int64_t days_counted = 0;
  int reasonable_timeframe_days = 0;
  // What the order's purchase record (recorded by the assessed instant)
  // said; purchase_id is empty when there was none.
  std::string purchase_id;
  std::string policy_version_shown;
  bool requirements_shown = false;
  bool withdrawal_right = false;
  bool withdrawal_waiver_given = false;  // given by the assessed instant
};

struct EligibilityDecision {
  Eligibility decision = Eligibility::kNotYet;
  // Machine-readable, e.g. "change_of_mind_not_grounds",
  // "unresolved_after_timeframe", "contact_support_first".
  std::vector<std::string> reasons;
  EligibilityEvidence evidence;
  Timestamp assessed_at{};
  std::string assessed_by;  // principal id
};

struct RefundCase {
  std::string case_id;  // "rfd_..."
  CustomerId customer;  // empty once the customer is erased
  // Set once the customer is erased: the retention hold ("hld_...") the
  // minimised record is kept under until it is purged.
  std::string retention_hold;
  std::string order_ref;
  Product product;
  RefundReason reason = RefundReason::kOther;
  std::vector<std::string> ticket_ids;
  RefundStatus status = RefundStatus::kRequested;
  Timestamp opened_at{};
  std::vector<StatusChange> history;
  // Refunds against the order's charge: together never more than the
  // purchase record's charge, each in its currency. A case is completed only
  // once one of them carries the processor's refund id.
  std::vector<PaymentReference> payments;
  std::vector<CustomerNotice> notices;
  std::optional<EligibilityDecision> last_assessment;
  // Every principal who assessed or approved the case: with separation of
  // duties on, none of them may mark it paid (completed).
  std::vector<std::string> deciders;
  // Set by a decision (approved, denied, completed, failed) until a notice
  // to the customer is logged after it.
  bool decision_notice_owed = false;
  // Service levels, from the business-day calendar.
  std::optional<Timestamp> processing_due_at;  // once approved
  std::optional<Timestamp> next_update_due_at;
};

// Why a case shows up in Refunds::Overdue.
struct OverdueCase {
  std::string case_id;
  RefundStatus status = RefundStatus::kRequested;
  bool processing_overdue = false;  // past the processing promise
  bool update_owed = false;         // the customer is owed an update
  // A decision (approved, denied, completed, failed) was taken and no
  // notice of it has been logged yet; owed at once.
  bool decision_notice_owed = false;
  std::optional<Timestamp> processing_due_at;
  std::optional<Timestamp> next_update_due_at;
};

// Refund-policy settings (Options::refund_policy).
struct RefundPolicyOptions {
  // Days from the first linked substantial ticket after which an unresolved
  // functional issue makes the customer eligible.
  int reasonable_timeframe_days = 14;
  // The processing promise once a refund is approved, in business days.
  int processing_min_business_days = 5;
  int processing_max_business_days = 10;
  // The longest gap between updates to the customer on an open case.
  int max_update_gap_business_days = 3;
  // Calendar days after the purchase in which a customer with a statutory
  // right of withdrawal who did not waive it may withdraw (EU: 14).
  int withdrawal_period_days = 14;
  // How far in the past a ticket's opening time may lie without counting
  // as imported history (clocks of help desks and hosts disagree a little).
  std::chrono::seconds ticket_clock_skew{300};
  // Days that are not business days besides Saturday and Sunday (UTC dates).
  std::vector<std::chrono::year_month_day> holidays;
};

// Every value of each enum, in declaration order (for help texts and
// validation messages).
inline constexpr std::array kAllProductKinds = {ProductKind::kSoftware, ProductKind::kTheme,
                                                ProductKind::kPlugin,
                                                ProductKind::kEmailAccess};
inline constexpr std::array kAllFixOutcomes = {FixOutcome::kFixed, FixOutcome::kNotFixed,
                                               FixOutcome::kWorkaround,
                                               FixOutcome::kNeedsCustomer};
inline constexpr std::array kAllRefundReasons = {
    RefundReason::kChangeOfMind,
    RefundReason::kPreference,
    RefundReason::kCompatibilityNotDisclosed,
    RefundReason::kFunctionalDefect,
    RefundReason::kPostUpdateIncompatibility,
    RefundReason::kDuplicatePurchase,
    RefundReason::kOther};
inline constexpr std::array kAllRefundStatuses = {
    RefundStatus::kRequested,  RefundStatus::kUnderReview, RefundStatus::kApproved,
    RefundStatus::kProcessing, RefundStatus::kCompleted,   RefundStatus::kFailed,
    RefundStatus::kDenied,     RefundStatus::kWithdrawn};
inline constexpr std::array kAllProcessors = {Processor::kStripe, Processor::kPaypal,
                                              Processor::kOther};

// "software", "theme", "plugin", "email_access".
CVAULT_EXPORT std::string_view ProductKindName(ProductKind kind);
CVAULT_EXPORT std::optional<ProductKind> ParseProductKind(std::string_view name);
// "fixed", "not_fixed", "workaround", "needs_customer".
CVAULT_EXPORT std::string_view FixOutcomeName(FixOutcome outcome);
CVAULT_EXPORT std::optional<FixOutcome> ParseFixOutcome(std::string_view name);
// "open", "fixed", "unfixable".
CVAULT_EXPORT std::string_view TicketStateName(TicketState state);
// "change_of_mind", ...
CVAULT_EXPORT std::string_view RefundReasonName(RefundReason reason);
CVAULT_EXPORT std::optional<RefundReason> ParseRefundReason(std::string_view name);
// "requested", "under_review", ...
CVAULT_EXPORT std::string_view RefundStatusName(RefundStatus status);
CVAULT_EXPORT std::optional<RefundStatus> ParseRefundStatus(std::string_view name);
// "stripe", "paypal", "other".
CVAULT_EXPORT std::string_view ProcessorName(Processor processor);
CVAULT_EXPORT std::optional<Processor> ParseProcessor(std::string_view name);
// "eligible", "not_eligible", "not_yet".
CVAULT_EXPORT std::string_view EligibilityName(Eligibility e);

}  // namespace cvault

#endif  // CVAULT_REFUND_H_
