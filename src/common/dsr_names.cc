// The stable lower_snake names of the data-subject request enums: what the
// API, the tool and stored rows use. Renaming one breaks stored data.
#include <optional>
#include <string_view>

#include "common/enum_names.h"
#include "cvault/dsr.h"

namespace cvault {
using internal::ParseByName;

std::string_view DsrKindName(DsrKind kind) {
  switch (kind) {
    case DsrKind::kAccess:
      return "access";
    case DsrKind::kPortability:
      return "portability";
    case DsrKind::kErasure:
      return "erasure";
    case DsrKind::kRectification:
      return "rectification";
    case DsrKind::kRestriction:
      return "restriction";
    case DsrKind::kObjection:
      return "objection";
  }
  return "access";
}

std::optional<DsrKind> ParseDsrKind(std::string_view name) {
  return ParseByName(name, kAllDsrKinds, &DsrKindName);
}

std::string_view DsrStatusName(DsrStatus status) {
  switch (status) {
    case DsrStatus::kOpen:
      return "open";
    case DsrStatus::kFulfilled:
      return "fulfilled";
    case DsrStatus::kRefused:
      return "refused";
    case DsrStatus::kWithdrawn:
      return "withdrawn";
  }
  return "open";
}

std::optional<DsrStatus> ParseDsrStatus(std::string_view name) {
  return ParseByName(name, kAllDsrStatuses, &DsrStatusName);
}

std::string_view IdentityCheckName(IdentityCheck check) {
  switch (check) {
    case IdentityCheck::kPending:
      return "pending";
    case IdentityCheck::kVerified:
      return "verified";
    case IdentityCheck::kFailed:
      return "failed";
  }
  return "pending";
}

std::optional<IdentityCheck> ParseIdentityCheck(std::string_view name) {
  return ParseByName(name, kAllIdentityChecks, &IdentityCheckName);
}

std::string_view DsrExtensionName(DsrExtension reason) {
  switch (reason) {
    case DsrExtension::kComplexity:
      return "complexity";
    case DsrExtension::kNumberOfRequests:
      return "number_of_requests";
  }
  return "complexity";
}

std::optional<DsrExtension> ParseDsrExtension(std::string_view name) {
  return ParseByName(name, kAllDsrExtensions, &DsrExtensionName);
}

std::string_view DsrRefusalName(DsrRefusal reason) {
  switch (reason) {
    case DsrRefusal::kIdentityNotVerified:
      return "identity_not_verified";
    case DsrRefusal::kManifestlyUnfounded:
      return "manifestly_unfounded";
    case DsrRefusal::kExcessive:
      return "excessive";
    case DsrRefusal::kLegalException:
      return "legal_exception";
  }
  return "legal_exception";
}

std::optional<DsrRefusal> ParseDsrRefusal(std::string_view name) {
  return ParseByName(name, kAllDsrRefusals, &DsrRefusalName);
}

}  // namespace cvault
