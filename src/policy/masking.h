// Masked forms of customer fields, for purposes the policy lets see a field
// only partly (docs/policy.md lists the rules). Pure functions, thread-safe.
#ifndef CVAULT_POLICY_MASKING_H_
#define CVAULT_POLICY_MASKING_H_

#include <string>
#include <string_view>

#include "cvault/customer.h"

namespace cvault::policy {

// email "jane.doe@example.com" -> "j***@example.com";
// phone "+442071838750" -> "+44*******750" (country prefix, last 3 digits);
// full_name "Ada Lovelace" -> "A. L.";
// postal_address -> "***"; external_ref keeps its last 4 characters;
// country and language are not identifying on their own and stay as they are.
std::string MaskField(CustomerField field, std::string_view value);

}  // namespace cvault::policy

#endif  // CVAULT_POLICY_MASKING_H_
