// The data-subject request operations of VaultCore: requests tracked to
// their deadlines (GDPR Art. 12(3)), and the fulfilment step the export,
// erasure and restriction calls share. The rules are domain/dsr_request.h's;
// here they are read and written in the call's transaction and audited.
#include <chrono>

#include "domain/dsr_request.h"
#include "vault/vault_core.h"

namespace cvault::internal {
namespace {

namespace action = policy::action;

std::int64_t Us(Timestamp t) { return t.time_since_epoch().count(); }

// Nothing received before the GDPR applied (25 May 2018) is a request
// under it: an earlier date is a typing error.
constexpr std::int64_t kGdprAppliesFromUs = 1527206400LL * 1000 * 1000;

std::string_view ChangeName(VaultCore::DsrChange::Kind kind) {
  switch (kind) {
    case VaultCore::DsrChange::Kind::kIdentityCheck:
      return "dsr.request.verify";
    case VaultCore::DsrChange::Kind::kExtension:
      return "dsr.request.extend";
    case VaultCore::DsrChange::Kind::kClosure:
      return "dsr.request.close";
  }
  return "dsr.request.close";
}

}  // namespace

StatusOr<DsrRequest> VaultCore::OpenDsrRequest(const AccessContext& in,
                                               const NewDsrRequest& request) {
  std::lock_guard lock(mu_);
  CVAULT_ASSIGN_OR_RETURN(
      AuditedCall call,
      StartCall(in, action::kDsrRequest,
                {"dsr.request.open",
                 "",
                 {"kind=" + std::string(DsrKindName(request.kind))},
                 {},
                 "allow",
                 "opened"}));
  // A restricted customer may still exercise every right.
  CVAULT_ASSIGN_OR_RETURN(
      Decided d,
      BeginForSubject(call, request.customer,
                      {action::kDsrRequest, policy::FieldUse::kWrite, {}, std::nullopt},
                      /*ignore_restriction=*/true));
  const std::int64_t now = NowMicros();
  const std::int64_t received = request.received_at ? Us(*request.received_at) : now;
  if (received > now) {
    return Error(std::move(call).Fail(
        "invalid_input", Status::InvalidArgument("received at: must not be in the future")));
  }
  if (received < kGdprAppliesFromUs) {
    return Error(std::move(call).Fail(
        "invalid_input",
        Status::InvalidArgument("received at: must not be before 2018-05-25, when the "
                                "GDPR began to apply")));
  }
  store::DsrRequestRow row =
      domain::NewDsrRequestRow(request.customer.str(), request.kind, received);
  call.event().fields_returned = {"request=" + row.request_id};
  CVAULT_RETURN_IF_ERROR(call.tx().InsertDsrRequest(row));
  CVAULT_RETURN_IF_ERROR(std::move(call).Commit());
  return domain::ToDsrRequest(row, now);
}

StatusOr<DsrRequest> VaultCore::ChangeDsrRequest(const AccessContext& in,
                                                 std::string_view request_id,
                                                 const DsrChange& change) {
  std::lock_guard lock(mu_);
  CVAULT_ASSIGN_OR_RETURN(
      AuditedCall call,
      StartCall(in, action::kDsrRequest,
                {std::string(ChangeName(change.kind)), "", {}, {}, "allow", "ok"}));
  CVAULT_RETURN_IF_ERROR(DecideOperation(call, action::kDsrRequest));
  auto fail = [&](Status status) {
    std::string reason = status.reason_code();
    return Error(std::move(call).Fail(std::move(reason), std::move(status)));
  };
  if (Status shape = domain::CheckDsrRequestId(request_id); !shape.ok()) return fail(shape);
  call.event().fields_requested = {"request=" + std::string(request_id)};
  CVAULT_ASSIGN_OR_RETURN(auto* tx, call.Transaction());
  CVAULT_ASSIGN_OR_RETURN(auto found, tx->GetDsrRequest(request_id));
  if (!found) {
    return fail(Status::NotFound("no data-subject request with that id")
                    .WithReasonCode("not_found"));
  }
  store::DsrRequestRow row = std::move(*found);
  // The entry names the customer while they exist; after their erasure it
  // names no one.
  CVAULT_ASSIGN_OR_RETURN(Subject subject, LoadSubject(call, row.customer_id));
  const std::int64_t now = NowMicros();
  switch (change.kind) {
    case DsrChange::Kind::kIdentityCheck: {
      if (Status s = domain::CheckIdentityChange(row); !s.ok()) return fail(s);
      const IdentityCheck result =
          change.verified ? IdentityCheck::kVerified : IdentityCheck::kFailed;
      row.identity = std::string(IdentityCheckName(result));
      call.event().reason_code = "identity_" + row.identity;
      break;
    }
    case DsrChange::Kind::kExtension: {
      if (Status s = domain::CheckExtension(row, now); !s.ok()) return fail(s);
      row.extension = std::string(DsrExtensionName(change.extension));
      row.extended_at_us = now;
      row.due_at_us = domain::DsrDueAt(row.received_at_us, /*extended=*/true);
      call.event().reason_code = "extended_" + row.extension;
      break;
    }
    case DsrChange::Kind::kClosure: {
      if (Status s = domain::CheckClosure(row, change.closure, subject.row.has_value());
          !s.ok()) {
        return fail(s);
      }
      domain::CloseDsrRow(row, change.closure, now);
      call.event().reason_code = "closed_" + row.status;
      break;
    }
  }
  CVAULT_RETURN_IF_ERROR(call.tx().UpdateDsrRequest(row));
  CVAULT_RETURN_IF_ERROR(std::move(call).Commit());
  row.version += 1;
  return domain::ToDsrRequest(row, now);
}

StatusOr<DsrRequest> VaultCore::GetDsrRequest(const AccessContext& in,
                                              std::string_view request_id) {
  std::lock_guard lock(mu_);
  CVAULT_ASSIGN_OR_RETURN(
      AuditedCall call,
      StartCall(in, action::kDsrRequest, {"dsr.request.read", "", {}, {}, "allow", "ok"}));
  CVAULT_RETURN_IF_ERROR(DecideOperation(call, action::kDsrRequest));
  if (Status shape = domain::CheckDsrRequestId(request_id); !shape.ok()) {
    return Error(std::move(call).Fail("invalid_input", shape));
  }
  call.event().fields_requested = {"request=" + std::string(request_id)};
  CVAULT_ASSIGN_OR_RETURN(auto* tx, call.Transaction());
  CVAULT_ASSIGN_OR_RETURN(auto found, tx->GetDsrRequest(request_id));
  if (!found) {
    return Error(std::move(call).Fail(
        "not_found", Status::NotFound("no data-subject request with that id")));
  }
  CVAULT_RETURN_IF_ERROR(StatusOf(LoadSubject(call, found->customer_id)));
  auto request = domain::ToDsrRequest(*found, NowMicros());
  if (!request) return Error(std::move(call).Fail("integrity_error", request.error()));
  CVAULT_RETURN_IF_ERROR(std::move(call).Commit());
  return request;
}

StatusOr<std::vector<DsrRequest>> VaultCore::ListDsrRequests(const AccessContext& in,
                                                             const DsrListing& listing) {
  std::lock_guard lock(mu_);
  CVAULT_ASSIGN_OR_RETURN(
      AuditedCall call,
      StartCall(in, action::kDsrRequest, {"dsr.request.list", "", {}, {}, "allow", "ok"}));
  CVAULT_RETURN_IF_ERROR(DecideOperation(call, action::kDsrRequest));
  CVAULT_ASSIGN_OR_RETURN(auto* tx, call.Transaction());
  std::string customer;
  if (listing.customer) {
    customer = listing.customer->str();
    CVAULT_RETURN_IF_ERROR(StatusOf(LoadSubject(call, customer)));
  }
  const bool open_only = !listing.include_closed || listing.overdue_only;
  CVAULT_ASSIGN_OR_RETURN(auto rows, tx->ListDsrRequests(open_only, customer));
  const std::int64_t at = listing.at ? Us(*listing.at) : NowMicros();
  std::vector<DsrRequest> out;
  for (const store::DsrRequestRow& row : rows) {
    auto request = domain::ToDsrRequest(row, at);
    if (!request) return Error(std::move(call).Fail("integrity_error", request.error()));
    if (listing.overdue_only && !request->overdue) continue;
    out.push_back(std::move(*request));
  }
  call.event().fields_returned = {"requests=" + std::to_string(out.size())};
  CVAULT_RETURN_IF_ERROR(std::move(call).Commit());
  return out;
}

StatusOr<std::optional<store::DsrRequestRow>> VaultCore::BeginFulfilment(
    AuditedCall& call, std::string_view request_id, const CustomerId& id,
    std::span<const DsrKind> answers) {
  if (request_id.empty()) return std::optional<store::DsrRequestRow>();
  auto fail = [&](Status status) {
    std::string reason = status.reason_code();
    return Error(std::move(call).Fail(std::move(reason), std::move(status)));
  };
  // The request is part of what the call is asked to do: the policy must
  // let the context track requests too.
  policy::Decision decision = decider_.Decide(
      call.ctx(), {action::kDsrRequest, policy::FieldUse::kWrite, {}, std::nullopt});
  if (!decision.allowed()) return Error(std::move(call).Deny(decision));
  if (Status shape = domain::CheckDsrRequestId(request_id); !shape.ok()) return fail(shape);
  call.event().fields_requested.push_back("request=" + std::string(request_id));
  CVAULT_ASSIGN_OR_RETURN(auto* tx, call.Transaction());
  CVAULT_ASSIGN_OR_RETURN(auto found, tx->GetDsrRequest(request_id));
  if (!found) {
    return fail(Status::NotFound("request: no data-subject request with that id")
                    .WithReasonCode("not_found"));
  }
  if (Status s = domain::CheckFulfilment(*found, id.str(), answers); !s.ok()) return fail(s);
  return found;
}

Status VaultCore::FinishFulfilment(AuditedCall& call, store::DsrRequestRow& request,
                                   std::string outcome_ref) {
  domain::CloseDsrRow(request, {DsrStatus::kFulfilled, std::nullopt, std::move(outcome_ref)},
                      NowMicros());
  return call.tx().UpdateDsrRequest(request);
}

}  // namespace cvault::internal
