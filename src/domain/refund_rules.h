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

// What the rules need to know about one linked support ticket.
struct TicketFacts {
  std::string ticket_id;
  bool substantial = false;  // a substantial functional issue
  TicketState state = TicketState::kOpen;
  Timestamp opened_at{};
  std::optional<Timestamp> resolved_at;
  int attempts = 0;  // fix attempts recorded on the ticket
};

// Decides whether a customer is eligible for a refund, at `at`, for `reason`,
// given the support tickets linked to the case. The first matching row wins:
//
//   reason, tickets             | decision     | reasons
//   ----------------------------+--------------+--------------------------------------
//   change_of_mind              | not_eligible | change_of_mind_not_grounds
//   preference                  | not_eligible | preference_not_grounds
//   compatibility_not_disclosed | not_eligible | undisclosed_compatibility_not_grounds
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
// "days" is the number of whole days (floor of elapsed / 24h, 0 when
// negative) from the earliest opened_at among the substantial tickets, fixed
// ones included, to `at`; the timeframe is
// options.reasonable_timeframe_days. The clock runs from the first
// substantial report, as RefundPolicyOptions says: a new substantial ticket
// on the same purchase after a "fix" means the problem was not fixed for
// good, and restarting the clock would let repeated partial fixes delay a
// refund forever.
//
// duplicate_purchase and other are not grounds under the digital-products
// policy, so the automatic rule says not_eligible; staff may still approve a
// refund outside it (a duplicate charge is usually refunded as a billing
// error): the vault accepts that approval only with a justification note.
//
// The evidence is filled for every reason: all linked ticket ids, the
// substantial ones, the fix attempts summed over substantial tickets, whether
// support declared a substantial ticket unfixable, the first substantial
// ticket's time, the whole days since it and the timeframe used.
// assessed_at is `at`.
EligibilityDecision AssessEligibility(RefundReason reason,
                                      std::span<const TicketFacts> linked, Timestamp at,
                                      const RefundPolicyOptions& options);

}  // namespace cvault::domain

#endif  // CVAULT_DOMAIN_REFUND_RULES_H_
