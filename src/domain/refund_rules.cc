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

EligibilityEvidence GatherEvidence(std::span<const TicketFacts> linked, Timestamp at,
                                   const RefundPolicyOptions& options) {
  EligibilityEvidence evidence;
  evidence.reasonable_timeframe_days = options.reasonable_timeframe_days;
  for (const TicketFacts& ticket : linked) {
    evidence.ticket_ids.push_back(ticket.ticket_id);
    if (!ticket.substantial) continue;
    evidence.substantial_ticket_ids.push_back(ticket.ticket_id);
    evidence.fix_attempts += ticket.attempts;
    if (ticket.state == TicketState::kUnfixable) {
      evidence.support_declared_unfixable = true;
    }
    if (!evidence.first_ticket_opened_at ||
        ticket.opened_at < *evidence.first_ticket_opened_at) {
      evidence.first_ticket_opened_at = ticket.opened_at;
    }
  }
  if (evidence.first_ticket_opened_at) {
    const std::int64_t days =
        std::chrono::floor<std::chrono::days>(at - *evidence.first_ticket_opened_at)
            .count();
    evidence.days_since_first_ticket = std::max<std::int64_t>(days, 0);
  }
  return evidence;
}

EligibilityDecision Decide(Eligibility decision, std::vector<std::string> reasons) {
  EligibilityDecision result;
  result.decision = decision;
  result.reasons = std::move(reasons);
  return result;
}

// The rows of the table for functional_defect and post_update_incompatibility.
EligibilityDecision DecideFunctionalIssue(RefundReason reason,
                                          std::span<const TicketFacts> linked,
                                          const EligibilityEvidence& evidence) {
  if (linked.empty()) {
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
  const bool all_fixed = std::ranges::all_of(linked, [](const TicketFacts& ticket) {
    return !ticket.substantial || ticket.state == TicketState::kFixed;
  });
  if (all_fixed) return Decide(Eligibility::kNotEligible, {"issue_fixed_by_support"});
  if (evidence.days_since_first_ticket >= evidence.reasonable_timeframe_days) {
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
                                      const RefundPolicyOptions& options) {
  EligibilityEvidence evidence = GatherEvidence(linked, at, options);
  EligibilityDecision result;
  switch (reason) {
    case RefundReason::kChangeOfMind:
      result = Decide(Eligibility::kNotEligible, {"change_of_mind_not_grounds"});
      break;
    case RefundReason::kPreference:
      result = Decide(Eligibility::kNotEligible, {"preference_not_grounds"});
      break;
    case RefundReason::kCompatibilityNotDisclosed:
      result =
          Decide(Eligibility::kNotEligible, {"undisclosed_compatibility_not_grounds"});
      break;
    case RefundReason::kFunctionalDefect:
    case RefundReason::kPostUpdateIncompatibility:
      result = DecideFunctionalIssue(reason, linked, evidence);
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
