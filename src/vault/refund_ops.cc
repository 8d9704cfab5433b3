// The Refunds operations of VaultCore: cases under the refund policy,
// sealed under the customer's financial data key (kept under a retention
// hold when the customer is erased).
#include <fmt/format.h>

#include <algorithm>

#include "domain/business_calendar.h"
#include "domain/card_screen.h"
#include "domain/case_documents.h"
#include "domain/payment_reference.h"
#include "domain/purchase_record.h"
#include "domain/refund_rules.h"
#include "domain/retention.h"
#include "domain/validation.h"
#include "vault/vault_core.h"

namespace cvault::internal {
namespace {

namespace action = policy::action;
constexpr std::size_t kMaxNote = 2000;
constexpr int kFinancialClass = 2;  // keys::RetentionClass::kFinancial
constexpr std::string_view kChannels[] = {"email", "sms", "in_app", "phone", "letter"};

std::int64_t Us(Timestamp t) { return t.time_since_epoch().count(); }
Timestamp At(std::int64_t us) { return Timestamp(std::chrono::microseconds(us)); }

policy::AccessRequest RefundRequest(std::string_view act, policy::FieldUse use) {
  return GroupRecordRequest(act, use, FieldGroup::kFinancial);
}

bool SameProduct(const Product& a, const Product& b) {
  return a.kind == b.kind && a.sku == b.sku;
}

// A decision the customer is owed a notice of.
bool IsDecision(RefundStatus status) {
  return status == RefundStatus::kApproved || status == RefundStatus::kDenied ||
         status == RefundStatus::kCompleted || status == RefundStatus::kFailed;
}

void AddDecider(RefundCase& refund, const std::string& principal_id) {
  if (std::ranges::find(refund.deciders, principal_id) == refund.deciders.end()) {
    refund.deciders.push_back(principal_id);
  }
}

// Reseals the case document and writes the row (the caller audits and
// commits).
Status UpdateRefundRow(store::VaultTransaction& tx, const crypto::FieldCipher& cipher,
                       store::CaseRow& row, const RefundCase& refund, std::int64_t now) {
  row.status = std::string(RefundStatusName(refund.status));
  row.updated_at_us = now;
  row.processing_due_at_us.reset();
  row.update_due_at_us.reset();
  if (refund.processing_due_at) row.processing_due_at_us = Us(*refund.processing_due_at);
  if (refund.next_update_due_at) row.update_due_at_us = Us(*refund.next_update_due_at);
  CVAULT_ASSIGN_OR_RETURN(row.document, domain::SealRefundCase(cipher, row, refund));
  return tx.UpdateCase(row);
}

}  // namespace

StatusOr<std::string> VaultCore::OpenRefund(const AccessContext& in,
                                            const NewRefundCase& r) {
  std::lock_guard lock(mu_);
  CVAULT_ASSIGN_OR_RETURN(
      AuditedCall call,
      StartCall(in, action::kRefundWrite,
                {"refund.open", "", {"refund_case"}, {}, "allow", "ok"}));
  CVAULT_ASSIGN_OR_RETURN(
      Decided d,
      BeginForSubject(call, r.customer,
                      RefundRequest(action::kRefundWrite, policy::FieldUse::kWrite)));
  auto fail = [&](std::string reason, Status status) {
    return std::move(call).Fail(std::move(reason), std::move(status));
  };
  Status valid = domain::ValidateText("order reference", r.order_ref, 64, false);
  if (valid.ok()) valid = domain::ValidateSku(r.product.sku);
  if (!valid.ok()) return Error(fail("invalid_input", valid));
  std::vector<std::string> tickets;
  for (const std::string& ticket_id : r.ticket_ids) {
    Status linkable = CheckLinkable(call, d.subject, r.product, ticket_id);
    if (!linkable.ok()) return Error(fail("invalid_input", linkable));
    if (std::find(tickets.begin(), tickets.end(), ticket_id) == tickets.end()) {
      tickets.push_back(ticket_id);
    }
  }
  // A first refund case mints the financial key, committed to the keystore
  // before the row that needs it. The call's transaction stays open
  // meanwhile (the vault's write lock is always taken before the
  // keystore's), so the decision above guards the insert below.
  CVAULT_ASSIGN_OR_RETURN(const crypto::FieldCipher* cipher,
                          FinancialCipherFor(r.customer.str()));
  std::int64_t now = NowMicros();
  domain::BusinessCalendar calendar(options_.refund_policy.holidays);
  RefundCase refund;
  refund.case_id = domain::NewRefundCaseId();
  refund.customer = r.customer;
  refund.order_ref = r.order_ref;
  refund.product = r.product;
  refund.reason = r.reason;
  refund.ticket_ids = tickets;
  refund.opened_at = At(now);
  store::CaseRow row;
  row.case_id = refund.case_id;
  row.kind = domain::kRefundKind;
  row.customer_id = r.customer.str();
  row.status = std::string(RefundStatusName(RefundStatus::kRequested));
  row.opened_at_us = row.updated_at_us = now;
  row.update_due_at_us = Us(calendar.AddBusinessDays(
      At(now), options_.refund_policy.max_update_gap_business_days));
  row.retention_class = kFinancialClass;
  CVAULT_ASSIGN_OR_RETURN(row.document, domain::SealRefundCase(*cipher, row, refund));
  CVAULT_RETURN_IF_ERROR(call.tx().InsertCase(row));
  CVAULT_RETURN_IF_ERROR(std::move(call).Commit());
  return refund.case_id;
}

StatusOr<OpenedRefund> VaultCore::BeginForRefund(AuditedCall& call,
                                                 std::string_view case_id,
                                                 policy::FieldUse use, CaseDuty duty) {
  std::string_view act =
      use == policy::FieldUse::kRead ? action::kRefundRead : action::kRefundWrite;
  OpenedRefund out;
  CVAULT_ASSIGN_OR_RETURN(
      out.c,
      BeginForCase(call, case_id, domain::kRefundKind, RefundRequest(act, use), duty));
  const std::string& owner =
      out.c.held_by.empty() ? out.c.row.customer_id : out.c.held_by;
  auto cipher = FinancialCipherFor(owner);
  if (!cipher) return Error(std::move(call).Fail("integrity_error", cipher.error()));
  out.cipher = *cipher;
  auto refund = domain::OpenRefundCase(*out.cipher, out.c.row);
  if (!refund) return Error(std::move(call).Fail("integrity_error", refund.error()));
  // Not swept yet: stored in full under the hold's key, read minimised.
  out.refund = out.c.row.customer_id == owner ? std::move(*refund)
                                              : domain::MinimiseForHold(*refund, owner);
  return out;
}

Status VaultCore::CheckLinkable(AuditedCall& call, const Subject& subject,
                                const Product& product, std::string_view ticket_id) {
  CVAULT_ASSIGN_OR_RETURN(auto row, call.tx().GetCase(ticket_id));
  if (!row || row->kind != domain::kTicketKind ||
      row->customer_id != subject.row->id) {
    return Status::InvalidArgument(
        "ticket: no ticket with that id belongs to this case's customer");
  }
  CVAULT_ASSIGN_OR_RETURN(Ticket ticket, domain::OpenTicket(subject.keys->cipher, *row));
  if (!SameProduct(ticket.product, product)) {
    return Status::InvalidArgument(
        "ticket: the ticket is about another product than the refund case; only a "
        "ticket about the refunded product is evidence for it");
  }
  return Status::Ok();
}

Status VaultCore::LinkTicket(const AccessContext& in, std::string_view case_id,
                             std::string_view ticket_id) {
  std::lock_guard lock(mu_);
  CVAULT_ASSIGN_OR_RETURN(
      AuditedCall call,
      StartCall(in, action::kRefundWrite,
                {"refund.link_ticket", "", {"refund_case"}, {}, "allow", "ok"}));
  CVAULT_ASSIGN_OR_RETURN(OpenedRefund o,
                          BeginForRefund(call, case_id, policy::FieldUse::kWrite));
  auto fail = [&](std::string reason, Status status) {
    return std::move(call).Fail(std::move(reason), std::move(status));
  };
  RefundCase& refund = o.refund;
  std::int64_t now = NowMicros();
  if (domain::IsTerminal(refund.status)) {
    return fail("case_closed", Status::FailedPrecondition("the refund case is closed"));
  }
  Status linkable = CheckLinkable(call, o.c.decided.subject, refund.product, ticket_id);
  if (!linkable.ok()) return fail("invalid_input", linkable);
  if (std::find(refund.ticket_ids.begin(), refund.ticket_ids.end(), ticket_id) !=
      refund.ticket_ids.end()) {
    return fail("already_linked",
                Status::AlreadyExists("ticket: already linked to this case"));
  }
  refund.ticket_ids.emplace_back(ticket_id);
  CVAULT_RETURN_IF_ERROR(UpdateRefundRow(call.tx(), *o.cipher, o.c.row, refund, now));
  return std::move(call).Commit();
}

StatusOr<EligibilityDecision> VaultCore::AssessLinkedTickets(AuditedCall& call,
                                                             const OpenedRefund& o,
                                                             Timestamp at) {
  // The linked tickets are support evidence, sealed under the customer's
  // standard key; only the facts the rules need leave this function.
  std::vector<domain::TicketFacts> facts;
  for (const std::string& ticket_id : o.refund.ticket_ids) {
    CVAULT_ASSIGN_OR_RETURN(auto row, call.tx().GetCase(ticket_id));
    if (!row) continue;  // erased with the customer's support evidence
    CVAULT_ASSIGN_OR_RETURN(Ticket ticket,
                            domain::OpenTicket(o.c.decided.subject.keys->cipher, *row));
    // Linking refuses another product's ticket; one linked before that
    // rule existed is still no evidence for this product.
    if (!SameProduct(ticket.product, o.refund.product)) continue;
    domain::TicketFacts f{ticket.ticket_id, ticket.substantial, ticket.state,
                          ticket.opened_at, ticket.resolved_at, {},
                          std::move(ticket.customer_replies)};
    for (const FixAttempt& attempt : ticket.attempts) {
      f.attempts.push_back({attempt.at, attempt.outcome});
    }
    facts.push_back(std::move(f));
  }
  CVAULT_ASSIGN_OR_RETURN(OrderRecords order, ReadOrderRecords(call, o, false));
  std::optional<domain::PurchaseFacts> purchase;
  if (order.purchase) {
    const PurchaseRecord& p = *order.purchase;
    purchase = domain::PurchaseFacts{p.purchase_id,       p.recorded_at,
                                     p.purchased_at,      p.policy_version,
                                     p.requirements_shown, p.withdrawal_right,
                                     std::nullopt};
    if (p.withdrawal_waiver) purchase->waiver_at = p.withdrawal_waiver->at;
  }
  return domain::AssessEligibility(o.refund.reason, facts, at, options_.refund_policy,
                                   purchase);
}

StatusOr<EligibilityDecision> VaultCore::AssessRefund(const AccessContext& in,
                                                      std::string_view case_id,
                                                      std::optional<Timestamp> at) {
  std::lock_guard lock(mu_);
  CVAULT_ASSIGN_OR_RETURN(
      AuditedCall call,
      StartCall(in, action::kRefundWrite,
                {"refund.assess", "", {"refund_case"}, {}, "allow", "ok"}));
  CVAULT_ASSIGN_OR_RETURN(OpenedRefund o,
                          BeginForRefund(call, case_id, policy::FieldUse::kWrite));
  auto fail = [&](std::string reason, Status status) {
    return Error(std::move(call).Fail(std::move(reason), std::move(status)));
  };
  std::int64_t now = NowMicros();
  // An assessment may look back (what was the answer on a past day) but not
  // ahead: a future instant would let a timeframe be skipped.
  if (at && Us(*at) > now) {
    return fail("invalid_input",
                Status::InvalidArgument("at: an assessment cannot be in the future"));
  }
  // Once decided, the assessment the decision rested on stays as it was.
  if (o.refund.status != RefundStatus::kRequested &&
      o.refund.status != RefundStatus::kUnderReview) {
    return fail("case_decided",
                Status::FailedPrecondition(
                    "the case is " + std::string(RefundStatusName(o.refund.status)) +
                    ": its decision was taken and the evidence behind it is kept as it "
                    "was; assessments are made before the decision"));
  }
  auto decision = AssessLinkedTickets(call, o, at.value_or(At(now)));
  if (!decision) return fail("integrity_error", decision.error());
  decision->assessed_by = call.ctx().principal_id;
  AddDecider(o.refund, call.ctx().principal_id);
  o.refund.last_assessment = *decision;
  CVAULT_RETURN_IF_ERROR(UpdateRefundRow(call.tx(), *o.cipher, o.c.row, o.refund, now));
  call.event().reason_code = std::string(EligibilityName(decision->decision));
  CVAULT_RETURN_IF_ERROR(std::move(call).Commit());
  return *decision;
}

Status VaultCore::TransitionRefund(const AccessContext& in, std::string_view case_id,
                                   RefundStatus to, std::string_view note) {
  std::lock_guard lock(mu_);
  CVAULT_ASSIGN_OR_RETURN(
      AuditedCall call,
      StartCall(in, action::kRefundWrite,
                {"refund.transition", "", {"refund_case"}, {}, "allow", "ok"}));
  const bool payment_step = to == RefundStatus::kProcessing ||
                            to == RefundStatus::kCompleted || to == RefundStatus::kFailed;
  CVAULT_ASSIGN_OR_RETURN(
      OpenedRefund o,
      BeginForRefund(call, case_id, policy::FieldUse::kWrite,
                     payment_step ? CaseDuty::kPayApproved : CaseDuty::kOrdinary));
  auto fail = [&](std::string reason, Status status) {
    return std::move(call).Fail(std::move(reason), std::move(status));
  };
  RefundCase& refund = o.refund;
  std::int64_t now = NowMicros();
  Status allowed = domain::CheckTransition(refund.status, to);
  if (!allowed.ok()) return fail("invalid_transition", allowed);
  if (!note.empty()) {
    Status valid = domain::ValidateText("note", note, kMaxNote, true);
    if (!valid.ok()) return fail("invalid_input", valid);
  }
  if (to == RefundStatus::kApproved) {
    // Approval re-assesses now, so a stale "eligible" (a ticket fixed since,
    // a new ticket linked) cannot carry a refund through.
    bool manual_ground = refund.reason == RefundReason::kDuplicatePurchase ||
                         refund.reason == RefundReason::kOther;
    auto decision = AssessLinkedTickets(call, o, At(now));
    if (!decision) return fail("integrity_error", decision.error());
    decision->assessed_by = call.ctx().principal_id;
    refund.last_assessment = *decision;
    if (manual_ground) {
      // Outside the policy's automatic rule: staff may approve, with a
      // recorded justification.
      if (note.empty()) {
        return fail("justification_required",
                    Status::FailedPrecondition(
                        "approving a duplicate purchase or an 'other' reason is a manual "
                        "decision: give a note saying why"));
      }
      call.event().fields_requested.push_back("manual_approval");
    } else if (decision->decision != Eligibility::kEligible) {
      return fail("not_assessed_eligible",
                  Status::FailedPrecondition(
                      "the case is not eligible under the refund policy right now (" +
                      std::string(EligibilityName(decision->decision)) +
                      "): it cannot be approved"));
    }
  }
  if (to == RefundStatus::kCompleted &&
      decider_.policy().duties.separate_refund_payment &&
      std::ranges::find(refund.deciders, call.ctx().principal_id) !=
          refund.deciders.end()) {
    return fail("separation_of_duties",
                Status::FailedPrecondition(
                    "separation of duties: the principal who assessed or approved this "
                    "refund may not mark it paid; another principal must complete it"));
  }
  // Paid means the processor refunded: its reference must be on the case.
  if (to == RefundStatus::kCompleted &&
      std::ranges::none_of(refund.payments, [](const PaymentReference& p) {
        return p.refund_id.has_value();
      })) {
    return fail("refund_reference_missing",
                Status::FailedPrecondition(
                    "refund id: a case is completed only with the processor's refund "
                    "reference; attach the refund with its refund id first"));
  }
  if (to == RefundStatus::kApproved) AddDecider(refund, call.ctx().principal_id);
  refund.history.push_back(
      {refund.status, to, At(now), call.ctx().principal_id, std::string(note)});
  refund.status = to;
  domain::BusinessCalendar calendar(options_.refund_policy.holidays);
  if (to == RefundStatus::kApproved) {
    refund.processing_due_at = calendar.AddBusinessDays(
        At(now), options_.refund_policy.processing_max_business_days);
  }
  if (domain::IsTerminal(to)) {
    refund.processing_due_at.reset();
    refund.next_update_due_at.reset();
  }
  // A decision owes the customer a notice at once; an erased customer can
  // no longer be told.
  if (IsDecision(to) && o.c.held_by.empty()) {
    refund.decision_notice_owed = true;
    refund.next_update_due_at = At(now);
  }
  CVAULT_RETURN_IF_ERROR(UpdateRefundRow(call.tx(), *o.cipher, o.c.row, refund, now));
  call.event().reason_code = std::string(RefundStatusName(to));
  return std::move(call).Commit();
}

Status VaultCore::AttachPayment(const AccessContext& in, std::string_view case_id,
                                const PaymentReference& payment) {
  std::lock_guard lock(mu_);
  CVAULT_ASSIGN_OR_RETURN(
      AuditedCall call,
      StartCall(in, action::kRefundWrite,
                {"refund.attach_payment", "", {"refund_case"}, {}, "allow", "ok"}));
  CVAULT_ASSIGN_OR_RETURN(OpenedRefund o, BeginForRefund(call, case_id,
                                                         policy::FieldUse::kWrite,
                                                         CaseDuty::kPayApproved));
  auto fail = [&](std::string reason, Status status) {
    return std::move(call).Fail(std::move(reason), std::move(status));
  };
  RefundCase& refund = o.refund;
  std::int64_t now = NowMicros();
  if (refund.status == RefundStatus::kDenied ||
      refund.status == RefundStatus::kWithdrawn) {
    return fail("case_closed", Status::FailedPrecondition(
                                   "the refund case was denied or withdrawn; no payment "
                                   "references belong on it"));
  }
  Status valid = domain::ValidatePaymentReference(payment);
  if (!valid.ok()) return fail("invalid_input", valid);
  // The other cases' refunds are read in this write transaction: two cases
  // refunding one charge at once are serialized, so together they cannot
  // exceed it.
  auto order = ReadOrderRecords(call, o, true);
  if (!order) return fail("integrity_error", order.error());
  auto pending = std::ranges::find_if(refund.payments, [&](const PaymentReference& p) {
    return domain::CompletesPendingRefund(p, payment);
  });
  std::vector<PaymentReference> earlier = std::move(order->other_refunds);
  for (auto it = refund.payments.begin(); it != refund.payments.end(); ++it) {
    if (it != pending) earlier.push_back(*it);
  }
  // An approved refund stays payable when the order has no purchase record
  // (an order from before the shop reported purchases): the charge is then
  // unknown and the entry says the total could not be bounded.
  Status fits = order->purchase
                    ? domain::CheckRefundAgainstCharge(order->purchase->charge, earlier,
                                                       payment)
                    : domain::CheckRefundWithoutCharge(earlier, payment);
  if (!fits.ok()) {
    return fail(fits.code() == StatusCode::kFailedPrecondition ? "exceeds_charge"
                : fits.code() == StatusCode::kAlreadyExists    ? "already_recorded"
                                                               : "invalid_input",
                fits);
  }
  if (!order->purchase) call.event().fields_requested.push_back("charge_unknown");
  if (pending != refund.payments.end()) {
    pending->refund_id = payment.refund_id;  // the pending refund went through
    call.event().fields_requested.push_back("refund_id_added");
  } else {
    refund.payments.push_back(payment);
  }
  CVAULT_RETURN_IF_ERROR(UpdateRefundRow(call.tx(), *o.cipher, o.c.row, refund, now));
  call.event().reason_code = std::string(ProcessorName(payment.processor));
  return std::move(call).Commit();
}

Status VaultCore::NotifyCustomer(const AccessContext& in, std::string_view case_id,
                                 std::string_view channel, std::string_view template_id) {
  std::lock_guard lock(mu_);
  CVAULT_ASSIGN_OR_RETURN(
      AuditedCall call,
      StartCall(in, action::kRefundWrite,
                {"refund.notify", "", {"refund_case"}, {}, "allow", "ok"}));
  CVAULT_ASSIGN_OR_RETURN(OpenedRefund o, BeginForRefund(call, case_id,
                                                         policy::FieldUse::kWrite,
                                                         CaseDuty::kTellCustomer));
  auto fail = [&](std::string reason, Status status) {
    return std::move(call).Fail(std::move(reason), std::move(status));
  };
  RefundCase& refund = o.refund;
  std::int64_t now = NowMicros();
  // Screened first, so that a card number is refused as such.
  Status screened = domain::ScreenForCardNumber("channel", channel);
  if (screened.ok()) screened = domain::ScreenForCardNumber("template id", template_id);
  if (!screened.ok()) return fail("invalid_input", screened);
  if (std::find(std::begin(kChannels), std::end(kChannels), channel) ==
      std::end(kChannels)) {
    return fail(
        "invalid_input",
        Status::InvalidArgument("channel: expected email, sms, in_app, phone or letter"));
  }
  Status token = domain::ValidateToken("template id", template_id);
  if (!token.ok()) return fail("invalid_input", token);
  refund.notices.push_back({std::string(channel), std::string(template_id), At(now)});
  if (refund.decision_notice_owed) {
    call.event().reason_code = "decision_notice";
    refund.decision_notice_owed = false;
  }
  if (!domain::IsTerminal(refund.status)) {
    domain::BusinessCalendar calendar(options_.refund_policy.holidays);
    refund.next_update_due_at = calendar.AddBusinessDays(
        At(now), options_.refund_policy.max_update_gap_business_days);
  } else {
    refund.next_update_due_at.reset();
  }
  CVAULT_RETURN_IF_ERROR(UpdateRefundRow(call.tx(), *o.cipher, o.c.row, refund, now));
  return std::move(call).Commit();
}

StatusOr<RefundCase> VaultCore::GetRefund(const AccessContext& in,
                                          std::string_view case_id) {
  std::lock_guard lock(mu_);
  CVAULT_ASSIGN_OR_RETURN(
      AuditedCall call,
      StartCall(in, action::kRefundRead,
                {"refund.read", "", {"refund_case"}, {}, "allow", "ok"}));
  CVAULT_ASSIGN_OR_RETURN(OpenedRefund o,
                          BeginForRefund(call, case_id, policy::FieldUse::kRead));
  call.event().fields_returned = {"refund_case"};
  CVAULT_RETURN_IF_ERROR(std::move(call).Commit());
  return std::move(o.refund);
}

StatusOr<std::vector<OverdueCase>> VaultCore::OverdueRefunds(
    const AccessContext& in, std::optional<Timestamp> at) {
  std::lock_guard lock(mu_);
  CVAULT_ASSIGN_OR_RETURN(
      AuditedCall call,
      StartCall(in, action::kRefundRead, {"refund.overdue", "", {}, {}, "allow", "ok"}));
  policy::Decision decision = decider_.Decide(
      call.ctx(), RefundRequest(action::kRefundRead, policy::FieldUse::kRead));
  if (!decision.allowed()) return Error(std::move(call).Deny(decision));
  std::int64_t when = at ? Us(*at) : NowMicros();
  CVAULT_ASSIGN_OR_RETURN(auto* tx, call.Transaction());
  CVAULT_ASSIGN_OR_RETURN(auto rows, tx->ListDueRefunds(when));
  std::vector<OverdueCase> overdue;
  for (const store::CaseRow& row : rows) {
    OverdueCase o;
    o.case_id = row.case_id;
    o.status = ParseRefundStatus(row.status).value_or(RefundStatus::kRequested);
    if (row.processing_due_at_us) o.processing_due_at = At(*row.processing_due_at_us);
    if (row.update_due_at_us) o.next_update_due_at = At(*row.update_due_at_us);
    o.processing_overdue = row.processing_due_at_us && *row.processing_due_at_us <= when;
    o.update_owed = row.update_due_at_us && *row.update_due_at_us <= when;
    // A final status keeps an update due only while its decision notice is
    // owed (an approval's notice shows as an update owed at once).
    o.decision_notice_owed = o.update_owed && domain::IsTerminal(o.status);
    overdue.push_back(std::move(o));
  }
  CVAULT_RETURN_IF_ERROR(std::move(call).Commit());
  return overdue;
}

}  // namespace cvault::internal
