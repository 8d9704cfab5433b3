// The C API's consent calls: notices, grant, withdraw, status, history.
#include <vector>

#include "capi/boundary.h"
#include "capi/json_input.h"
#include "capi/json_output.h"

namespace {

using cvault::AccessContext;
using cvault::CustomerId;
using cvault::Status;
using cvault::Vault;
using cvault::capi::ConsentEventJson;
using cvault::capi::ConsentEventsJson;
using cvault::capi::ConsentGrantFromJson;
using cvault::capi::ConsentStatesJson;
using cvault::capi::CustomerIdArg;
using cvault::capi::Give;
using cvault::capi::NoticeJson;
using cvault::capi::OutArg;
using cvault::capi::Required;
using cvault::capi::VaultCall;

}  // namespace

extern "C" {

cvault_status cvault_notice_register(cvault_vault* vault, const cvault_context* ctx,
                                     const char* notice_id, const char* version,
                                     const char* text, char** out_json,
                                     cvault_error** error) {
  return VaultCall(vault, ctx, error, [&](Vault& v, const AccessContext& c) -> Status {
    CVAULT_ASSIGN_OR_RETURN(std::string_view id, Required(notice_id, "notice_id"));
    CVAULT_ASSIGN_OR_RETURN(std::string_view ver, Required(version, "version"));
    CVAULT_ASSIGN_OR_RETURN(std::string_view body, Required(text, "text"));
    CVAULT_ASSIGN_OR_RETURN(cvault::Notice notice,
                            v.consents().RegisterNotice(c, id, ver, body));
    Give(out_json, NoticeJson(notice));
    return Status::Ok();
  });
}

cvault_status cvault_consent_grant(cvault_vault* vault, const cvault_context* ctx,
                                   const char* customer_id, const char* grant_json,
                                   char** out_json, cvault_error** error) {
  return VaultCall(vault, ctx, error, [&](Vault& v, const AccessContext& c) -> Status {
    CVAULT_ASSIGN_OR_RETURN(CustomerId id, CustomerIdArg(customer_id, "customer_id"));
    CVAULT_ASSIGN_OR_RETURN(std::string_view text, Required(grant_json, "grant_json"));
    CVAULT_ASSIGN_OR_RETURN(cvault::ConsentGrant grant,
                            ConsentGrantFromJson(text, "grant_json"));
    CVAULT_ASSIGN_OR_RETURN(cvault::ConsentEvent event, v.consents().Grant(c, id, grant));
    Give(out_json, ConsentEventJson(event));
    return Status::Ok();
  });
}

cvault_status cvault_consent_withdraw(cvault_vault* vault, const cvault_context* ctx,
                                      const char* customer_id, const char* purpose,
                                      const char* actor, char** out_json,
                                      cvault_error** error) {
  return VaultCall(vault, ctx, error, [&](Vault& v, const AccessContext& c) -> Status {
    CVAULT_ASSIGN_OR_RETURN(CustomerId id, CustomerIdArg(customer_id, "customer_id"));
    CVAULT_ASSIGN_OR_RETURN(std::string_view name, Required(purpose, "purpose"));
    const std::string_view who = actor == nullptr ? "customer" : std::string_view(actor);
    CVAULT_ASSIGN_OR_RETURN(cvault::ConsentEvent event,
                            v.consents().Withdraw(c, id, name, who));
    Give(out_json, ConsentEventJson(event));
    return Status::Ok();
  });
}

cvault_status cvault_consent_status(cvault_vault* vault, const cvault_context* ctx,
                                    const char* customer_id, char** out_json,
                                    cvault_error** error) {
  return VaultCall(vault, ctx, error, [&](Vault& v, const AccessContext& c) -> Status {
    CVAULT_ASSIGN_OR_RETURN(CustomerId id, CustomerIdArg(customer_id, "customer_id"));
    CVAULT_RETURN_IF_ERROR(OutArg(out_json, "out_json"));
    CVAULT_ASSIGN_OR_RETURN(std::vector<cvault::ConsentState> states,
                            v.consents().Status(c, id));
    Give(out_json, ConsentStatesJson(states));
    return Status::Ok();
  });
}

cvault_status cvault_consent_history(cvault_vault* vault, const cvault_context* ctx,
                                     const char* customer_id, char** out_json,
                                     cvault_error** error) {
  return VaultCall(vault, ctx, error, [&](Vault& v, const AccessContext& c) -> Status {
    CVAULT_ASSIGN_OR_RETURN(CustomerId id, CustomerIdArg(customer_id, "customer_id"));
    CVAULT_RETURN_IF_ERROR(OutArg(out_json, "out_json"));
    CVAULT_ASSIGN_OR_RETURN(std::vector<cvault::ConsentEvent> events,
                            v.consents().History(c, id));
    Give(out_json, ConsentEventsJson(events));
    return Status::Ok();
  });
}

}  // extern "C"
