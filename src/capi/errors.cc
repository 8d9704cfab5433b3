// The C API's version, status names, errors and returned strings.
#include <string.h>  // explicit_bzero

#include <cstdlib>
#include <cstring>
#include <type_traits>

#include "capi/boundary.h"

namespace {

using cvault::StatusCode;

// cvault_status mirrors cvault::StatusCode value for value.
template <cvault_status c, StatusCode s>
constexpr bool kSame = static_cast<int>(c) == static_cast<int>(s);
static_assert(kSame<CVAULT_OK, StatusCode::kOk>);
static_assert(kSame<CVAULT_INVALID_ARGUMENT, StatusCode::kInvalidArgument>);
static_assert(kSame<CVAULT_NOT_FOUND, StatusCode::kNotFound>);
static_assert(kSame<CVAULT_ALREADY_EXISTS, StatusCode::kAlreadyExists>);
static_assert(kSame<CVAULT_PERMISSION_DENIED, StatusCode::kPermissionDenied>);
static_assert(kSame<CVAULT_INTEGRITY, StatusCode::kIntegrity>);
static_assert(kSame<CVAULT_KEY_FAILURE, StatusCode::kKeyFailure>);
static_assert(kSame<CVAULT_FAILED_PRECONDITION, StatusCode::kFailedPrecondition>);
static_assert(kSame<CVAULT_INTERNAL, StatusCode::kInternal>);
static_assert(kSame<CVAULT_UNAVAILABLE, StatusCode::kUnavailable>);
static_assert(kSame<CVAULT_BUSY, StatusCode::kBusy>);
static_assert(kSame<CVAULT_CONFLICT, StatusCode::kConflict>);

constexpr char kVersion[] = "0.1.0";

}  // namespace

extern "C" {

const char* cvault_version(void) { return kVersion; }

int cvault_abi_version(void) { return CVAULT_ABI_VERSION; }

const char* cvault_status_name(cvault_status status) {
  if (status < CVAULT_OK || status > CVAULT_CONFLICT) return "unknown";
  // The names are string literals, so the view's data is NUL-terminated.
  return cvault::StatusCodeName(static_cast<StatusCode>(status)).data();
}

cvault_status cvault_error_code(const cvault_error* error) {
  return error == nullptr ? CVAULT_OK : error->code;
}

const char* cvault_error_message(const cvault_error* error) {
  return error == nullptr ? "" : error->message.c_str();
}

const char* cvault_error_reason(const cvault_error* error) {
  return error == nullptr ? "" : error->reason.c_str();
}

void cvault_error_free(cvault_error* error) { delete error; }

void cvault_string_free(char* text) {
  if (text == nullptr) return;
  explicit_bzero(text, std::strlen(text));
  std::free(text);
}

}  // extern "C"
