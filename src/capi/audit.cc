// The C API's audit-log calls: verify, checkpoint, signing public key.
#include "cvault/audit.h"

#include <optional>
#include <string>

#include "capi/boundary.h"
#include "capi/json_output.h"

namespace {

using cvault::AccessContext;
using cvault::Status;
using cvault::Vault;
using cvault::capi::Give;
using cvault::capi::OutArg;
using cvault::capi::VaultCall;

}  // namespace

extern "C" {

cvault_status cvault_audit_verify(cvault_vault* vault, const cvault_context* ctx,
                                  const char* trusted_checkpoint_json, char** out_json,
                                  cvault_error** error) {
  return VaultCall(vault, ctx, error, [&](Vault& v, const AccessContext& c) -> Status {
    CVAULT_RETURN_IF_ERROR(OutArg(out_json, "out_json"));
    std::optional<cvault::AuditCheckpoint> trusted;
    if (trusted_checkpoint_json != nullptr) {
      auto parsed = cvault::CheckpointFromJson(trusted_checkpoint_json);
      if (!parsed) return parsed.error().WithContext("trusted_checkpoint_json");
      trusted = std::move(*parsed);
    }
    CVAULT_ASSIGN_OR_RETURN(cvault::AuditVerifyReport report,
                            v.audit().Verify(c, trusted));
    Give(out_json, cvault::capi::AuditVerifyJson(report));
    return Status::Ok();
  });
}

cvault_status cvault_audit_checkpoint(cvault_vault* vault, const cvault_context* ctx,
                                      char** out_json, cvault_error** error) {
  return VaultCall(vault, ctx, error, [&](Vault& v, const AccessContext& c) -> Status {
    CVAULT_RETURN_IF_ERROR(OutArg(out_json, "out_json"));
    CVAULT_ASSIGN_OR_RETURN(cvault::AuditCheckpoint checkpoint, v.audit().Checkpoint(c));
    Give(out_json, cvault::CheckpointToJson(checkpoint));
    return Status::Ok();
  });
}

cvault_status cvault_audit_public_key(cvault_vault* vault, const cvault_context* ctx,
                                      char** out_hex, cvault_error** error) {
  return VaultCall(vault, ctx, error, [&](Vault& v, const AccessContext& c) -> Status {
    CVAULT_RETURN_IF_ERROR(OutArg(out_hex, "out_hex"));
    CVAULT_ASSIGN_OR_RETURN(std::string key, v.audit().SigningPublicKey(c));
    Give(out_hex, key);
    return Status::Ok();
  });
}

}  // extern "C"
