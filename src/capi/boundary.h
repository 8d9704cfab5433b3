// The C API's boundary: the structs behind its opaque handles, and the
// helpers every entry point uses to check its arguments, to run the C++ call
// without letting an exception out, and to report the outcome as a status
// code plus an optional cvault_error.
#ifndef CVAULT_CAPI_BOUNDARY_H_
#define CVAULT_CAPI_BOUNDARY_H_

#include <memory>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "cvault/access.h"
#include "cvault/clock.h"
#include "cvault/customer.h"
#include "cvault/cvault.h"
#include "cvault/options.h"
#include "cvault/status.h"
#include "cvault/vault.h"

struct cvault_error {
  cvault_status code = CVAULT_OK;
  std::string message;  // a cvault::Status message: never a personal value
  std::string reason;
};

struct cvault_options {
  cvault::Options options;
};

// The vault stays allocated after cvault_vault_close; its own state says
// it is closed.
struct cvault_vault {
  std::unique_ptr<cvault::Vault> vault;
};

namespace cvault::capi {

// Sets *error (when `error` is not NULL) for a failed `status`, or to NULL,
// and returns the C code. Never throws: without memory for the error object
// only the code is returned.
cvault_status Report(const Status& status, cvault_error** error) noexcept;

// Runs `body` (returning Status) and reports its outcome. Whatever it
// throws becomes CVAULT_INTERNAL with a fixed message: an exception's own
// text may quote input, so it is never passed on.
template <class Body>
cvault_status Call(cvault_error** error, Body&& body) noexcept {
  Status status;
  try {
    status = std::forward<Body>(body)();
  } catch (const std::bad_alloc&) {
    status = Status::Internal("the library ran out of memory");
  } catch (...) {
    status = Status::Internal("an unexpected failure inside the library");
  }
  return Report(status, error);
}

// The access context of a C call; InvalidArgument naming the member that
// is NULL.
StatusOr<AccessContext> ContextFrom(const cvault_context* ctx);

// `text` as a string_view; InvalidArgument "<name>: must not be NULL".
StatusOr<std::string_view> Required(const char* text, std::string_view name);
// Empty for NULL.
std::string_view OrEmpty(const char* text);
// A customer id argument, checked for shape.
StatusOr<CustomerId> CustomerIdArg(const char* text, std::string_view name);
// An optional UTC time argument: none for NULL.
StatusOr<std::optional<Timestamp>> TimeArg(const char* text, std::string_view name);
// InvalidArgument "<name>: must not be NULL" for a NULL out-parameter.
Status OutArg(const void* out, std::string_view name);
// Copies `text` into a new NUL-terminated buffer the caller frees with
// cvault_string_free, and stores it in *out (when `out` is not NULL).
// Throws std::bad_alloc, which Call reports.
void Give(char** out, std::string_view text);

// Runs `body(Vault&, const AccessContext&)` for a call on an open vault,
// after checking the handle and the context.
template <class Body>
cvault_status VaultCall(cvault_vault* vault, const cvault_context* ctx,
                        cvault_error** error, Body&& body) noexcept {
  return Call(error, [&]() -> Status {
    if (vault == nullptr || !vault->vault) {
      return Status::InvalidArgument("vault: must not be NULL");
    }
    CVAULT_ASSIGN_OR_RETURN(AccessContext context, ContextFrom(ctx));
    return body(*vault->vault, context);
  });
}

}  // namespace cvault::capi

#endif  // CVAULT_CAPI_BOUNDARY_H_
