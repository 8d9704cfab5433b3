// Customer records: identifiers, fields, field groups and the value types the
// Customers API takes and returns. Plain value types: copyable and movable,
// no shared state.
#ifndef CVAULT_CUSTOMER_H_
#define CVAULT_CUSTOMER_H_

#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cvault/clock.h"
#include "cvault/status.h"
#include "cvault/visibility.h"

namespace cvault {

// An opaque random id: "cus_" followed by 26 lower-case base32 characters.
// Never derived from personal data.
class CVAULT_EXPORT CustomerId {
 public:
  CustomerId() = default;  // empty; not a valid id
  // Checks the shape; the error names the problem, not the value.
  static StatusOr<CustomerId> Parse(std::string_view text);
  // A fresh random id.
  static CustomerId Generate();

  const std::string& str() const { return value_; }
  bool operator==(const CustomerId&) const = default;
  auto operator<=>(const CustomerId&) const = default;

 private:
  explicit CustomerId(std::string value) : value_(std::move(value)) {}
  std::string value_;
};

enum class CustomerField {
  kFullName,
  kEmail,
  kPhone,
  kPostalAddress,
  kCountry,
  kLanguage,
  kExternalRef,
};
inline constexpr CustomerField kAllCustomerFields[] = {
    CustomerField::kFullName, CustomerField::kEmail,
    CustomerField::kPhone,    CustomerField::kPostalAddress,
    CustomerField::kCountry,  CustomerField::kLanguage,
    CustomerField::kExternalRef};

// Field groups carry a legal basis and a retention class (see docs/policy.md).
enum class FieldGroup {
  kIdentity,          // full name, country, language, external reference
  kContact,           // email, phone, postal address
  kMarketingProfile,  // marketing preferences (consent)
  kSupportEvidence,   // support tickets and fix attempts
  kFinancial,         // refund and payment records (legal obligation)
};
inline constexpr FieldGroup kAllFieldGroups[] = {
    FieldGroup::kIdentity, FieldGroup::kContact, FieldGroup::kMarketingProfile,
    FieldGroup::kSupportEvidence, FieldGroup::kFinancial};

// "full_name", "email", "phone", "postal_address", "country", "language",
// "external_ref".
CVAULT_EXPORT std::string_view FieldName(CustomerField field);
CVAULT_EXPORT std::optional<CustomerField> ParseFieldName(std::string_view name);
// "identity", "contact", "marketing_profile", "support_evidence", "financial".
CVAULT_EXPORT std::string_view FieldGroupName(FieldGroup group);
CVAULT_EXPORT std::optional<FieldGroup> ParseFieldGroupName(std::string_view name);
CVAULT_EXPORT FieldGroup GroupOf(CustomerField field);

// A new customer. full_name and email are required; the rest are optional.
struct NewCustomer {
  std::string full_name;
  std::string email;
  std::optional<std::string> phone;           // E.164, e.g. "+442071838750"
  std::optional<std::string> postal_address;  // free text, one or more lines
  std::optional<std::string> country;         // ISO 3166-1 alpha-2, e.g. "DE"
  std::optional<std::string> language;        // BCP 47, e.g. "pt-BR"
  std::optional<std::string> external_ref;    // the caller's account reference
};

// Rectification: only the fields that are set change.
struct CustomerUpdate {
  std::optional<std::string> full_name;
  std::optional<std::string> email;
  std::optional<std::string> phone;
  std::optional<std::string> postal_address;
  std::optional<std::string> country;
  std::optional<std::string> language;
  std::optional<std::string> external_ref;
};

// One record's outcome in Customers::Import. `status` is OK exactly when
// the record was created (and `id` set); otherwise it says why the record
// was refused or not written, naming the field (also in `field`, when one
// field is to blame) and never its value, with the reason code its audit
// entry records ("invalid_input", "email_taken", a policy denial's code).
struct ImportOutcome {
  std::optional<CustomerId> id;
  Status status;
  std::optional<CustomerField> field;
};

// What Customers::Import did: one outcome per record, in input order.
struct ImportReport {
  std::vector<ImportOutcome> outcomes;
  std::size_t created = 0;
  std::size_t rejected = 0;  // refused for what the record holds or asks
  // OK unless a failure that was no record's fault (the store, a key)
  // stopped the import early: every record not written because of it
  // carries this status too, and none of them was written.
  Status stopped;
};

// What a read returns: the fields the policy let through, at the redaction
// level it allows (a masked field holds its masked form), and the names of
// the requested fields that were withheld.
struct CustomerRecord {
  CustomerId id;
  std::map<CustomerField, std::string> fields;
  std::vector<CustomerField> masked;
  std::vector<CustomerField> withheld;
  bool restricted = false;
  Timestamp created_at{};
  Timestamp updated_at{};
};

}  // namespace cvault

#endif  // CVAULT_CUSTOMER_H_
