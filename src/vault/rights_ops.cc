// The Rights operations of VaultCore (GDPR Art. 18 restriction for now;
// export and erasure follow).
#include "vault/vault_core.h"

namespace cvault::internal {

Status VaultCore::SetRestriction(const AccessContext& in, const CustomerId& id,
                                 bool restricted, bool customer_informed) {
  namespace action = policy::action;
  std::lock_guard lock(mu_);
  CVAULT_ASSIGN_OR_RETURN(AccessContext ctx, CheckContext(in, action::kRestrict));
  audit::AuditEvent event{restricted ? "customer.restrict" : "customer.lift_restriction",
                          "",
                          {},
                          {},
                          "allow",
                          "ok"};
  CVAULT_ASSIGN_OR_RETURN(
      Decided d,
      BeginForSubject(ctx, id,
                      {action::kRestrict, policy::FieldUse::kWrite, {}, std::nullopt},
                      event, /*ignore_restriction=*/true));
  if (!restricted && !customer_informed) {
    d.tx.reset();
    return Fail(ctx, event, "customer_not_informed",
                Status::FailedPrecondition(
                    "a restriction may only be lifted after the customer has been "
                    "informed (GDPR Art. 18(3)); confirm that they were"));
  }
  store::CustomerRow row = std::move(*d.subject.row);
  if (row.restricted == restricted) {
    d.tx.reset();
    return Fail(
        ctx, event, restricted ? "already_restricted" : "not_restricted",
        Status::FailedPrecondition(restricted ? "the customer is already restricted"
                                              : "the customer is not restricted"));
  }
  row.restricted = restricted;
  row.updated_at_us = NowMicros();
  CVAULT_RETURN_IF_ERROR(d.tx->UpdateCustomer(row));
  event.reason_code =
      restricted ? "restriction_set" : "restriction_lifted_customer_informed";
  return CommitWithAudit(*d.tx, ctx, event);
}

}  // namespace cvault::internal
