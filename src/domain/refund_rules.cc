#include "domain/refund_rules.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace cvault::domain {
namespace {

using S = RefundStatus;

constexpr std::array kFromRequested = {S::kUnderReview, S::kWithdrawn};
constexpr std::array kFromUnderReview = {S::kApproved, S::kDenied, S::kWithdrawn};
constexpr std::array kFromApproved = {S::kProcessing};
constexpr std::array kFromProcessing = {S::kCompleted, S::kFailed};

using Micros = std::chrono::microseconds;

// The ticket's state as it was known at `at`.
TicketState StateAt(const TicketFacts& ticket, Timestamp at) {
  if (ticket.resolved_at && *ticket.resolved_at <= at) return ticket.state;
  return TicketState::kOpen;
}

// The time between the ticket's opening and `at` in which support waited on
// the customer: from a needs_customer attempt to the next reply or attempt.
Micros WaitingOnCustomer(const TicketFacts& ticket, Timestamp at) {
  struct Event {
    Timestamp at;
    bool waits;  // a needs_customer attempt
  };
  std::vector<Event> events;
  for (const TicketFacts::Attempt& attempt : ticket.attempts) {
    events.push_back({attempt.at, attempt.outcome == FixOutcome::kNeedsCustomer});
  }
  for (Timestamp reply : ticket.customer_replies) events.push_back({reply, false});
  std::ranges::stable_sort(events, {}, &Event::at);
  Micros waited{0};
  // A plain flag and time rather than an optional: GCC 12 at -O1 warns
  // (maybe-uninitialized) through the optional's comparisons.
  bool waiting = false;
  Timestamp waiting_since{};
  for (const Event& event : events) {
    if (event.at > at) break;
    if (waiting && !event.waits) {
      waited += event.at - waiting_since;
      waiting = false;
    } else if (!waiting && event.waits) {
      waiting = true;
      waiting_since = std::max(event.at, ticket.opened_at);
    }
  }
  if (waiting) waited += at - waiting_since;
  return waited;
}

std::int64_t WholeDays(Micros span) {
  return std::max<std::int64_t>(std::chrono::floor<std::chrono::days>(span).count(), 0);
}

EligibilityEvidence GatherEvidence(std::span<const TicketFacts> linked, Timestamp at,
                                   const RefundPolicyOptions& options) {
  EligibilityEvidence evidence;
  evidence.reasonable_timeframe_days = options.reasonable_timeframe_days;
  std::optional<Micros> best_counted;
  for (const TicketFacts& ticket : linked) {
    if (ticket.opened_at > at) continue;  // not reported yet at `at`
    evidence.ticket_ids.push_back(ticket.ticket_id);
    if (!ticket.substantial) continue;
    evidence.substantial_ticket_ids.push_back(ticket.ticket_id);
    evidence.fix_attempts += static_cast<int>(std::ranges::count_if(
        ticket.attempts, [at](const TicketFacts::Attempt& a) { return a.at <= at; }));
    const TicketState state = StateAt(ticket, at);
    if (state == TicketState::kUnfixable) evidence.support_declared_unfixable = true;
    if (state == TicketState::kFixed) continue;  // that issue's clock stopped
    const Micros waited = WaitingOnCustomer(ticket, at);
    const Micros counted = (at - ticket.opened_at) - waited;
    if (!best_counted || counted > *best_counted) {
      best_counted = counted;
      evidence.clock_ticket_id = ticket.ticket_id;
      evidence.clock_started_at = ticket.opened_at;
      evidence.days_waiting_on_customer = WholeDays(waited);
      evidence.days_counted = WholeDays(counted);
    }
  }
  return evidence;
}

// The purchase record as known at `at`: one recorded later was not known.
void AddPurchaseEvidence(const std::optional<PurchaseFacts>& purchase, Timestamp at,
                         EligibilityEvidence& evidence) {
  if (!purchase || purchase->recorded_at > at) return;
  evidence.purchase_id = purchase->purchase_id;
  evidence.policy_version_shown = purchase->policy_version;
  evidence.requirements_shown = purchase->requirements_shown;
  evidence.withdrawal_right = purchase->withdrawal_right;
  evidence.withdrawal_waiver_given = purchase->waiver_at && *purchase->waiver_at <= at;
}

// A sale with a statutory withdrawal right the customer did not waive may be
// withdrawn from within the period, whatever the reason.
bool WithinUnwaivedWithdrawal(const std::optional<PurchaseFacts>& purchase, Timestamp at,
                              const EligibilityEvidence& evidence,
                              const RefundPolicyOptions& options) {
  return !evidence.purchase_id.empty() && evidence.withdrawal_right &&
         !evidence.withdrawal_waiver_given && at >= purchase->purchased_at &&
         at - purchase->purchased_at <
             std::chrono::days(options.withdrawal_period_days);
}

EligibilityDecision Decide(Eligibility decision, std::vector<std::string> reasons) {
  EligibilityDecision result;
  result.decision = decision;
  result.reasons = std::move(reasons);
  return result;
}

// The rows of the table for functional_defect and post_update_incompatibility
// (and for a compatibility claim whose requirements were communicated).
EligibilityDecision DecideFunctionalIssue(RefundReason reason,
                                          const EligibilityEvidence& evidence) {
  if (evidence.ticket_ids.empty()) {
    if (reason == RefundReason::kPostUpdateIncompatibility) {
      return Decide(Eligibility::kNotYet,
                    {"contact_support_first", "post_update_issues_go_through_support"});
    }
    return Decide(Eligibility::kNotYet, {"contact_support_first"});
  }
  if (evidence.substantial_ticket_ids.empty()) {
    return Decide(Eligibility::kNotEligible, {"issue_not_substantial"});
  }
  if (evidence.support_declared_unfixable) {
    return Decide(Eligibility::kEligible, {"support_declared_unfixable"});
  }
  // Substantial tickets known at the assessed instant, none unfixable: no
  // clock running means every one of them was fixed by then.
  if (evidence.clock_ticket_id.empty()) {
    return Decide(Eligibility::kNotEligible, {"issue_fixed_by_support"});
  }
  if (evidence.days_counted >= evidence.reasonable_timeframe_days) {
    return Decide(Eligibility::kEligible, {"unresolved_after_timeframe"});
  }
  return Decide(Eligibility::kNotYet, {"support_timeframe_not_elapsed"});
}

}  // namespace

std::span<const RefundStatus> AllowedTransitionsFrom(RefundStatus from) {
  switch (from) {
    case S::kRequested:
      return kFromRequested;
    case S::kUnderReview:
      return kFromUnderReview;
    case S::kApproved:
      return kFromApproved;
    case S::kProcessing:
      return kFromProcessing;
    case S::kCompleted:
    case S::kFailed:
    case S::kDenied:
    case S::kWithdrawn:
      return {};
  }
  return {};
}

bool IsAllowedTransition(RefundStatus from, RefundStatus to) {
  return std::ranges::find(AllowedTransitionsFrom(from), to) !=
         AllowedTransitionsFrom(from).end();
}

Status CheckTransition(RefundStatus from, RefundStatus to) {
  if (IsAllowedTransition(from, to)) return Status::Ok();
  std::string message = "refund status: cannot move from ";
  message += RefundStatusName(from);
  message += " to ";
  message += RefundStatusName(to);
  message += " (allowed from ";
  message += RefundStatusName(from);
  message += ": ";
  const std::span<const RefundStatus> allowed = AllowedTransitionsFrom(from);
  if (allowed.empty()) {
    message += "none, it is final";
  }
  for (std::size_t i = 0; i < allowed.size(); ++i) {
    if (i > 0) message += ", ";
    message += RefundStatusName(allowed[i]);
  }
  message += ")";
  return Status::FailedPrecondition(std::move(message));
}

bool IsTerminal(RefundStatus status) { return AllowedTransitionsFrom(status).empty(); }

EligibilityDecision AssessEligibility(RefundReason reason,
                                      std::span<const TicketFacts> linked, Timestamp at,
                                      const RefundPolicyOptions& options,
                                      const std::optional<PurchaseFacts>& purchase) {
  EligibilityEvidence evidence = GatherEvidence(linked, at, options);
  AddPurchaseEvidence(purchase, at, evidence);
  EligibilityDecision result;
  if (WithinUnwaivedWithdrawal(purchase, at, evidence, options)) {
    result = Decide(Eligibility::kEligible, {"withdrawal_right_not_waived"});
    result.evidence = std::move(evidence);
    result.assessed_at = at;
    return result;
  }
  switch (reason) {
    case RefundReason::kChangeOfMind:
      result = Decide(Eligibility::kNotEligible, {"change_of_mind_not_grounds"});
      break;
    case RefundReason::kPreference:
      result = Decide(Eligibility::kNotEligible, {"preference_not_grounds"});
      break;
    case RefundReason::kCompatibilityNotDisclosed:
      // Section 2: a compatibility issue is no ground unless the requirement
      // was communicated at purchase; the purchase record says whether it
      // was. When it was, the claim is that the product fails on a system
      // within the requirements shown: a functional issue that support
      // checks and tries to fix like any other.
      if (evidence.purchase_id.empty()) {
        result = Decide(Eligibility::kNotYet, {"purchase_record_missing"});
      } else if (!evidence.requirements_shown) {
        result = Decide(Eligibility::kNotEligible,
                        {"compatibility_requirements_not_communicated"});
      } else {
        result = DecideFunctionalIssue(reason, evidence);
        result.reasons.insert(result.reasons.begin(),
                              "compatibility_requirements_communicated");
      }
      break;
    case RefundReason::kFunctionalDefect:
    case RefundReason::kPostUpdateIncompatibility:
      result = DecideFunctionalIssue(reason, evidence);
      break;
    case RefundReason::kDuplicatePurchase:
    case RefundReason::kOther:
    default:
      result = Decide(Eligibility::kNotEligible, {"not_a_policy_ground"});
      break;
  }
  result.evidence = std::move(evidence);
  result.assessed_at = at;
  return result;
}

}  // namespace cvault::domain
