// The C API's refund-case calls: open, assess, transition, attach payment,
// notify, show, overdue.
#include <string>
#include <vector>

#include "capi/boundary.h"
#include "capi/json_input.h"
#include "capi/json_output.h"

namespace {

using cvault::AccessContext;
using cvault::Status;
using cvault::Vault;
using cvault::capi::Give;
using cvault::capi::OutArg;
using cvault::capi::Required;
using cvault::capi::TimeArg;
using cvault::capi::VaultCall;

}  // namespace

extern "C" {

cvault_status cvault_refund_open(cvault_vault* vault, const cvault_context* ctx,
                                 const char* case_json, char** out_id,
                                 cvault_error** error) {
  return VaultCall(vault, ctx, error, [&](Vault& v, const AccessContext& c) -> Status {
    CVAULT_ASSIGN_OR_RETURN(std::string_view text, Required(case_json, "case_json"));
    CVAULT_RETURN_IF_ERROR(OutArg(out_id, "out_id"));
    CVAULT_ASSIGN_OR_RETURN(cvault::NewRefundCase refund,
                            cvault::capi::NewRefundCaseFromJson(text, "case_json"));
    CVAULT_ASSIGN_OR_RETURN(std::string id, v.refunds().Open(c, refund));
    Give(out_id, id);
    return Status::Ok();
  });
}

cvault_status cvault_refund_assess(cvault_vault* vault, const cvault_context* ctx,
                                   const char* case_id, const char* at, char** out_json,
                                   cvault_error** error) {
  return VaultCall(vault, ctx, error, [&](Vault& v, const AccessContext& c) -> Status {
    CVAULT_ASSIGN_OR_RETURN(std::string_view id, Required(case_id, "case_id"));
    CVAULT_ASSIGN_OR_RETURN(auto when, TimeArg(at, "at"));
    CVAULT_ASSIGN_OR_RETURN(cvault::EligibilityDecision decision,
                            v.refunds().Assess(c, id, when));
    Give(out_json, cvault::capi::EligibilityJson(decision));
    return Status::Ok();
  });
}

cvault_status cvault_refund_transition(cvault_vault* vault, const cvault_context* ctx,
                                       const char* case_id, const char* to,
                                       const char* note, cvault_error** error) {
  return VaultCall(vault, ctx, error, [&](Vault& v, const AccessContext& c) -> Status {
    CVAULT_ASSIGN_OR_RETURN(std::string_view id, Required(case_id, "case_id"));
    CVAULT_ASSIGN_OR_RETURN(std::string_view name, Required(to, "to"));
    std::optional<cvault::RefundStatus> status = cvault::ParseRefundStatus(name);
    if (!status) {
      return Status::InvalidArgument(
          "to: expected requested, under_review, approved, processing, completed, "
          "failed, denied or withdrawn");
    }
    return v.refunds().Transition(c, id, *status, cvault::capi::OrEmpty(note));
  });
}

cvault_status cvault_refund_attach_payment(cvault_vault* vault, const cvault_context* ctx,
                                           const char* case_id, const char* payment_json,
                                           cvault_error** error) {
  return VaultCall(vault, ctx, error, [&](Vault& v, const AccessContext& c) -> Status {
    CVAULT_ASSIGN_OR_RETURN(std::string_view id, Required(case_id, "case_id"));
    CVAULT_ASSIGN_OR_RETURN(std::string_view text,
                            Required(payment_json, "payment_json"));
    CVAULT_ASSIGN_OR_RETURN(cvault::PaymentReference payment,
                            cvault::capi::PaymentFromJson(text, "payment_json"));
    return v.refunds().AttachPayment(c, id, payment);
  });
}

cvault_status cvault_refund_notify(cvault_vault* vault, const cvault_context* ctx,
                                   const char* case_id, const char* channel,
                                   const char* template_id, cvault_error** error) {
  return VaultCall(vault, ctx, error, [&](Vault& v, const AccessContext& c) -> Status {
    CVAULT_ASSIGN_OR_RETURN(std::string_view id, Required(case_id, "case_id"));
    CVAULT_ASSIGN_OR_RETURN(std::string_view how, Required(channel, "channel"));
    CVAULT_ASSIGN_OR_RETURN(std::string_view what, Required(template_id, "template_id"));
    return v.refunds().Notify(c, id, how, what);
  });
}

cvault_status cvault_refund_show(cvault_vault* vault, const cvault_context* ctx,
                                 const char* case_id, char** out_json,
                                 cvault_error** error) {
  return VaultCall(vault, ctx, error, [&](Vault& v, const AccessContext& c) -> Status {
    CVAULT_ASSIGN_OR_RETURN(std::string_view id, Required(case_id, "case_id"));
    CVAULT_RETURN_IF_ERROR(OutArg(out_json, "out_json"));
    CVAULT_ASSIGN_OR_RETURN(cvault::RefundCase refund, v.refunds().Get(c, id));
    Give(out_json, cvault::capi::RefundCaseJson(refund));
    return Status::Ok();
  });
}

cvault_status cvault_refund_overdue(cvault_vault* vault, const cvault_context* ctx,
                                    const char* at, char** out_json,
                                    cvault_error** error) {
  return VaultCall(vault, ctx, error, [&](Vault& v, const AccessContext& c) -> Status {
    CVAULT_ASSIGN_OR_RETURN(auto when, TimeArg(at, "at"));
    CVAULT_RETURN_IF_ERROR(OutArg(out_json, "out_json"));
    CVAULT_ASSIGN_OR_RETURN(std::vector<cvault::OverdueCase> cases,
                            v.refunds().Overdue(c, when));
    Give(out_json, cvault::capi::OverdueJson(cases));
    return Status::Ok();
  });
}

}  // extern "C"
