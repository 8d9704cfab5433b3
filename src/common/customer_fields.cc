#include <optional>
#include <string_view>

#include "cvault/customer.h"

namespace cvault {

std::string_view FieldName(CustomerField field) {
  switch (field) {
    case CustomerField::kFullName: return "full_name";
    case CustomerField::kEmail: return "email";
    case CustomerField::kPhone: return "phone";
    case CustomerField::kPostalAddress: return "postal_address";
    case CustomerField::kCountry: return "country";
    case CustomerField::kLanguage: return "language";
    case CustomerField::kExternalRef: return "external_ref";
  }
  return "unknown";
}

std::optional<CustomerField> ParseFieldName(std::string_view name) {
  for (CustomerField field : kAllCustomerFields) {
    if (FieldName(field) == name) return field;
  }
  return std::nullopt;
}

std::string_view FieldGroupName(FieldGroup group) {
  switch (group) {
    case FieldGroup::kIdentity: return "identity";
    case FieldGroup::kContact: return "contact";
    case FieldGroup::kMarketingProfile: return "marketing_profile";
    case FieldGroup::kSupportEvidence: return "support_evidence";
    case FieldGroup::kFinancial: return "financial";
  }
  return "unknown";
}

std::optional<FieldGroup> ParseFieldGroupName(std::string_view name) {
  for (FieldGroup group : kAllFieldGroups) {
    if (FieldGroupName(group) == name) return group;
  }
  return std::nullopt;
}

FieldGroup GroupOf(CustomerField field) {
  switch (field) {
    case CustomerField::kEmail:
    case CustomerField::kPhone:
    case CustomerField::kPostalAddress:
      return FieldGroup::kContact;
    case CustomerField::kFullName:
    case CustomerField::kCountry:
    case CustomerField::kLanguage:
    case CustomerField::kExternalRef:
      return FieldGroup::kIdentity;
  }
  return FieldGroup::kIdentity;
}

}  // namespace cvault
