#include "cvault/consent.h"

namespace cvault {

std::string_view ConsentEventTypeName(ConsentEventType type) {
  switch (type) {
    case ConsentEventType::kGiven: return "given";
    case ConsentEventType::kWithdrawn: return "withdrawn";
    case ConsentEventType::kRenewed: return "renewed";
    case ConsentEventType::kExpired: return "expired";
  }
  return "given";
}

std::string_view ConsentTypeName(ConsentType type) {
  return type == ConsentType::kImplicit ? "implicit" : "explicit";
}

std::optional<ConsentType> ParseConsentType(std::string_view name) {
  if (name == "explicit") return ConsentType::kExplicit;
  if (name == "implicit") return ConsentType::kImplicit;
  return std::nullopt;
}

std::string_view ConsentStatusName(ConsentStatus status) {
  switch (status) {
    case ConsentStatus::kActive: return "active";
    case ConsentStatus::kNeverGiven: return "never_given";
    case ConsentStatus::kWithdrawn: return "withdrawn";
    case ConsentStatus::kExpired: return "expired";
  }
  return "never_given";
}

}  // namespace cvault
