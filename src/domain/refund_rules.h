// The refund policy as pure rules: which status changes a refund case may
// make, and whether the customer is eligible for a refund on the evidence of
// the linked support tickets (docs/refund-process.md).
//
// Pure functions over their arguments: no I/O, no clock; safe to call from
// any thread.
#ifndef CVAULT_DOMAIN_REFUND_RULES_H_
#define CVAULT_DOMAIN_REFUND_RULES_H_

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "cvault/clock.h"
#include "cvault/refund.h"
#include "cvault/status.h"

namespace cvault::domain {

// --- Status transitions -----------------------------------------------------
//
//   from          | allowed to
//   --------------+-------------------------------------
//   requested     | under_review, withdrawn
//   under_review  | approved, denied, withdrawn
//   approved      | processing
//   processing    | completed, failed
//   completed, failed, denied, withdrawn | nothing (terminal)
//
// Staying in the same status is not a transition and is refused.

// The statuses `from` may move to, in the order of the table.
std::span<const RefundStatus> AllowedTransitionsFrom(RefundStatus from);

bool IsAllowedTransition(RefundStatus from, RefundStatus to);

// OK when IsAllowedTransition(from, to); otherwise FailedPrecondition
// "refund status: cannot move from X to Y (allowed from X: a, b)".
[[nodiscard]] Status CheckTransition(RefundStatus from, RefundStatus to);

// True for completed, failed, denied and withdrawn: nothing leaves them.
bool IsTerminal(RefundStatus status);

// --- Eligibility ------------------------------------------------------------

// What the rules need to know about one linked support ticket of the case's
// product (tickets about other products are not evidence for it).
struct TicketFacts {
  struct Attempt {
    Timestamp at{};
    FixOutcome outcome = FixOutcome::kNotFixed;
  };
  std::string ticket_id;
  bool substantial = false;  // a substantial functional issue
  TicketState state = TicketState::kOpen;  // as recorded now
  Timestamp opened_at{};
  std::optional<Timestamp> resolved_at;  // when `state` was recorded
  std::vector<Attempt> attempts;
  std::vector<Timestamp> customer_replies;
};

// What the rules need to know about the purchase record of the case's order.
struct PurchaseFacts {
  std::string purchase_id;
  Timestamp recorded_at{};  // when the vault learnt it
  Timestamp purchased_at{};
  std::string policy_version;
  bool requirements_shown = false;
  bool withdrawal_right = false;
  std::optional<Timestamp> waiver_at;  // when the customer waived it
};

// Decides whether a customer is eligible for a refund, at `at`, for `reason`,
// given the support tickets linked to the case and the purchase record of
// its order (if any), using only what was known at `at`: a ticket opened
// after `at` is left out, one resolved after `at` counts as still open,
// attempts after `at` are not counted, a purchase record recorded after `at`
// counts as missing and a waiver given after `at` as not given. The first
// matching row wins:
//
//   reason, evidence            | decision     | reasons
//   ----------------------------+--------------+--------------------------------------
//   any reason, a purchase with a withdrawal right, no waiver by `at`, and
//     `at` within withdrawal_period_days of purchased_at
//                               | eligible     | withdrawal_right_not_waived
//   change_of_mind              | not_eligible | change_of_mind_not_grounds
//   preference                  | not_eligible | preference_not_grounds
//   compatibility_not_disclosed:
//     no purchase record        | not_yet      | purchase_record_missing
//     requirements not shown    | not_eligible | compatibility_requirements_not_communicated
//     requirements shown        | as the functional_defect rows below, after
//                               |              | compatibility_requirements_communicated
//   duplicate_purchase, other   | not_eligible | not_a_policy_ground
//   functional_defect, post_update_incompatibility:
//     no linked ticket          | not_yet      | contact_support_first, and for
//                               |              | post_update_incompatibility also
//                               |              | post_update_issues_go_through_support
//     none substantial          | not_eligible | issue_not_substantial
//     a substantial unfixable   | eligible     | support_declared_unfixable
//     all substantial fixed     | not_eligible | issue_fixed_by_support
//     a substantial still open, |              |
//       days >= timeframe       | eligible     | unresolved_after_timeframe
//       days < timeframe        | not_yet      | support_timeframe_not_elapsed
//
// The "reasonable time" clock belongs to the issue that is still open: it
// runs on each substantial ticket unresolved at `at`, from its opening, and
// the ticket with the most time counted decides. A substantial ticket fixed
// before `at` starts no clock: the issue it reported was fixed, and a new
// report is a new issue with a clock of its own. Time in which support waits
// on the customer does not count: a needs_customer attempt stops the
// ticket's clock until the customer's next reply or support's next attempt
// (whichever comes first). "days" is the whole days counted (floor of the
// counted time / 24h, 0 when negative); the timeframe is
// options.reasonable_timeframe_days.
//
// duplicate_purchase and other are not grounds under the digital-products
// policy, so the automatic rule says not_eligible; staff may still approve a
// refund outside it (a duplicate charge is usually refunded as a billing
// error): the vault accepts that approval only with a justification note.
//
// The evidence is filled for every reason from the tickets known at `at`:
// their ids, the substantial ones, the fix attempts made on substantial
// tickets by `at`, whether support had declared a substantial ticket
// unfixable by `at`, the clock's ticket, start, days waiting on the customer
// and days counted, and the timeframe used; and what the purchase record
// known at `at` said (its id, the policy version and whether requirements
// were shown, whether the sale carried a withdrawal right and whether it was
// waived by `at`). assessed_at is `at`; assessed_by is left empty for the
// caller.
EligibilityDecision AssessEligibility(RefundReason reason,
                                      std::span<const TicketFacts> linked, Timestamp at,
                                      const RefundPolicyOptions& options,
                                      const std::optional<PurchaseFacts>& purchase =
                                          std::nullopt);

}  // namespace cvault::domain

#endif  // CVAULT_DOMAIN_REFUND_RULES_H_
