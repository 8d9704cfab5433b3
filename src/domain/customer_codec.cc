#include "domain/customer_codec.h"

#include <algorithm>
#include <string_view>

#include "domain/validation.h"

namespace cvault::domain {
namespace {

constexpr std::string_view kTable = "customers";
constexpr std::size_t kMaxName = 200;
constexpr std::size_t kMaxAddress = 500;
constexpr std::size_t kMaxExternalRef = 128;

std::size_t Index(CustomerField field) { return static_cast<std::size_t>(field); }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Checks one field and returns its stored (normalised) form.
StatusOr<SecretBytes> CheckField(CustomerField field, std::string_view value) {
  std::string_view name = FieldName(field);
  switch (field) {
    case CustomerField::kFullName:
      CVAULT_RETURN_IF_ERROR(ValidateText(name, value, kMaxName, false));
      return SecretBytes::TransientCopy(Trim(value));
    case CustomerField::kEmail: {
      CVAULT_RETURN_IF_ERROR(ValidateText(name, value, 254, false));
      CVAULT_RETURN_IF_ERROR(ValidateEmail(name, value));
      return SecretBytes::TransientCopy(Trim(value));
    }
    case CustomerField::kPhone: {
      // A phone number is structured (E.164), not free text, and is not
      // screened for card numbers: 13-15 digit numbers pass Luhn one time in
      // ten, and refusing real phone numbers would be wrong.
      CVAULT_RETURN_IF_ERROR(ValidatePhone(name, value));
      return SecretBytes::TransientCopy(NormalizePhone(value));
    }
    case CustomerField::kPostalAddress:
      CVAULT_RETURN_IF_ERROR(ValidateText(name, value, kMaxAddress, true));
      return SecretBytes::TransientCopy(Trim(value));
    case CustomerField::kCountry:
      CVAULT_RETURN_IF_ERROR(ValidateCountry(name, value));
      return SecretBytes::TransientCopy(value);
    case CustomerField::kLanguage:
      CVAULT_RETURN_IF_ERROR(ValidateLanguageTag(name, value));
      return SecretBytes::TransientCopy(value);
    case CustomerField::kExternalRef:
      CVAULT_RETURN_IF_ERROR(ValidateText(name, value, kMaxExternalRef, false));
      return SecretBytes::TransientCopy(Trim(value));
  }
  return Error(Status::Internal("unknown customer field"));
}

using Setter = std::pair<CustomerField, const std::optional<std::string>*>;

StatusOr<FieldValues> CheckAll(std::initializer_list<Setter> setters,
                               std::optional<CustomerField>* bad_field) {
  FieldValues values;
  for (const auto& [field, value] : setters) {
    if (!value->has_value()) continue;
    auto checked = CheckField(field, **value);
    if (!checked) {
      if (bad_field != nullptr) *bad_field = field;
      return Error(checked.error());
    }
    values[Index(field)] = std::move(*checked);
  }
  return values;
}

}  // namespace

StatusOr<FieldValues> ValidateNewCustomer(const NewCustomer& c,
                                          std::optional<CustomerField>* bad_field) {
  std::optional<std::string> name = c.full_name;
  std::optional<std::string> email = c.email;
  if (Trim(c.full_name).empty()) {
    if (bad_field != nullptr) *bad_field = CustomerField::kFullName;
    return Error(Status::InvalidArgument("full_name: required and must not be empty"));
  }
  if (Trim(c.email).empty()) {
    if (bad_field != nullptr) *bad_field = CustomerField::kEmail;
    return Error(Status::InvalidArgument("email: required and must not be empty"));
  }
  return CheckAll({{CustomerField::kFullName, &name},
                   {CustomerField::kEmail, &email},
                   {CustomerField::kPhone, &c.phone},
                   {CustomerField::kPostalAddress, &c.postal_address},
                   {CustomerField::kCountry, &c.country},
                   {CustomerField::kLanguage, &c.language},
                   {CustomerField::kExternalRef, &c.external_ref}},
                  bad_field);
}

StatusOr<FieldValues> ValidateCustomerUpdate(const CustomerUpdate& u,
                                             std::optional<CustomerField>* bad_field) {
  return CheckAll({{CustomerField::kFullName, &u.full_name},
                   {CustomerField::kEmail, &u.email},
                   {CustomerField::kPhone, &u.phone},
                   {CustomerField::kPostalAddress, &u.postal_address},
                   {CustomerField::kCountry, &u.country},
                   {CustomerField::kLanguage, &u.language},
                   {CustomerField::kExternalRef, &u.external_ref}},
                  bad_field);
}

StatusOr<std::string> LookupKeyForEmail(std::string_view email) {
  CVAULT_RETURN_IF_ERROR(ValidateEmail("email", email));
  return NormalizeEmail(email);
}

StatusOr<std::string> LookupKeyForPhone(std::string_view phone) {
  CVAULT_RETURN_IF_ERROR(ValidatePhone("phone", phone));
  return NormalizePhone(phone);
}

Status SealFields(const crypto::FieldCipher& cipher,
                  const crypto::BlindIndexer& indexer, const FieldValues& values,
                  store::CustomerRow& row, const crypto::BlindIndexer* next_indexer) {
  std::vector<std::span<const std::uint8_t>> plaintexts;
  std::vector<crypto::FieldBinding> bindings;
  std::vector<std::size_t> slots;
  for (CustomerField field : kAllCustomerFields) {
    const auto& value = values[Index(field)];
    if (!value) continue;
    plaintexts.push_back(value->Reveal());
    bindings.push_back({kTable, FieldName(field), row.id, row.id});
    slots.push_back(Index(field));
  }
  if (plaintexts.empty()) return Status::Ok();
  CVAULT_ASSIGN_OR_RETURN(auto sealed, cipher.EncryptMany(plaintexts, bindings));
  for (std::size_t i = 0; i < slots.size(); ++i) {
    row.fields[slots[i]] = std::move(sealed[i]);
  }
  if (const auto& email = values[Index(CustomerField::kEmail)]) {
    const std::string normal = NormalizeEmail(email->RevealAsText());
    row.email_index = indexer.Compute(crypto::IndexedField::kEmail, normal);
    if (next_indexer) {
      row.email_index_next = next_indexer->Compute(crypto::IndexedField::kEmail, normal);
    }
  }
  if (const auto& phone = values[Index(CustomerField::kPhone)]) {
    row.phone_index = indexer.Compute(crypto::IndexedField::kPhone, phone->RevealAsText());
    if (next_indexer) {
      row.phone_index_next =
          next_indexer->Compute(crypto::IndexedField::kPhone, phone->RevealAsText());
    }
  }
  return Status::Ok();
}

StatusOr<IndexPair> ComputeIndexes(const crypto::FieldCipher& cipher,
                                   const crypto::BlindIndexer& indexer,
                                   const store::CustomerRow& row) {
  IndexPair out;
  CVAULT_ASSIGN_OR_RETURN(auto email, OpenField(cipher, row, CustomerField::kEmail));
  if (email) {
    out.email = indexer.Compute(crypto::IndexedField::kEmail,
                                NormalizeEmail(email->RevealAsText()));
  }
  CVAULT_ASSIGN_OR_RETURN(auto phone, OpenField(cipher, row, CustomerField::kPhone));
  if (phone) out.phone = indexer.Compute(crypto::IndexedField::kPhone, phone->RevealAsText());
  return out;
}

StatusOr<std::optional<SecretBytes>> OpenField(const crypto::FieldCipher& cipher,
                                               const store::CustomerRow& row,
                                               CustomerField field) {
  const auto& envelope = row.fields[Index(field)];
  if (!envelope) return std::optional<SecretBytes>();
  auto plain = cipher.Decrypt(*envelope, {kTable, FieldName(field), row.id, row.id});
  if (!plain) {
    return Error(plain.error().WithContext(
        std::string("customer field ") + std::string(FieldName(field))));
  }
  return std::optional<SecretBytes>(std::move(*plain));
}

std::vector<CustomerField> ExpandRequestedFields(std::span<const CustomerField> requested) {
  if (!requested.empty()) {
    std::vector<CustomerField> out;
    for (CustomerField f : requested) {
      if (std::find(out.begin(), out.end(), f) == out.end()) out.push_back(f);
    }
    return out;
  }
  return {std::begin(kAllCustomerFields), std::end(kAllCustomerFields)};
}

}  // namespace cvault::domain
