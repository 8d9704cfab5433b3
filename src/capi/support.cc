// The C API's support-ticket calls: open, attempt, resolve, show.
#include <string>

#include "capi/boundary.h"
#include "capi/json_input.h"
#include "capi/json_output.h"

namespace {

using cvault::AccessContext;
using cvault::Status;
using cvault::Vault;
using cvault::capi::OrEmpty;
using cvault::capi::Required;
using cvault::capi::VaultCall;

}  // namespace

extern "C" {

cvault_status cvault_ticket_open(cvault_vault* vault, const cvault_context* ctx,
                                 const char* ticket_json, char** out_id,
                                 cvault_error** error) {
  return VaultCall(vault, ctx, error, [&](Vault& v, const AccessContext& c) -> Status {
    CVAULT_ASSIGN_OR_RETURN(std::string_view text, Required(ticket_json, "ticket_json"));
    CVAULT_RETURN_IF_ERROR(cvault::capi::OutArg(out_id, "out_id"));
    CVAULT_ASSIGN_OR_RETURN(cvault::NewTicket ticket,
                            cvault::capi::NewTicketFromJson(text, "ticket_json"));
    CVAULT_ASSIGN_OR_RETURN(std::string id, v.support().OpenTicket(c, ticket));
    cvault::capi::Give(out_id, id);
    return Status::Ok();
  });
}

cvault_status cvault_ticket_attempt(cvault_vault* vault, const cvault_context* ctx,
                                    const char* ticket_id, const char* outcome,
                                    const char* note, const char* at,
                                    cvault_error** error) {
  return VaultCall(vault, ctx, error, [&](Vault& v, const AccessContext& c) -> Status {
    CVAULT_ASSIGN_OR_RETURN(std::string_view id, Required(ticket_id, "ticket_id"));
    CVAULT_ASSIGN_OR_RETURN(std::string_view name, Required(outcome, "outcome"));
    std::optional<cvault::FixOutcome> parsed = cvault::ParseFixOutcome(name);
    if (!parsed) {
      return Status::InvalidArgument(
          "outcome: expected fixed, not_fixed, workaround or needs_customer");
    }
    CVAULT_ASSIGN_OR_RETURN(auto when, cvault::capi::TimeArg(at, "at"));
    return v.support().RecordAttempt(c, id, *parsed, OrEmpty(note), when);
  });
}

cvault_status cvault_ticket_resolve(cvault_vault* vault, const cvault_context* ctx,
                                    const char* ticket_id, const char* outcome,
                                    cvault_error** error) {
  return VaultCall(vault, ctx, error, [&](Vault& v, const AccessContext& c) -> Status {
    CVAULT_ASSIGN_OR_RETURN(std::string_view id, Required(ticket_id, "ticket_id"));
    CVAULT_ASSIGN_OR_RETURN(std::string_view name, Required(outcome, "outcome"));
    cvault::TicketState state;
    if (name == "fixed") {
      state = cvault::TicketState::kFixed;
    } else if (name == "unfixable") {
      state = cvault::TicketState::kUnfixable;
    } else {
      return Status::InvalidArgument("outcome: expected fixed or unfixable");
    }
    return v.support().Resolve(c, id, state);
  });
}

cvault_status cvault_ticket_show(cvault_vault* vault, const cvault_context* ctx,
                                 const char* ticket_id, char** out_json,
                                 cvault_error** error) {
  return VaultCall(vault, ctx, error, [&](Vault& v, const AccessContext& c) -> Status {
    CVAULT_ASSIGN_OR_RETURN(std::string_view id, Required(ticket_id, "ticket_id"));
    CVAULT_RETURN_IF_ERROR(cvault::capi::OutArg(out_json, "out_json"));
    CVAULT_ASSIGN_OR_RETURN(cvault::Ticket ticket, v.support().GetTicket(c, id));
    cvault::capi::Give(out_json, cvault::capi::TicketJson(ticket));
    return Status::Ok();
  });
}

}  // extern "C"
