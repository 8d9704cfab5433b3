// The C API's customer calls: add, get, find, update, list.
#include <vector>

#include "capi/boundary.h"
#include "capi/json_input.h"
#include "capi/json_output.h"

namespace {

using cvault::AccessContext;
using cvault::CustomerId;
using cvault::Status;
using cvault::Vault;
using cvault::capi::CustomerIdArg;
using cvault::capi::CustomerRecordJson;
using cvault::capi::CustomerUpdateFromJson;
using cvault::capi::Give;
using cvault::capi::IdsJson;
using cvault::capi::NewCustomerFromJson;
using cvault::capi::OutArg;
using cvault::capi::Required;
using cvault::capi::VaultCall;

// The field names of a get, checked; empty for all.
cvault::StatusOr<std::vector<cvault::CustomerField>> FieldsArg(const char* const* fields,
                                                               size_t count) {
  std::vector<cvault::CustomerField> parsed;
  if (count > 0 && fields == nullptr) {
    return cvault::Error(
        Status::InvalidArgument("fields: must not be NULL when field_count is not 0"));
  }
  for (size_t i = 0; i < count; ++i) {
    CVAULT_ASSIGN_OR_RETURN(std::string_view name, Required(fields[i], "fields[i]"));
    std::optional<cvault::CustomerField> field = cvault::ParseFieldName(name);
    if (!field) {
      return cvault::Error(Status::InvalidArgument(
          "fields: not a customer field; expected full_name, email, phone, "
          "postal_address, country, language or external_ref"));
    }
    parsed.push_back(*field);
  }
  return parsed;
}

}  // namespace

extern "C" {

cvault_status cvault_customer_add(cvault_vault* vault, const cvault_context* ctx,
                                  const char* customer_json, char** out_id,
                                  cvault_error** error) {
  return VaultCall(vault, ctx, error, [&](Vault& v, const AccessContext& c) -> Status {
    CVAULT_ASSIGN_OR_RETURN(std::string_view text,
                            Required(customer_json, "customer_json"));
    CVAULT_RETURN_IF_ERROR(OutArg(out_id, "out_id"));
    CVAULT_ASSIGN_OR_RETURN(cvault::NewCustomer customer,
                            NewCustomerFromJson(text, "customer_json"));
    CVAULT_ASSIGN_OR_RETURN(CustomerId id, v.customers().Create(c, customer));
    Give(out_id, id.str());
    return Status::Ok();
  });
}

cvault_status cvault_customer_get(cvault_vault* vault, const cvault_context* ctx,
                                  const char* customer_id, const char* const* fields,
                                  size_t field_count, char** out_json,
                                  cvault_error** error) {
  return VaultCall(vault, ctx, error, [&](Vault& v, const AccessContext& c) -> Status {
    CVAULT_ASSIGN_OR_RETURN(CustomerId id, CustomerIdArg(customer_id, "customer_id"));
    CVAULT_ASSIGN_OR_RETURN(auto wanted, FieldsArg(fields, field_count));
    CVAULT_RETURN_IF_ERROR(OutArg(out_json, "out_json"));
    CVAULT_ASSIGN_OR_RETURN(cvault::CustomerRecord record,
                            v.customers().Get(c, id, wanted));
    Give(out_json, CustomerRecordJson(record));
    return Status::Ok();
  });
}

cvault_status cvault_customer_find_by_email(cvault_vault* vault,
                                            const cvault_context* ctx, const char* email,
                                            char** out_id, cvault_error** error) {
  return VaultCall(vault, ctx, error, [&](Vault& v, const AccessContext& c) -> Status {
    CVAULT_ASSIGN_OR_RETURN(std::string_view address, Required(email, "email"));
    CVAULT_RETURN_IF_ERROR(OutArg(out_id, "out_id"));
    CVAULT_ASSIGN_OR_RETURN(CustomerId id, v.customers().FindByEmail(c, address));
    Give(out_id, id.str());
    return Status::Ok();
  });
}

cvault_status cvault_customer_find_by_phone(cvault_vault* vault,
                                            const cvault_context* ctx, const char* phone,
                                            char** out_json, cvault_error** error) {
  return VaultCall(vault, ctx, error, [&](Vault& v, const AccessContext& c) -> Status {
    CVAULT_ASSIGN_OR_RETURN(std::string_view number, Required(phone, "phone"));
    CVAULT_RETURN_IF_ERROR(OutArg(out_json, "out_json"));
    CVAULT_ASSIGN_OR_RETURN(std::vector<CustomerId> ids,
                            v.customers().FindByPhone(c, number));
    Give(out_json, IdsJson(ids));
    return Status::Ok();
  });
}

cvault_status cvault_customer_update(cvault_vault* vault, const cvault_context* ctx,
                                     const char* customer_id, const char* update_json,
                                     cvault_error** error) {
  return VaultCall(vault, ctx, error, [&](Vault& v, const AccessContext& c) -> Status {
    CVAULT_ASSIGN_OR_RETURN(CustomerId id, CustomerIdArg(customer_id, "customer_id"));
    CVAULT_ASSIGN_OR_RETURN(std::string_view text, Required(update_json, "update_json"));
    CVAULT_ASSIGN_OR_RETURN(cvault::CustomerUpdate update,
                            CustomerUpdateFromJson(text, "update_json"));
    return v.customers().Update(c, id, update);
  });
}

cvault_status cvault_customer_list_ids(cvault_vault* vault, const cvault_context* ctx,
                                       const char* after, size_t limit, char** out_json,
                                       cvault_error** error) {
  return VaultCall(vault, ctx, error, [&](Vault& v, const AccessContext& c) -> Status {
    std::optional<CustomerId> from;
    if (after != nullptr) {
      CVAULT_ASSIGN_OR_RETURN(from, CustomerIdArg(after, "after"));
    }
    CVAULT_RETURN_IF_ERROR(OutArg(out_json, "out_json"));
    CVAULT_ASSIGN_OR_RETURN(std::vector<CustomerId> ids,
                            v.customers().ListIds(c, from, limit));
    Give(out_json, IdsJson(ids));
    return Status::Ok();
  });
}

}  // extern "C"
