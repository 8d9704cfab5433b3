#include "cvault/status.h"

#include <string>

namespace cvault {

std::string_view StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "ok";
    case StatusCode::kInvalidArgument: return "invalid_argument";
    case StatusCode::kNotFound: return "not_found";
    case StatusCode::kAlreadyExists: return "already_exists";
    case StatusCode::kPermissionDenied: return "permission_denied";
    case StatusCode::kIntegrity: return "integrity_error";
    case StatusCode::kKeyFailure: return "key_failure";
    case StatusCode::kFailedPrecondition: return "failed_precondition";
    case StatusCode::kInternal: return "internal";
    case StatusCode::kUnavailable: return "unavailable";
    case StatusCode::kBusy: return "busy";
    case StatusCode::kConflict: return "conflict";
  }
  return "unknown";
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  std::string out(StatusCodeName(code_));
  if (!reason_code_.empty()) out += " (" + reason_code_ + ")";
  out += ": ";
  out += message_;
  return out;
}

Status Status::WithReasonCode(std::string reason_code) const {
  if (ok()) return *this;
  Status copy = *this;
  copy.reason_code_ = std::move(reason_code);
  return copy;
}

Status Status::WithContext(std::string_view context) const {
  if (ok()) return *this;
  Status copy = *this;
  copy.message_ = std::string(context) + ": " + message_;
  return copy;
}

}  // namespace cvault
