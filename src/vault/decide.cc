// Deciding a call about one customer or one case: the customer's facts
// (restriction, consent for the purpose) are read in the call's
// transaction, the policy decides with them, and a refusal finishes the
// call. The decision and the work it guards share that transaction.
#include "domain/case_documents.h"
#include "domain/consent_state.h"
#include "vault/vault_core.h"

namespace cvault::internal {

StatusOr<Subject> VaultCore::LoadSubject(AuditedCall& call,
                                         std::string_view customer_id) {
  CVAULT_ASSIGN_OR_RETURN(auto* tx, call.Transaction());
  Subject subject;
  CVAULT_ASSIGN_OR_RETURN(subject.row, tx->GetCustomer(customer_id));
  if (!subject.row) return subject;
  CVAULT_ASSIGN_OR_RETURN(subject.keys, KeysFor(customer_id, &call));
  call.event().subject = subject.keys->pseudonym;
  subject.facts.restricted = subject.row->restricted;
  // The one place consent plugs in: a purpose resting on consent needs the
  // customer's consent for it to be active at this instant.
  if (decider_.NeedsConsent(call.ctx().purpose)) {
    std::int64_t now = NowMicros();
    CVAULT_ASSIGN_OR_RETURN(
        auto events, tx->ListConsentEventsFor(customer_id, call.ctx().purpose, now));
    switch (domain::DeriveConsentState(events, now).status) {
      case ConsentStatus::kActive:
        subject.facts.consent = policy::ConsentState::kActive;
        break;
      case ConsentStatus::kNeverGiven:
        subject.facts.consent = policy::ConsentState::kNeverGiven;
        break;
      case ConsentStatus::kWithdrawn:
        subject.facts.consent = policy::ConsentState::kWithdrawn;
        break;
      case ConsentStatus::kExpired:
        subject.facts.consent = policy::ConsentState::kExpired;
        break;
    }
  }
  return subject;
}

StatusOr<Decided> VaultCore::BeginForSubject(AuditedCall& call, const CustomerId& id,
                                             policy::AccessRequest request,
                                             bool ignore_restriction) {
  Decided d;
  CVAULT_ASSIGN_OR_RETURN(d.subject, LoadSubject(call, id.str()));
  request.subject = d.subject.facts;
  if (ignore_restriction) request.subject->restricted = false;
  d.decision = decider_.Decide(call.ctx(), request);
  if (!d.decision.allowed()) return Error(std::move(call).Deny(d.decision));
  if (!d.subject.row) {
    return Error(
        std::move(call).Fail("not_found", Status::NotFound("no customer with that id")));
  }
  return d;
}

namespace {

// A refund the customer is owed: approved, or its payment under way.
bool IsPayable(const store::CaseRow& row) {
  return row.kind == domain::kRefundKind &&
         (row.status == RefundStatusName(RefundStatus::kApproved) ||
          row.status == RefundStatusName(RefundStatus::kProcessing));
}

}  // namespace

StatusOr<DecidedCase> VaultCore::BeginForCase(AuditedCall& call, std::string_view case_id,
                                              std::string_view kind,
                                              policy::AccessRequest request,
                                              CaseDuty duty) {
  // Role, purpose, action and record group first: a denied caller learns
  // nothing about whether the case exists.
  policy::Decision early = decider_.Decide(call.ctx(), request);
  if (!early.allowed()) return Error(std::move(call).Deny(early));
  DecidedCase out;
  CVAULT_ASSIGN_OR_RETURN(auto* tx, call.Transaction());
  CVAULT_ASSIGN_OR_RETURN(auto row, tx->GetCase(case_id));
  if (!row || row->kind != kind) {
    return Error(std::move(call).Fail(
        "not_found",
        Status::NotFound(std::string("no ") + std::string(kind) + " with that id")));
  }
  out.row = std::move(*row);
  if (domain::IsHoldId(out.row.customer_id)) {
    out.held_by = out.row.customer_id;
  } else {
    CVAULT_ASSIGN_OR_RETURN(out.decided.subject, LoadSubject(call, out.row.customer_id));
    if (!out.decided.subject.row && kind != domain::kTicketKind) {
      // An erasure the purge has not swept yet: the refund case or
      // purchase record already belongs to the hold, which holds its key.
      CVAULT_ASSIGN_OR_RETURN(auto pending, tx->GetPendingErasure(out.row.customer_id));
      if (pending) out.held_by = pending->hold_id;
    }
  }
  if (!out.held_by.empty()) {
    // The customer was erased: the record is kept only for a legal
    // obligation, read-only, and only purposes resting on one may read it.
    call.event().subject = out.held_by;
    // Paying a refund approved before the erasure is the one write left:
    // the customer is still owed it. Before the sweep the case is already
    // sealed under the hold's key (bound to its row as it stands), which is
    // what the sweep opens it with.
    if (duty == CaseDuty::kPayApproved && IsPayable(out.row)) {
      out.decided.decision = early;
      return out;
    }
    const policy::PurposeRule* rule = decider_.policy().FindPurpose(call.ctx().purpose);
    if (request.use != policy::FieldUse::kRead || rule == nullptr ||
        rule->legal_basis != policy::LegalBasis::kLegalObligation) {
      return Error(std::move(call).Fail(
          "retention_hold",
          Status::FailedPrecondition(
              "the case is kept under a retention hold after its customer's "
              "erasure: read-only, and only for a legal obligation")));
    }
    out.decided.decision = early;
    return out;
  }
  if (!out.decided.subject.row) {
    return Error(std::move(call).Fail(
        "not_found", Status::NotFound("the case's customer no longer exists")));
  }
  request.subject = out.decided.subject.facts;
  if (duty == CaseDuty::kTellCustomer ||
      (duty == CaseDuty::kPayApproved && IsPayable(out.row))) {
    request.subject->restricted = false;
  }
  out.decided.decision = decider_.Decide(call.ctx(), request);
  if (!out.decided.decision.allowed()) {
    return Error(std::move(call).Deny(out.decided.decision));
  }
  return out;
}

Status VaultCore::DecideOperation(AuditedCall& call, std::string_view act) {
  policy::Decision decision =
      decider_.Decide(call.ctx(), {act, policy::FieldUse::kWrite, {}, std::nullopt});
  if (!decision.allowed()) return std::move(call).Deny(decision);
  return Status::Ok();
}

}  // namespace cvault::internal
