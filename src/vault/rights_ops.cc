// The Rights operations of VaultCore (GDPR Art. 18 restriction for now;
// export and erasure follow).
#include "vault/vault_core.h"

namespace cvault::internal {

Status VaultCore::SetRestriction(const AccessContext& in, const CustomerId& id,
                                 bool restricted, bool customer_informed) {
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
  store::CustomerRow row = std::move(*d.subject.row);
  if (row.restricted == restricted) {
    return std::move(call).Fail(
        restricted ? "already_restricted" : "not_restricted",
        Status::FailedPrecondition(restricted ? "the customer is already restricted"
                                              : "the customer is not restricted"));
  }
  row.restricted = restricted;
  row.updated_at_us = NowMicros();
  CVAULT_RETURN_IF_ERROR(call.tx().UpdateCustomer(row));
  call.event().reason_code =
      restricted ? "restriction_set" : "restriction_lifted_customer_informed";
  return std::move(call).Commit();
}

}  // namespace cvault::internal
