// The Support operations of VaultCore: tickets and fix attempts, sealed
// under the customer's standard data key (support evidence).
#include <fmt/format.h>

#include "domain/case_documents.h"
#include "domain/validation.h"
#include "vault/vault_core.h"

namespace cvault::internal {
namespace {

namespace action = policy::action;
constexpr std::size_t kMaxSummary = 2000;
constexpr std::size_t kMaxNote = 2000;
constexpr int kStandardClass = 1;  // keys::RetentionClass::kStandard

std::int64_t Us(Timestamp t) { return t.time_since_epoch().count(); }

policy::AccessRequest TicketRequest(std::string_view act, policy::FieldUse use) {
  policy::AccessRequest r{act, use, {}, std::nullopt};
  r.record_group = FieldGroup::kSupportEvidence;
  return r;
}

}  // namespace

StatusOr<std::string> VaultCore::OpenTicket(const AccessContext& in, const NewTicket& t) {
  std::lock_guard lock(mu_);
  CVAULT_ASSIGN_OR_RETURN(AuditedCall call,
                          StartCall(in, action::kSupportWrite,
                                    {"support.open", "", {"ticket"}, {}, "allow", "ok"}));
  CVAULT_ASSIGN_OR_RETURN(
      Decided d,
      BeginForSubject(call, t.customer,
                      TicketRequest(action::kSupportWrite, policy::FieldUse::kWrite)));
  std::int64_t now = NowMicros();
  Status valid = domain::ValidateSku(t.product.sku);
  if (valid.ok()) valid = domain::ValidateText("summary", t.summary, kMaxSummary, true);
  if (valid.ok() && t.opened_at && Us(*t.opened_at) > now) {
    valid = Status::InvalidArgument("opened at: must not be in the future");
  }
  if (!valid.ok()) return Error(std::move(call).Fail("invalid_input", valid));
  Ticket ticket;
  ticket.ticket_id = domain::NewTicketId();
  ticket.customer = t.customer;
  ticket.product = t.product;
  ticket.summary = t.summary;
  ticket.substantial = t.substantial;
  ticket.opened_at = t.opened_at.value_or(Timestamp(std::chrono::microseconds(now)));
  store::CaseRow row;
  row.case_id = ticket.ticket_id;
  row.kind = domain::kTicketKind;
  row.customer_id = t.customer.str();
  row.status = std::string(TicketStateName(TicketState::kOpen));
  row.opened_at_us = Us(ticket.opened_at);
  row.updated_at_us = now;
  row.retention_class = kStandardClass;
  CVAULT_ASSIGN_OR_RETURN(row.document,
                          domain::SealTicket(d.subject.keys->cipher, row, ticket));
  CVAULT_RETURN_IF_ERROR(call.tx().InsertCase(row));
  CVAULT_RETURN_IF_ERROR(std::move(call).Commit());
  return ticket.ticket_id;
}

Status VaultCore::RecordAttempt(const AccessContext& in, std::string_view ticket_id,
                                FixOutcome outcome, std::string_view note,
                                std::optional<Timestamp> at) {
  std::lock_guard lock(mu_);
  CVAULT_ASSIGN_OR_RETURN(
      AuditedCall call,
      StartCall(in, action::kSupportWrite,
                {"support.attempt", "", {"ticket"}, {}, "allow", "ok"}));
  CVAULT_ASSIGN_OR_RETURN(
      DecidedCase c,
      BeginForCase(call, ticket_id, domain::kTicketKind,
                   TicketRequest(action::kSupportWrite, policy::FieldUse::kWrite)));
  auto fail = [&](std::string reason, Status status) {
    return std::move(call).Fail(std::move(reason), std::move(status));
  };
  const crypto::FieldCipher& cipher = c.decided.subject.keys->cipher;
  CVAULT_ASSIGN_OR_RETURN(Ticket ticket, domain::OpenTicket(cipher, c.row));
  std::int64_t now = NowMicros();
  std::int64_t when = at ? Us(*at) : now;
  if (ticket.state != TicketState::kOpen) {
    return fail(
        "ticket_closed",
        Status::FailedPrecondition("the ticket is resolved; open a new ticket instead"));
  }
  Status valid =
      note.empty() ? Status::Ok() : domain::ValidateText("note", note, kMaxNote, true);
  if (valid.ok() && (when > now || when < c.row.opened_at_us)) {
    valid = Status::InvalidArgument("at: must lie between the ticket's opening and now");
  }
  if (!valid.ok()) return fail("invalid_input", valid);
  ticket.attempts.push_back(
      {Timestamp(std::chrono::microseconds(when)), outcome, std::string(note)});
  c.row.updated_at_us = now;
  CVAULT_ASSIGN_OR_RETURN(c.row.document, domain::SealTicket(cipher, c.row, ticket));
  CVAULT_RETURN_IF_ERROR(call.tx().UpdateCase(c.row));
  call.event().reason_code = std::string(FixOutcomeName(outcome));
  return std::move(call).Commit();
}

Status VaultCore::ResolveTicket(const AccessContext& in, std::string_view ticket_id,
                                TicketState outcome) {
  std::lock_guard lock(mu_);
  CVAULT_ASSIGN_OR_RETURN(
      AuditedCall call,
      StartCall(in, action::kSupportWrite,
                {"support.resolve", "", {"ticket"}, {}, "allow", "ok"}));
  if (outcome == TicketState::kOpen) {
    return std::move(call).Fail(
        "invalid_input",
        Status::InvalidArgument("outcome: resolve a ticket as fixed or unfixable"));
  }
  CVAULT_ASSIGN_OR_RETURN(
      DecidedCase c,
      BeginForCase(call, ticket_id, domain::kTicketKind,
                   TicketRequest(action::kSupportWrite, policy::FieldUse::kWrite)));
  const crypto::FieldCipher& cipher = c.decided.subject.keys->cipher;
  CVAULT_ASSIGN_OR_RETURN(Ticket ticket, domain::OpenTicket(cipher, c.row));
  if (ticket.state != TicketState::kOpen) {
    return std::move(call).Fail(
        "ticket_closed", Status::FailedPrecondition("the ticket is already resolved"));
  }
  std::int64_t now = NowMicros();
  ticket.state = outcome;
  ticket.resolved_at = Timestamp(std::chrono::microseconds(now));
  c.row.status = std::string(TicketStateName(outcome));
  c.row.updated_at_us = now;
  CVAULT_ASSIGN_OR_RETURN(c.row.document, domain::SealTicket(cipher, c.row, ticket));
  CVAULT_RETURN_IF_ERROR(call.tx().UpdateCase(c.row));
  call.event().reason_code = std::string(TicketStateName(outcome));
  return std::move(call).Commit();
}

StatusOr<Ticket> VaultCore::GetTicket(const AccessContext& in,
                                      std::string_view ticket_id) {
  std::lock_guard lock(mu_);
  CVAULT_ASSIGN_OR_RETURN(AuditedCall call,
                          StartCall(in, action::kSupportRead,
                                    {"support.read", "", {"ticket"}, {}, "allow", "ok"}));
  CVAULT_ASSIGN_OR_RETURN(
      DecidedCase c,
      BeginForCase(call, ticket_id, domain::kTicketKind,
                   TicketRequest(action::kSupportRead, policy::FieldUse::kRead)));
  auto ticket = domain::OpenTicket(c.decided.subject.keys->cipher, c.row);
  if (!ticket) return Error(std::move(call).Fail("integrity_error", ticket.error()));
  call.event().fields_returned = {"ticket"};
  CVAULT_RETURN_IF_ERROR(std::move(call).Commit());
  return std::move(*ticket);
}

}  // namespace cvault::internal
