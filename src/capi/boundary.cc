#include "capi/boundary.h"

#include <cstdlib>
#include <cstring>

namespace cvault::capi {

cvault_status Report(const Status& status, cvault_error** error) noexcept {
  const auto code = static_cast<cvault_status>(status.code());
  if (error == nullptr) return code;
  *error = nullptr;
  if (status.ok()) return code;
  try {
    auto made = std::make_unique<cvault_error>();
    made->code = code;
    made->message = status.message();
    made->reason = status.reason_code();
    *error = made.release();
  } catch (...) {
    // No memory for the details: the code alone still tells what happened.
  }
  return code;
}

StatusOr<AccessContext> ContextFrom(const cvault_context* ctx) {
  if (ctx == nullptr) return Error(Status::InvalidArgument("ctx: must not be NULL"));
  AccessContext context;
  CVAULT_ASSIGN_OR_RETURN(std::string_view principal,
                          Required(ctx->principal_id, "ctx.principal_id"));
  CVAULT_ASSIGN_OR_RETURN(std::string_view role, Required(ctx->role, "ctx.role"));
  CVAULT_ASSIGN_OR_RETURN(std::string_view purpose,
                          Required(ctx->purpose, "ctx.purpose"));
  context.principal_id = principal;
  context.role = role;
  context.purpose = purpose;
  context.reason = OrEmpty(ctx->reason);
  context.request_id = OrEmpty(ctx->request_id);
  return context;
}

StatusOr<std::string_view> Required(const char* text, std::string_view name) {
  if (text == nullptr) {
    return Error(Status::InvalidArgument(std::string(name) + ": must not be NULL"));
  }
  return std::string_view(text);
}

std::string_view OrEmpty(const char* text) {
  return text == nullptr ? std::string_view() : std::string_view(text);
}

StatusOr<CustomerId> CustomerIdArg(const char* text, std::string_view name) {
  CVAULT_ASSIGN_OR_RETURN(std::string_view id, Required(text, name));
  auto parsed = CustomerId::Parse(id);
  if (!parsed) return Error(parsed.error().WithContext(name));
  return *parsed;
}

StatusOr<std::optional<Timestamp>> TimeArg(const char* text, std::string_view name) {
  if (text == nullptr) return std::optional<Timestamp>();
  CVAULT_ASSIGN_OR_RETURN(Timestamp time, ParseTimestamp(text, name));
  return std::optional<Timestamp>(time);
}

Status OutArg(const void* out, std::string_view name) {
  if (out == nullptr) {
    return Status::InvalidArgument(std::string(name) + ": must not be NULL");
  }
  return Status::Ok();
}

void Give(char** out, std::string_view text) {
  if (out == nullptr) return;
  auto* copy = static_cast<char*>(std::malloc(text.size() + 1));
  if (copy == nullptr) throw std::bad_alloc();
  std::memcpy(copy, text.data(), text.size());
  copy[text.size()] = '\0';
  *out = copy;
}

}  // namespace cvault::capi
