// The Support operations of VaultCore: tickets and fix attempts, sealed
// under the customer's standard data key (support evidence).
#include <fmt/format.h>

#include <functional>

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
  // An opening time further back than the clock-skew allowance imports
  // ticket history: a duty of its own, since a backdated ticket would start
  // the refund clock early. The claimed time goes into the audit entry
  // either way (a time is not personal data).
  const std::int64_t skew_us =
      std::chrono::duration_cast<std::chrono::microseconds>(
          options_.refund_policy.ticket_clock_skew)
          .count();
  const bool history = t.opened_at && Us(*t.opened_at) < NowMicros() - skew_us;
  const std::string_view act =
      history ? action::kSupportImportHistory : action::kSupportWrite;
  audit::AuditEvent event{"support.open", "", {"ticket"}, {}, "allow", "ok"};
  if (history) event.action = "support.import_history";
  if (t.opened_at) event.fields_requested.push_back("opened_at=" + FormatTimestamp(*t.opened_at));
  CVAULT_ASSIGN_OR_RETURN(AuditedCall call, StartCall(in, act, std::move(event)));
  // Importing history is granted by the action alone (by default to the
  // operator, whose purpose sees no field group): it writes evidence it
  // never reads back.
  policy::AccessRequest request =
      history ? policy::AccessRequest{act, policy::FieldUse::kWrite, {}, std::nullopt}
              : TicketRequest(act, policy::FieldUse::kWrite);
  CVAULT_ASSIGN_OR_RETURN(Decided d, BeginForSubject(call, t.customer, std::move(request)));
  std::int64_t now = NowMicros();
  Status valid = domain::ValidateSku(t.product.sku);
  if (valid.ok()) valid = domain::ValidateText("summary", t.summary, kMaxSummary, true);
  if (valid.ok() && t.opened_at && Us(*t.opened_at) > now) {
    valid = Status::InvalidArgument("opened at: must not be in the future");
  }
  // No help desk kept tickets before 1970; an earlier time is a mistake.
  if (valid.ok() && t.opened_at && Us(*t.opened_at) < 0) {
    valid = Status::InvalidArgument("opened at: must not be before 1970-01-01");
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

Status VaultCore::AddToOpenTicket(
    const AccessContext& in, std::string_view ticket_id, std::string_view audit_action,
    std::optional<Timestamp> at,
    const std::function<Status(Ticket&, Timestamp, audit::AuditEvent&)>& add) {
  std::lock_guard lock(mu_);
  CVAULT_ASSIGN_OR_RETURN(
      AuditedCall call, StartCall(in, action::kSupportWrite,
                                  {std::string(audit_action), "", {"ticket"}, {}, "allow",
                                   "ok"}));
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
  if (when > now || when < c.row.opened_at_us) {
    return fail("invalid_input", Status::InvalidArgument(
                                     "at: must lie between the ticket's opening and now"));
  }
  Status added = add(ticket, Timestamp(std::chrono::microseconds(when)), call.event());
  if (!added.ok()) return fail("invalid_input", added);
  c.row.updated_at_us = now;
  CVAULT_ASSIGN_OR_RETURN(c.row.document, domain::SealTicket(cipher, c.row, ticket));
  CVAULT_RETURN_IF_ERROR(call.tx().UpdateCase(c.row));
  return std::move(call).Commit();
}

Status VaultCore::RecordAttempt(const AccessContext& in, std::string_view ticket_id,
                                FixOutcome outcome, std::string_view note,
                                std::optional<Timestamp> at) {
  return AddToOpenTicket(
      in, ticket_id, "support.attempt", at,
      [&](Ticket& ticket, Timestamp when, audit::AuditEvent& event) -> Status {
        if (!note.empty()) {
          CVAULT_RETURN_IF_ERROR(domain::ValidateText("note", note, kMaxNote, true));
        }
        ticket.attempts.push_back({when, outcome, std::string(note)});
        event.reason_code = std::string(FixOutcomeName(outcome));
        return Status::Ok();
      });
}

Status VaultCore::RecordCustomerReply(const AccessContext& in, std::string_view ticket_id,
                                      std::optional<Timestamp> at) {
  return AddToOpenTicket(in, ticket_id, "support.customer_reply", at,
                         [](Ticket& ticket, Timestamp when, audit::AuditEvent&) {
                           ticket.customer_replies.push_back(when);
                           return Status::Ok();
                         });
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
