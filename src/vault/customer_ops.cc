// The Customers operations of VaultCore: decide, act, audit.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "domain/customer_codec.h"
#include "policy/masking.h"
#include "vault/vault_core.h"

namespace cvault::internal {
namespace {

namespace action = policy::action;
constexpr auto kPlainError = AuditedCall::ReasonOnError::kOmit;

std::vector<std::string> Names(std::span<const CustomerField> fields) {
  std::vector<std::string> out;
  out.reserve(fields.size());
  for (CustomerField f : fields) out.emplace_back(FieldName(f));
  return out;
}

// The fields a create or update writes.
std::vector<CustomerField> SetFields(const domain::FieldValues& values) {
  std::vector<CustomerField> out;
  for (CustomerField f : kAllCustomerFields) {
    if (values[static_cast<std::size_t>(f)]) out.push_back(f);
  }
  return out;
}

std::vector<CustomerField> FieldsNamedIn(const NewCustomer& c) {
  std::vector<CustomerField> out = {CustomerField::kFullName, CustomerField::kEmail};
  if (c.phone) out.push_back(CustomerField::kPhone);
  if (c.postal_address) out.push_back(CustomerField::kPostalAddress);
  if (c.country) out.push_back(CustomerField::kCountry);
  if (c.language) out.push_back(CustomerField::kLanguage);
  if (c.external_ref) out.push_back(CustomerField::kExternalRef);
  return out;
}

std::vector<CustomerField> FieldsNamedIn(const CustomerUpdate& u) {
  std::vector<CustomerField> out;
  if (u.full_name) out.push_back(CustomerField::kFullName);
  if (u.email) out.push_back(CustomerField::kEmail);
  if (u.phone) out.push_back(CustomerField::kPhone);
  if (u.postal_address) out.push_back(CustomerField::kPostalAddress);
  if (u.country) out.push_back(CustomerField::kCountry);
  if (u.language) out.push_back(CustomerField::kLanguage);
  if (u.external_ref) out.push_back(CustomerField::kExternalRef);
  return out;
}

Timestamp FromMicros(std::int64_t us) { return Timestamp(std::chrono::microseconds(us)); }

}  // namespace

CheckedNewCustomer VaultCore::CheckNewCustomer(const AccessContext& ctx,
                                               const NewCustomer& customer) {
  CheckedNewCustomer out;
  std::vector<CustomerField> named = FieldsNamedIn(customer);
  out.entry_fields = Names(named);
  policy::Decision decision = decider_.Decide(
      ctx, {action::kCustomerCreate, policy::FieldUse::kWrite, named, policy::SubjectFacts{}});
  if (!decision.allowed()) {
    out.refused = true;
    out.reason = decision.reason_code;
    out.status = Status::PermissionDenied(decision.reason_code, decision.message);
    return out;
  }
  auto values = domain::ValidateNewCustomer(customer, &out.bad_field);
  if (!values) {
    out.refused = true;
    out.reason = "invalid_input";
    out.status = values.error();
    out.entry_fields = out.bad_field ? Names(std::span(&*out.bad_field, 1))
                                     : std::vector<std::string>{};
    return out;
  }
  out.values = std::move(*values);
  out.written_fields = Names(SetFields(out.values));
  return out;
}

StatusOr<CustomerId> VaultCore::CreateCustomer(const AccessContext& in,
                                               const NewCustomer& customer) {
  std::lock_guard lock(mu_);
  CVAULT_ASSIGN_OR_RETURN(
      AuditedCall call,
      StartCall(in, action::kCustomerCreate,
                {std::string(action::kCustomerCreate), "", Names(FieldsNamedIn(customer)),
                 {}, "allow", "ok"}));
  // These errors never carried a reason code; the entries do.
  auto fail = [&](std::string reason, Status status) {
    return Error(std::move(call).Fail(std::move(reason), std::move(status), kPlainError));
  };
  CheckedNewCustomer checked = CheckNewCustomer(call.ctx(), customer);
  if (checked.refused) {
    call.event().fields_requested = std::move(checked.entry_fields);
    return fail(std::move(checked.reason), std::move(checked.status));
  }
  const domain::FieldValues& values = checked.values;

  // Refuse a taken email before minting a data key for nothing.
  store::CustomerRow row;
  row.id = CustomerId::Generate().str();
  CVAULT_ASSIGN_OR_RETURN(auto email_key, domain::LookupKeyForEmail(customer.email));
  {
    CVAULT_ASSIGN_OR_RETURN(auto read, backend_->vault_store().Begin(/*write=*/false));
    CVAULT_ASSIGN_OR_RETURN(auto taken, read->FindByEmailIndex(indexer_->Compute(
                                            crypto::IndexedField::kEmail, email_key)));
    if (!taken.empty()) {
      read.reset();
      return fail(
          "email_taken",
          Status::AlreadyExists("email: another customer already uses this address"));
    }
  }

  CVAULT_ASSIGN_OR_RETURN(SubjectKeysPtr keys, NewSubjectKeys(row.id));
  row.created_at_us = row.updated_at_us = NowMicros();
  call.event().subject = keys->pseudonym;
  call.event().fields_returned = std::move(checked.written_fields);
  // Sealed inside the write transaction: its blind indexes use the index
  // keys current there, even if another process just rotated them.
  CVAULT_ASSIGN_OR_RETURN(auto* tx, call.Transaction());
  CVAULT_RETURN_IF_ERROR(domain::SealFields(keys->cipher, *indexer_, values, row,
                                            next_indexer_ ? &*next_indexer_ : nullptr));
  Status inserted = tx->InsertCustomer(row);
  if (!inserted.ok()) {
    // Rolled back; the next purge removes the orphaned key.
    return fail(
        inserted.code() == StatusCode::kAlreadyExists ? "email_taken" : "store_error",
        inserted);
  }
  CVAULT_RETURN_IF_ERROR(std::move(call).Commit());
  return CustomerId::Parse(row.id);
}

StatusOr<CustomerRecord> VaultCore::GetCustomer(const AccessContext& in,
                                                const CustomerId& id,
                                                std::span<const CustomerField> fields) {
  std::vector<CustomerField> requested = domain::ExpandRequestedFields(fields);
  return ReadInParallel([&](bool* retry_exclusive) -> StatusOr<CustomerRecord> {
    CVAULT_ASSIGN_OR_RETURN(
        AuditedCall call,
        StartCall(
            in, action::kCustomerRead,
            {std::string(action::kCustomerRead), "", Names(requested), {}, "allow", "ok"},
            retry_exclusive));
    CVAULT_ASSIGN_OR_RETURN(Subject subject, LoadSubject(call, id.str()));
    call.EndRead();
    // Decided before existence is revealed: a denied caller learns nothing.
    policy::Decision decision = decider_.Decide(
        call.ctx(),
        {action::kCustomerRead, policy::FieldUse::kRead, requested, subject.facts});
    if (!decision.allowed()) return Error(std::move(call).Deny(decision));
    if (!subject.row) {
      return Error(std::move(call).Fail(
          "not_found", Status::NotFound("no customer with that id"), kPlainError));
    }
    CVAULT_ASSIGN_OR_RETURN(CustomerRecord record,
                            OpenRecord(call, id, subject, decision));
    call.event().decision = std::string(decision.OutcomeName());
    call.event().reason_code = decision.reason_code;
    CVAULT_RETURN_IF_ERROR(std::move(call).Commit());
    return record;
  });
}

StatusOr<CustomerRecord> VaultCore::OpenRecord(AuditedCall& call, const CustomerId& id,
                                               const Subject& subject,
                                               const policy::Decision& decision) {
  const store::CustomerRow& row = *subject.row;
  CustomerRecord record;
  record.id = id;
  record.restricted = row.restricted;
  record.created_at = FromMicros(row.created_at_us);
  record.updated_at = FromMicros(row.updated_at_us);
  record.withheld = decision.withheld;
  auto& returned = call.event().fields_returned;
  for (const auto& [field, level] : decision.returned) {
    auto plain = domain::OpenField(subject.keys->cipher, row, field);
    if (!plain) {
      return Error(std::move(call).Fail("integrity_error", plain.error(), kPlainError));
    }
    if (!*plain) continue;  // the customer has no value for this field
    std::string_view text = (*plain)->RevealAsText();
    if (level == policy::Redaction::kMasked) {
      record.fields.emplace(field, policy::MaskField(field, text));
      record.masked.push_back(field);
    } else {
      record.fields.emplace(field, std::string(text));
    }
    if (std::ranges::find(returned, FieldName(field)) == returned.end()) {
      returned.emplace_back(FieldName(field));
    }
  }
  return record;
}

StatusOr<std::vector<CustomerId>> VaultCore::FindCustomers(const AccessContext& in,
                                                           CustomerField by,
                                                           std::string_view value) {
  CVAULT_ASSIGN_OR_RETURN(auto found, LookUp(in, by, value, std::nullopt));
  std::vector<CustomerId> ids;
  ids.reserve(found.size());
  for (CustomerRecord& record : found) ids.push_back(std::move(record.id));
  return ids;
}

StatusOr<std::vector<CustomerRecord>> VaultCore::LookUp(
    const AccessContext& in, CustomerField by, std::string_view value,
    std::optional<std::span<const CustomerField>> read) {
  const CustomerField searched[] = {by};
  // A plain find records customer.find; a look-up that also reads records
  // one customer.read entry for both decisions.
  const std::vector<CustomerField> requested =
      read ? domain::ExpandRequestedFields(*read) : std::vector<CustomerField>{};
  const std::string_view act = read ? action::kCustomerRead : action::kCustomerFind;
  return ReadInParallel([&](bool* retry_exclusive)
                            -> StatusOr<std::vector<CustomerRecord>> {
    CVAULT_ASSIGN_OR_RETURN(
        AuditedCall call,
        StartCall(in, act,
                  {std::string(act), "", Names(read ? std::span(requested) : searched), {},
                   "allow", "ok"},
                  retry_exclusive));
    policy::Decision decision = decider_.Decide(
        call.ctx(),
        {action::kCustomerFind, policy::FieldUse::kRead, searched, std::nullopt});
    if (!decision.allowed()) return Error(std::move(call).Deny(decision));

    bool by_email = by == CustomerField::kEmail;
    auto key =
        by_email ? domain::LookupKeyForEmail(value) : domain::LookupKeyForPhone(value);
    if (!key) return Error(std::move(call).Fail("invalid_input", key.error(), kPlainError));
    CVAULT_ASSIGN_OR_RETURN(auto* tx, call.Transaction());
    crypto::Bytes index = indexer_->Compute(
        by_email ? crypto::IndexedField::kEmail : crypto::IndexedField::kPhone, *key);
    CVAULT_ASSIGN_OR_RETURN(
        auto ids, by_email ? tx->FindByEmailIndex(index) : tx->FindByPhoneIndex(index));
    std::vector<CustomerRecord> found;
    std::vector<std::string> subjects;
    policy::Decision last_read;
    for (const std::string& raw : ids) {
      CVAULT_ASSIGN_OR_RETURN(Subject subject, LoadSubject(call, raw));
      if (!subject.row) continue;
      policy::Decision d = decider_.Decide(
          call.ctx(),
          {action::kCustomerFind, policy::FieldUse::kRead, searched, subject.facts});
      if (!d.allowed()) return Error(std::move(call).Deny(d));
      subjects.push_back(subject.keys->pseudonym);
      CVAULT_ASSIGN_OR_RETURN(auto id, CustomerId::Parse(raw));
      if (!read) {
        found.emplace_back().id = std::move(id);
        continue;
      }
      // Subject names the match already: a denied reader learns only what
      // the find allowed (that someone matches).
      call.event().subject = fmt::format("{}", fmt::join(subjects, ","));
      last_read = decider_.Decide(
          call.ctx(),
          {action::kCustomerRead, policy::FieldUse::kRead, requested, subject.facts});
      if (!last_read.allowed()) return Error(std::move(call).Deny(last_read));
      CVAULT_ASSIGN_OR_RETURN(CustomerRecord record, OpenRecord(call, id, subject, last_read));
      found.push_back(std::move(record));
    }
    call.event().subject = fmt::format("{}", fmt::join(subjects, ","));
    if (found.empty()) {
      call.event().reason_code = "not_found";
    } else if (read) {
      call.event().decision = std::string(last_read.OutcomeName());
      call.event().reason_code = last_read.reason_code;
    }
    CVAULT_RETURN_IF_ERROR(std::move(call).Commit());
    if (found.empty()) return Error(Status::NotFound("no customer matches"));
    return found;
  });
}

Status VaultCore::UpdateCustomer(const AccessContext& in, const CustomerId& id,
                                 const CustomerUpdate& update) {
  std::lock_guard lock(mu_);
  std::vector<CustomerField> named = FieldsNamedIn(update);
  CVAULT_ASSIGN_OR_RETURN(
      AuditedCall call,
      StartCall(
          in, action::kCustomerUpdate,
          {std::string(action::kCustomerUpdate), "", Names(named), {}, "allow", "ok"}));
  CVAULT_ASSIGN_OR_RETURN(Subject subject, LoadSubject(call, id.str()));
  auto& row = subject.row;
  policy::Decision decision = decider_.Decide(
      call.ctx(),
      {action::kCustomerUpdate, policy::FieldUse::kWrite, named, subject.facts});
  if (!decision.allowed()) return std::move(call).Deny(decision);
  auto fail = [&](std::string reason, Status status) {
    return std::move(call).Fail(std::move(reason), std::move(status), kPlainError);
  };
  if (!row) return fail("not_found", Status::NotFound("no customer with that id"));
  if (named.empty()) {
    return fail("invalid_input",
                Status::InvalidArgument("update: name at least one field to change"));
  }
  std::optional<CustomerField> bad_field;
  auto values = domain::ValidateCustomerUpdate(update, &bad_field);
  if (!values) {
    if (bad_field) call.event().fields_requested = Names(std::span(&*bad_field, 1));
    return fail("invalid_input", values.error());
  }
  CVAULT_RETURN_IF_ERROR(domain::SealFields(subject.keys->cipher, *indexer_, *values,
                                            *row,
                                            next_indexer_ ? &*next_indexer_ : nullptr));
  row->updated_at_us = NowMicros();
  Status updated = call.tx().UpdateCustomer(*row);
  if (!updated.ok()) {
    bool taken = updated.code() == StatusCode::kAlreadyExists;
    return fail(
        taken ? "email_taken" : "store_error",
        taken ? Status::AlreadyExists("email: another customer already uses this address")
              : updated);
  }
  call.event().fields_returned = Names(SetFields(*values));
  return std::move(call).Commit();
}

StatusOr<std::vector<CustomerId>> VaultCore::ListCustomerIds(
    const AccessContext& in, const std::optional<CustomerId>& after, std::size_t limit) {
  std::lock_guard lock(mu_);
  CVAULT_ASSIGN_OR_RETURN(
      AuditedCall call,
      StartCall(in, action::kCustomerList,
                {std::string(action::kCustomerList), "", {}, {}, "allow", "ok"}));
  policy::Decision decision = decider_.Decide(
      call.ctx(), {action::kCustomerList, policy::FieldUse::kRead, {}, std::nullopt});
  if (!decision.allowed()) return Error(std::move(call).Deny(decision));
  CVAULT_ASSIGN_OR_RETURN(auto* tx, call.Transaction());
  CVAULT_ASSIGN_OR_RETURN(
      auto raw, tx->ListCustomerIds(
                    after ? std::optional<std::string_view>(after->str()) : std::nullopt,
                    std::min<std::size_t>(limit, 10000)));
  std::vector<CustomerId> ids;
  ids.reserve(raw.size());
  for (const std::string& r : raw) {
    CVAULT_ASSIGN_OR_RETURN(auto id, CustomerId::Parse(r));
    ids.push_back(std::move(id));
  }
  CVAULT_RETURN_IF_ERROR(std::move(call).Commit());
  return ids;
}

}  // namespace cvault::internal
