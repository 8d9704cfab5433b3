// The audit log's public types: entries, signed checkpoints and the report of
// a verification. Plain value types: copyable and movable, no shared state.
//
// Entries hold no personal data. The subject is a pseudonym: a keyed hash
// under a per-customer key that is destroyed with the customer, so the chain
// still verifies after erasure but no longer links to the person.
#ifndef CVAULT_AUDIT_H_
#define CVAULT_AUDIT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cvault/clock.h"
#include "cvault/status.h"

namespace cvault {

struct AuditEntry {
  std::uint64_t sequence = 0;  // 1, 2, 3, ... with no gaps
  Timestamp time{};
  std::string principal_id;
  std::string role;
  std::string action;   // e.g. "customer.read", "customer.create"
  std::string purpose;
  std::string subject;  // hex pseudonym of the customer; empty if none
  std::vector<std::string> fields_requested;
  std::vector<std::string> fields_returned;
  std::string decision;     // "allow", "partial" or "deny"
  std::string reason_code;  // e.g. "ok", "role_not_permitted", "invalid_input"
  std::string request_id;
  std::string previous_hash;  // hex BLAKE2b-256 of the previous entry
  std::string entry_hash;     // hex BLAKE2b-256 over the canonical encoding
};

// An Ed25519 signature over (sequence, head hash, time), made by the vault's
// audit signing key. Exported checkpoints let a verifier detect truncation
// and forks later.
struct AuditCheckpoint {
  std::uint64_t sequence = 0;
  std::string head_hash;   // hex: entry_hash of entry `sequence`
  Timestamp time{};
  std::string signature;   // hex Ed25519 signature
  std::string public_key;  // hex Ed25519 public key that made it
};

// JSON form of a checkpoint, as written by `cvault audit checkpoint --out`.
std::string CheckpointToJson(const AuditCheckpoint& checkpoint);
StatusOr<AuditCheckpoint> CheckpointFromJson(std::string_view json);

struct AuditVerifyReport {
  bool ok = false;
  std::uint64_t entries_checked = 0;
  std::uint64_t checkpoints_checked = 0;
  std::uint64_t head_sequence = 0;
  // The first entry (or checkpoint sequence) found bad, and what was wrong.
  std::optional<std::uint64_t> first_bad_sequence;
  std::string problem;
};

}  // namespace cvault

#endif  // CVAULT_AUDIT_H_
