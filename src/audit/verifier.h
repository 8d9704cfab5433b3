// Verifies the audit log: every entry's hash, the links between entries, the
// sequence (no gaps, no reordering), every stored checkpoint's signature and
// position, and optionally a checkpoint exported earlier (which detects
// truncation and forks). Reports the first bad sequence.
#ifndef CVAULT_AUDIT_VERIFIER_H_
#define CVAULT_AUDIT_VERIFIER_H_

#include <optional>
#include <span>

#include "cvault/audit.h"
#include "store/store.h"

namespace cvault::audit {

// `signing_key` is the vault's audit public key; checkpoints signed by any
// other key are reported. A store failure is returned as an error; a broken
// log is reported in the result.
[[nodiscard]] StatusOr<AuditVerifyReport> VerifyAuditLog(
    store::VaultStore& store, std::span<const std::uint8_t> signing_key,
    const std::optional<AuditCheckpoint>& trusted);

}  // namespace cvault::audit

#endif  // CVAULT_AUDIT_VERIFIER_H_
