#include "cli/exit_codes.h"

#include <fmt/format.h>

#include <cstdio>

#include "cli/output.h"

namespace cvault::cli {

int ExitCodeFor(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return kExitOk;
    case StatusCode::kPermissionDenied:
      return kExitDenied;
    case StatusCode::kNotFound:
      return kExitNotFound;
    case StatusCode::kIntegrity:
    case StatusCode::kKeyFailure:
      return kExitIntegrity;
    case StatusCode::kInvalidArgument:
    case StatusCode::kAlreadyExists:
      return kExitRejected;
    case StatusCode::kBusy:
    case StatusCode::kConflict:
      return kExitBusy;
    case StatusCode::kFailedPrecondition:
    case StatusCode::kInternal:
    case StatusCode::kUnavailable:
      return kExitError;
  }
  return kExitError;
}

int ExitCodeFor(const Failure& failure) {
  if (const Status* status = std::get_if<Status>(&failure)) {
    return ExitCodeFor(status->code());
  }
  return kExitUsage;
}

int ReportFailure(const Failure& failure, bool json) {
  std::string code = "usage";
  std::string reason;
  std::string message;
  if (const Status* status = std::get_if<Status>(&failure)) {
    code = std::string(StatusCodeName(status->code()));
    reason = status->reason_code();
    message = status->message();
  } else {
    message = std::get<UsageError>(failure).message;
  }
  std::string line;
  if (json) {
    Json error = {{"code", code}, {"reason", reason}, {"message", message}};
    line = Json{{"error", error}}.dump(-1, ' ', false, Json::error_handler_t::replace);
  } else if (!reason.empty() && code == "permission_denied") {
    line = fmt::format("cvault: access denied ({}): {}", reason, message);
  } else if (!reason.empty()) {
    line = fmt::format("cvault: error ({}): {}", reason, message);
  } else if (code == "usage") {
    line = fmt::format("cvault: error: {}\nrun `cvault --help` for usage", message);
  } else {
    line = fmt::format("cvault: error: {}", message);
  }
  std::fflush(stdout);
  std::fprintf(stderr, "%s\n", line.c_str());
  return ExitCodeFor(failure);
}

}  // namespace cvault::cli
