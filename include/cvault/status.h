// cvault::Status and cvault::StatusOr: the error values every public call
// returns. No exception crosses the public API.
//
// A Status is a code plus a message. Messages say what was wrong and what to
// do; they never carry a personal value, key or passphrase. Denials also carry
// a machine-readable reason code (for example "role_not_permitted").
//
// Copyable and movable; immutable after construction, so safe to share
// between threads.
#ifndef CVAULT_STATUS_H_
#define CVAULT_STATUS_H_

#include <expected>
#include <string>
#include <string_view>
#include <utility>

#include "cvault/visibility.h"

namespace cvault {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // rejected input: a field failed validation
  kNotFound,            // no such customer, entry or file
  kAlreadyExists,       // a unique value (an email, a vault) is taken
  kPermissionDenied,    // the access policy refused the call
  kIntegrity,           // tampered, corrupted or undecryptable data
  kKeyFailure,          // wrong passphrase or key file, unusable keyring
  kFailedPrecondition,  // the vault is not in a state that allows the call
  kInternal,            // a bug or an unexpected library failure
  kUnavailable,         // an I/O or database failure that may pass
  kBusy,                // another process or thread holds what the call needs
                        // (a database lock, a key-duty lease, the vault for
                        // a restore): nothing was written; retry the call
                        // later
  kConflict,            // another writer changed the record (a customer, a
                        // case, a consent chain) between this call's read
                        // and its write: nothing was written; retry the call
};

// The stable lower_snake name of a code, e.g. "permission_denied".
CVAULT_EXPORT std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] CVAULT_EXPORT Status {
 public:
  Status() = default;  // OK
  // Lets `return Error(status);` work in functions returning Status as well as
  // in those returning StatusOr<T>.
  Status(std::unexpected<Status> error)  // NOLINT(google-explicit-constructor)
      : Status(std::move(error.error())) {}

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string message) {
    return Status(StatusCode::kInvalidArgument, std::move(message));
  }
  static Status NotFound(std::string message) {
    return Status(StatusCode::kNotFound, std::move(message));
  }
  static Status AlreadyExists(std::string message) {
    return Status(StatusCode::kAlreadyExists, std::move(message));
  }
  // `reason_code` is machine-readable: "role_not_permitted", "no_consent", ...
  static Status PermissionDenied(std::string reason_code, std::string message) {
    Status s(StatusCode::kPermissionDenied, std::move(message));
    s.reason_code_ = std::move(reason_code);
    return s;
  }
  static Status Integrity(std::string message) {
    return Status(StatusCode::kIntegrity, std::move(message));
  }
  static Status KeyFailure(std::string message) {
    return Status(StatusCode::kKeyFailure, std::move(message));
  }
  static Status FailedPrecondition(std::string message) {
    return Status(StatusCode::kFailedPrecondition, std::move(message));
  }
  static Status Internal(std::string message) {
    return Status(StatusCode::kInternal, std::move(message));
  }
  static Status Unavailable(std::string message) {
    return Status(StatusCode::kUnavailable, std::move(message));
  }
  static Status Busy(std::string message) {
    return Status(StatusCode::kBusy, std::move(message));
  }
  static Status Conflict(std::string message) {
    return Status(StatusCode::kConflict, std::move(message));
  }

  bool ok() const { return code_ == StatusCode::kOk; }
  // True for kBusy and kConflict: the same call may succeed when retried.
  bool retryable() const {
    return code_ == StatusCode::kBusy || code_ == StatusCode::kConflict;
  }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // Machine-readable reason: always set on denials, and on other errors the
  // vault audited (e.g. "invalid_transition", "not_assessed_eligible").
  const std::string& reason_code() const { return reason_code_; }

  // Returns a copy carrying `reason_code` (no-op on OK).
  Status WithReasonCode(std::string reason_code) const;

  // "permission_denied: <message>" (or "ok").
  std::string ToString() const;

  // Returns a copy whose message is prefixed with `context` and ": ".
  Status WithContext(std::string_view context) const;

 private:
  Status(StatusCode code, std::string message)
      : code_(code), message_(std::move(message)) {}

  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  std::string reason_code_;
};

template <class T>
using StatusOr = std::expected<T, Status>;

// Shorthand for returning an error from a function that returns StatusOr<T>.
inline std::unexpected<Status> Error(Status status) {
  return std::unexpected<Status>(std::move(status));
}

// The error of a StatusOr whose value the caller does not need, or Ok.
template <class T>
Status StatusOf(const StatusOr<T>& result) {
  return result.has_value() ? Status::Ok() : result.error();
}

}  // namespace cvault

// Returns early from the enclosing function when `expr` is not OK. Works in
// functions returning Status and (through Error) StatusOr<T>.
#define CVAULT_RETURN_IF_ERROR(expr)                                   \
  do {                                                                 \
    ::cvault::Status cvault_status_ = (expr);                          \
    if (!cvault_status_.ok()) {                                        \
      return ::cvault::Error(std::move(cvault_status_));               \
    }                                                                  \
  } while (false)

#define CVAULT_CONCAT_INNER_(a, b) a##b
#define CVAULT_CONCAT_(a, b) CVAULT_CONCAT_INNER_(a, b)

// `CVAULT_ASSIGN_OR_RETURN(auto x, F());` binds the value of a StatusOr or
// returns its error from the enclosing function.
#define CVAULT_ASSIGN_OR_RETURN(lhs, expr) \
  CVAULT_ASSIGN_OR_RETURN_IMPL_(CVAULT_CONCAT_(cvault_or_, __LINE__), lhs, expr)
#define CVAULT_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                  \
  if (!tmp.has_value()) {                             \
    return ::cvault::Error(std::move(tmp.error()));   \
  }                                                   \
  lhs = std::move(*tmp)

#endif  // CVAULT_STATUS_H_
