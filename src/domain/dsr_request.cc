#include "domain/dsr_request.h"

#include <algorithm>
#include <chrono>
#include <optional>

#include "domain/card_screen.h"
#include "domain/random_id.h"
#include "domain/validation.h"

namespace cvault::domain {
namespace {

constexpr std::size_t kMaxOutcomeRef = 64;

Timestamp At(std::int64_t us) { return Timestamp(std::chrono::microseconds(us)); }

Status Refused(std::string reason, Status status) {
  return status.WithReasonCode(std::move(reason));
}

Status NotOpen(const store::DsrRequestRow& row) {
  return Refused("request_closed",
                 Status::FailedPrecondition("the request is already closed (" + row.status +
                                            "); open a new one for a new request"));
}

// A stored code this library knows, or an integrity error naming the column.
template <class Enum>
StatusOr<Enum> Known(std::optional<Enum> parsed, std::string_view column) {
  if (!parsed) {
    return Error(Status::Integrity("a stored data-subject request has an unknown " +
                                   std::string(column)));
  }
  return *parsed;
}

}  // namespace

std::string NewDsrRequestId() { return NewRandomId(kDsrRequestPrefix); }

Status CheckDsrRequestId(std::string_view text) {
  if (IsRandomId(text, kDsrRequestPrefix)) return Status::Ok();
  return Refused("invalid_input",
                 Status::InvalidArgument(
                     "request id: expected \"dsr_\" followed by 26 base32 characters"));
}

std::int64_t AddCalendarMonths(std::int64_t from_us, int months) {
  using namespace std::chrono;
  const sys_time<microseconds> from{microseconds(from_us)};
  const sys_days day = floor<days>(from);
  const microseconds time_of_day = from - day;
  const year_month_day ymd{day};
  const year_month target = year_month(ymd.year(), ymd.month()) + std::chrono::months(months);
  const year_month_day_last last{target.year(), month_day_last(target.month())};
  const year_month_day landed{target.year(), target.month(),
                              std::min(ymd.day(), last.day())};
  return duration_cast<microseconds>((sys_days(landed) + time_of_day).time_since_epoch())
      .count();
}

std::int64_t DsrDueAt(std::int64_t received_us, bool extended) {
  return AddCalendarMonths(received_us, extended ? 3 : 1);
}

store::DsrRequestRow NewDsrRequestRow(std::string_view customer_id, DsrKind kind,
                                      std::int64_t received_us) {
  store::DsrRequestRow row;
  row.request_id = NewDsrRequestId();
  row.customer_id = std::string(customer_id);
  row.kind = std::string(DsrKindName(kind));
  row.status = std::string(DsrStatusName(DsrStatus::kOpen));
  row.identity = std::string(IdentityCheckName(IdentityCheck::kPending));
  row.received_at_us = received_us;
  row.due_at_us = DsrDueAt(received_us, /*extended=*/false);
  return row;
}

StatusOr<DsrRequest> ToDsrRequest(const store::DsrRequestRow& row, std::int64_t now_us) {
  DsrRequest out;
  out.request_id = row.request_id;
  CVAULT_ASSIGN_OR_RETURN(out.customer, CustomerId::Parse(row.customer_id));
  CVAULT_ASSIGN_OR_RETURN(out.kind, Known(ParseDsrKind(row.kind), "kind"));
  CVAULT_ASSIGN_OR_RETURN(out.status, Known(ParseDsrStatus(row.status), "status"));
  CVAULT_ASSIGN_OR_RETURN(out.identity,
                          Known(ParseIdentityCheck(row.identity), "identity check"));
  out.received_at = At(row.received_at_us);
  out.due_at = At(row.due_at_us);
  if (!row.extension.empty()) {
    CVAULT_ASSIGN_OR_RETURN(out.extension,
                            Known(ParseDsrExtension(row.extension), "extension"));
  }
  if (row.extended_at_us) out.extended_at = At(*row.extended_at_us);
  if (row.closed_at_us) out.closed_at = At(*row.closed_at_us);
  if (!row.outcome.empty()) {
    CVAULT_ASSIGN_OR_RETURN(out.refusal, Known(ParseDsrRefusal(row.outcome), "refusal"));
  }
  out.outcome_ref = row.outcome_ref;
  out.overdue = out.status == DsrStatus::kOpen && now_us > row.due_at_us;
  return out;
}

Status CheckIdentityChange(const store::DsrRequestRow& row) {
  if (row.status != DsrStatusName(DsrStatus::kOpen)) return NotOpen(row);
  return Status::Ok();
}

Status CheckExtension(const store::DsrRequestRow& row, std::int64_t now_us) {
  if (row.status != DsrStatusName(DsrStatus::kOpen)) return NotOpen(row);
  if (!row.extension.empty()) {
    return Refused("already_extended",
                   Status::FailedPrecondition(
                       "the request was already extended; the law allows one extension "
                       "of two months"));
  }
  if (now_us > DsrDueAt(row.received_at_us, /*extended=*/false)) {
    return Refused("extension_too_late",
                   Status::FailedPrecondition(
                       "the first month after receipt has passed: an extension must be "
                       "decided, and the customer told, within it (GDPR Art. 12(3))"));
  }
  return Status::Ok();
}

Status CheckClosure(const store::DsrRequestRow& row, const DsrClosure& closure,
                    bool customer_exists) {
  if (row.status != DsrStatusName(DsrStatus::kOpen)) return NotOpen(row);
  if (!closure.outcome_ref.empty()) {
    CVAULT_RETURN_IF_ERROR(
        ScreenForCardNumber("outcome reference", closure.outcome_ref)
            .WithReasonCode("invalid_input"));
    if (!IsIdentifier(closure.outcome_ref, kMaxOutcomeRef, "._-:/")) {
      return Refused("invalid_input",
                     Status::InvalidArgument(
                         "outcome reference: 1-64 letters, digits and . _ - : / required"));
    }
  }
  const bool verified = row.identity == IdentityCheckName(IdentityCheck::kVerified);
  switch (closure.status) {
    case DsrStatus::kOpen:
      return Refused("invalid_input",
                     Status::InvalidArgument(
                         "status: a request is closed as fulfilled, refused or withdrawn"));
    case DsrStatus::kWithdrawn:
      break;
    case DsrStatus::kRefused:
      if (!closure.refusal) {
        return Refused("invalid_input",
                       Status::InvalidArgument("refusal: a refused request needs a reason"));
      }
      if (*closure.refusal == DsrRefusal::kIdentityNotVerified && verified) {
        return Refused("identity_verified",
                       Status::FailedPrecondition(
                           "refusal: the requester's identity was verified"));
      }
      return Status::Ok();
    case DsrStatus::kFulfilled: {
      const std::optional<DsrKind> kind = ParseDsrKind(row.kind);
      const bool already_erased = kind == DsrKind::kErasure && !customer_exists;
      if (already_erased && closure.outcome_ref.empty()) {
        return Refused("invalid_input",
                       Status::InvalidArgument(
                           "outcome reference: name the erasure that already erased the "
                           "customer"));
      }
      if (kind != DsrKind::kRectification && kind != DsrKind::kObjection &&
          !already_erased) {
        return Refused("fulfilled_by_call",
                       Status::FailedPrecondition(
                           "a request for " + row.kind +
                           " is fulfilled by the call that answers it, naming the request "
                           "(dsr export, dsr erase or dsr restrict with --request)"));
      }
      if (!verified) {
        return Refused("identity_not_verified",
                       Status::FailedPrecondition(
                           "the requester's identity is not verified; record the check "
                           "first"));
      }
      break;
    }
  }
  if (closure.refusal) {
    return Refused("invalid_input",
                   Status::InvalidArgument("refusal: only a refused request has one"));
  }
  return Status::Ok();
}

Status CheckFulfilment(const store::DsrRequestRow& row, std::string_view customer_id,
                       std::span<const DsrKind> answers) {
  if (row.status != DsrStatusName(DsrStatus::kOpen)) return NotOpen(row);
  if (row.customer_id != customer_id) {
    return Refused("request_mismatch",
                   Status::InvalidArgument("request: it is about another customer"));
  }
  const std::optional<DsrKind> kind = ParseDsrKind(row.kind);
  if (!kind || std::find(answers.begin(), answers.end(), *kind) == answers.end()) {
    return Refused("request_mismatch",
                   Status::InvalidArgument("request: it asks for " + row.kind +
                                           ", which this call does not answer"));
  }
  if (row.identity != IdentityCheckName(IdentityCheck::kVerified)) {
    return Refused("identity_not_verified",
                   Status::FailedPrecondition(
                       "request: the requester's identity is not verified; record the "
                       "check first"));
  }
  return Status::Ok();
}

void CloseDsrRow(store::DsrRequestRow& row, const DsrClosure& closure, std::int64_t now_us) {
  row.status = std::string(DsrStatusName(closure.status));
  row.outcome = closure.refusal ? std::string(DsrRefusalName(*closure.refusal)) : "";
  row.outcome_ref = closure.outcome_ref;
  row.closed_at_us = now_us;
}

}  // namespace cvault::domain
