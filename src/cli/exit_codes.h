// How the cvault tool turns failures into exit codes and error output.
//
// A command fails either with a library Status or with a usage problem (how
// the tool was called). Both are reported on stderr as one line of text, or
// with --json as one JSON object, and never carry a personal value: only
// Status messages (which are value-free) and option names.
#ifndef CVAULT_CLI_EXIT_CODES_H_
#define CVAULT_CLI_EXIT_CODES_H_

#include <expected>
#include <string>
#include <utility>
#include <variant>

#include "cvault/status.h"

namespace cvault::cli {

// The exit codes scripts rely on (README.md and docs/operations.md list them).
enum ExitCode : int {
  kExitOk = 0,
  kExitError = 1,      // internal, unavailable, failed precondition
  kExitUsage = 2,      // bad arguments, missing --as/--purpose or root key
  kExitDenied = 3,     // the access policy refused
  kExitNotFound = 4,   // no such customer, entry or file
  kExitIntegrity = 5,  // tampered data, wrong key, broken audit log
  kExitRejected = 6,   // input failed validation or is already taken
  kExitBusy = 7,       // the vault was busy (locks, a running key duty): retry
};

// A problem with how the tool was called. The message names options, never
// the values given to them.
struct UsageError {
  std::string message;
};

using Failure = std::variant<Status, UsageError>;

// What a command returns: nothing, or why it failed.
template <class T = void>
using CliOr = std::expected<T, Failure>;

inline std::unexpected<Failure> Fail(Status status) {
  return std::unexpected<Failure>(Failure(std::move(status)));
}
inline std::unexpected<Failure> Usage(std::string message) {
  return std::unexpected<Failure>(Failure(UsageError{std::move(message)}));
}

int ExitCodeFor(StatusCode code);
int ExitCodeFor(const Failure& failure);

// Prints `failure` to stderr (plain or JSON) and returns its exit code.
int ReportFailure(const Failure& failure, bool json);

}  // namespace cvault::cli

// Binds the value of a StatusOr or CliOr, or returns its error as a Failure.
#define CVAULT_CLI_ASSIGN_OR_RETURN(lhs, expr) \
  CVAULT_CLI_ASSIGN_OR_RETURN_IMPL_(CVAULT_CONCAT_(cvault_cli_or_, __LINE__), lhs, expr)
#define CVAULT_CLI_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                      \
  if (!tmp.has_value()) {                                 \
    return std::unexpected<::cvault::cli::Failure>(       \
        ::cvault::cli::Failure(std::move(tmp.error())));  \
  }                                                       \
  lhs = std::move(*tmp)

// Returns a failed Status from the enclosing command.
#define CVAULT_CLI_RETURN_IF_ERROR(expr)                         \
  do {                                                           \
    ::cvault::Status cvault_cli_status_ = (expr);                \
    if (!cvault_cli_status_.ok()) {                              \
      return ::cvault::cli::Fail(std::move(cvault_cli_status_)); \
    }                                                            \
  } while (false)

#endif  // CVAULT_CLI_EXIT_CODES_H_
