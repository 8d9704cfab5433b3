// The C API's data-subject rights: export and its verification, erasure,
// restriction, purge.
#include <cstdint>
#include <string>
#include <vector>

#include "capi/boundary.h"
#include "capi/json_output.h"
#include "cvault/export.h"

namespace {

using cvault::AccessContext;
using cvault::CustomerId;
using cvault::Status;
using cvault::Vault;
using cvault::capi::CustomerIdArg;
using cvault::capi::Give;
using cvault::capi::OutArg;
using cvault::capi::Required;
using cvault::capi::VaultCall;

}  // namespace

extern "C" {

cvault_status cvault_rights_export(cvault_vault* vault, const cvault_context* ctx,
                                   const char* customer_id, char** out_document,
                                   cvault_error** error) {
  return VaultCall(vault, ctx, error, [&](Vault& v, const AccessContext& c) -> Status {
    CVAULT_ASSIGN_OR_RETURN(CustomerId id, CustomerIdArg(customer_id, "customer_id"));
    CVAULT_RETURN_IF_ERROR(OutArg(out_document, "out_document"));
    CVAULT_ASSIGN_OR_RETURN(std::string document, v.rights().Export(c, id));
    Give(out_document, document);
    return Status::Ok();
  });
}

cvault_status cvault_export_verify(const char* document, const char* public_key_hex,
                                   char** out_json, cvault_error** error) {
  return cvault::capi::Call(error, [&]() -> Status {
    CVAULT_ASSIGN_OR_RETURN(std::string_view text, Required(document, "document"));
    CVAULT_ASSIGN_OR_RETURN(std::string_view hex,
                            Required(public_key_hex, "public_key_hex"));
    CVAULT_RETURN_IF_ERROR(OutArg(out_json, "out_json"));
    auto key = cvault::ParseSigningPublicKey(hex);
    if (!key) return key.error().WithContext("public_key_hex");
    CVAULT_ASSIGN_OR_RETURN(cvault::ExportVerification verification,
                            cvault::VerifyExport(text, *key));
    Give(out_json, cvault::capi::ExportVerificationJson(verification));
    return Status::Ok();
  });
}

cvault_status cvault_rights_erase(cvault_vault* vault, const cvault_context* ctx,
                                  const char* customer_id, char** out_json,
                                  cvault_error** error) {
  return VaultCall(vault, ctx, error, [&](Vault& v, const AccessContext& c) -> Status {
    CVAULT_ASSIGN_OR_RETURN(CustomerId id, CustomerIdArg(customer_id, "customer_id"));
    CVAULT_ASSIGN_OR_RETURN(cvault::ErasureResult result, v.rights().Erase(c, id));
    Give(out_json, cvault::capi::ErasureJson(result));
    return Status::Ok();
  });
}

cvault_status cvault_rights_restrict(cvault_vault* vault, const cvault_context* ctx,
                                     const char* customer_id, cvault_error** error) {
  return VaultCall(vault, ctx, error, [&](Vault& v, const AccessContext& c) -> Status {
    CVAULT_ASSIGN_OR_RETURN(CustomerId id, CustomerIdArg(customer_id, "customer_id"));
    return v.rights().Restrict(c, id);
  });
}

cvault_status cvault_rights_lift_restriction(cvault_vault* vault,
                                             const cvault_context* ctx,
                                             const char* customer_id,
                                             int customer_informed,
                                             cvault_error** error) {
  return VaultCall(vault, ctx, error, [&](Vault& v, const AccessContext& c) -> Status {
    CVAULT_ASSIGN_OR_RETURN(CustomerId id, CustomerIdArg(customer_id, "customer_id"));
    return v.rights().LiftRestriction(c, id, customer_informed != 0);
  });
}

cvault_status cvault_rights_purge(cvault_vault* vault, const cvault_context* ctx,
                                  char** out_json, cvault_error** error) {
  return VaultCall(vault, ctx, error, [&](Vault& v, const AccessContext& c) -> Status {
    CVAULT_ASSIGN_OR_RETURN(cvault::PurgeResult result, v.rights().Purge(c));
    Give(out_json, cvault::capi::PurgeJson(result));
    return Status::Ok();
  });
}

}  // extern "C"
