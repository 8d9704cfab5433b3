// The stable lower_snake names of the refund and support-ticket enums: what
// the API, the CLI and stored rows use. Renaming one breaks stored data.
#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

#include "common/enum_names.h"
#include "cvault/refund.h"

namespace cvault {
using internal::ParseByName;

std::string_view ProductKindName(ProductKind kind) {
  switch (kind) {
    case ProductKind::kSoftware:
      return "software";
    case ProductKind::kTheme:
      return "theme";
    case ProductKind::kPlugin:
      return "plugin";
    case ProductKind::kEmailAccess:
      return "email_access";
  }
  return "software";
}

std::optional<ProductKind> ParseProductKind(std::string_view name) {
  return ParseByName(name, kAllProductKinds, &ProductKindName);
}

std::string_view FixOutcomeName(FixOutcome outcome) {
  switch (outcome) {
    case FixOutcome::kFixed:
      return "fixed";
    case FixOutcome::kNotFixed:
      return "not_fixed";
    case FixOutcome::kWorkaround:
      return "workaround";
    case FixOutcome::kNeedsCustomer:
      return "needs_customer";
  }
  return "not_fixed";
}

std::optional<FixOutcome> ParseFixOutcome(std::string_view name) {
  return ParseByName(name, kAllFixOutcomes, &FixOutcomeName);
}

std::string_view TicketStateName(TicketState state) {
  switch (state) {
    case TicketState::kOpen:
      return "open";
    case TicketState::kFixed:
      return "fixed";
    case TicketState::kUnfixable:
      return "unfixable";
  }
  return "open";
}

std::string_view RefundReasonName(RefundReason reason) {
  switch (reason) {
    case RefundReason::kChangeOfMind:
      return "change_of_mind";
    case RefundReason::kPreference:
      return "preference";
    case RefundReason::kCompatibilityNotDisclosed:
      return "compatibility_not_disclosed";
    case RefundReason::kFunctionalDefect:
      return "functional_defect";
    case RefundReason::kPostUpdateIncompatibility:
      return "post_update_incompatibility";
    case RefundReason::kDuplicatePurchase:
      return "duplicate_purchase";
    case RefundReason::kOther:
      return "other";
  }
  return "other";
}

std::optional<RefundReason> ParseRefundReason(std::string_view name) {
  return ParseByName(name, kAllRefundReasons, &RefundReasonName);
}

std::string_view RefundStatusName(RefundStatus status) {
  switch (status) {
    case RefundStatus::kRequested:
      return "requested";
    case RefundStatus::kUnderReview:
      return "under_review";
    case RefundStatus::kApproved:
      return "approved";
    case RefundStatus::kProcessing:
      return "processing";
    case RefundStatus::kCompleted:
      return "completed";
    case RefundStatus::kFailed:
      return "failed";
    case RefundStatus::kDenied:
      return "denied";
    case RefundStatus::kWithdrawn:
      return "withdrawn";
  }
  return "requested";
}

std::optional<RefundStatus> ParseRefundStatus(std::string_view name) {
  return ParseByName(name, kAllRefundStatuses, &RefundStatusName);
}

std::string_view ProcessorName(Processor processor) {
  switch (processor) {
    case Processor::kStripe:
      return "stripe";
    case Processor::kPaypal:
      return "paypal";
    case Processor::kOther:
      return "other";
  }
  return "other";
}

std::optional<Processor> ParseProcessor(std::string_view name) {
  return ParseByName(name, kAllProcessors, &ProcessorName);
}

std::string_view EligibilityName(Eligibility e) {
  switch (e) {
    case Eligibility::kEligible:
      return "eligible";
    case Eligibility::kNotEligible:
      return "not_eligible";
    case Eligibility::kNotYet:
      return "not_yet";
  }
  return "not_yet";
}

}  // namespace cvault
