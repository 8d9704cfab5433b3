// The Rights operations of VaultCore: GDPR Art. 18 restriction (export and
// erasure have files of their own, as do data-subject requests).
#include <array>

#include "vault/vault_core.h"

namespace cvault::internal {

Status VaultCore::SetRestriction(const AccessContext& in, const CustomerId& id,
                                 bool restricted, bool customer_informed,
                                 std::string_view request_id) {
  namespace action = policy::action;
  std::lock_guard lock(mu_);
  CVAULT_ASSIGN_OR_RETURN(
      AuditedCall call,
      StartCall(in, action::kRestrict,
                {restricted ? "customer.restrict" : "customer.lift_restriction",
                 "",
                 {},
                 {},
                 "allow",
                 "ok"}));
  CVAULT_ASSIGN_OR_RETURN(
      Decided d,
      BeginForSubject(call, id,
                      {action::kRestrict, policy::FieldUse::kWrite, {}, std::nullopt},
                      /*ignore_restriction=*/true));
  if (!restricted && !customer_informed) {
    return std::move(call).Fail(
        "customer_not_informed",
        Status::FailedPrecondition(
            "a restriction may only be lifted after the customer has been "
            "informed (GDPR Art. 18(3)); confirm that they were"));
  }
  static constexpr std::array kAnswers = {DsrKind::kRestriction};
  CVAULT_ASSIGN_OR_RETURN(auto request, BeginFulfilment(call, request_id, id, kAnswers));
  store::CustomerRow row = std::move(*d.subject.row);
  if (row.restricted == restricted && restricted && request) {
    // Already restricted: what the request asks for is in place.
    CVAULT_RETURN_IF_ERROR(FinishFulfilment(call, *request, call.ctx().request_id));
    call.event().reason_code = "already_restricted";
    return std::move(call).Commit();
  }
  if (row.restricted == restricted) {
    return std::move(call).Fail(
        restricted ? "already_restricted" : "not_restricted",
        Status::FailedPrecondition(restricted ? "the customer is already restricted"
                                              : "the customer is not restricted"));
  }
  row.restricted = restricted;
  row.updated_at_us = NowMicros();
  CVAULT_RETURN_IF_ERROR(call.tx().UpdateCustomer(row));
  // The restriction's own audit request id is what fulfilled the request.
  if (request) CVAULT_RETURN_IF_ERROR(FinishFulfilment(call, *request, call.ctx().request_id));
  call.event().reason_code =
      restricted ? "restriction_set" : "restriction_lifted_customer_informed";
  return std::move(call).Commit();
}

}  // namespace cvault::internal
