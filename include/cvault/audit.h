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
#include "cvault/customer.h"
#include "cvault/status.h"
#include "cvault/visibility.h"

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

// What AuditLog::Search looks for. Every filter is optional (empty or
// unset matches any entry); an entry is returned when it matches all that
// are set. Nothing is decrypted to answer: entries hold no personal data.
struct AuditQuery {
  static constexpr std::size_t kDefaultLimit = 100;
  static constexpr std::size_t kMaxLimit = 1000;

  // The half-open time range [from, to): entries at or after `from` and
  // strictly before `to`. `from` must be before `to` when both are set.
  std::optional<Timestamp> from;
  std::optional<Timestamp> to;
  std::string action;        // exactly this action, e.g. "customer.read"
  std::string principal_id;  // exactly this principal
  std::string purpose;       // exactly this purpose
  // Entries about this customer, found through the customer's pseudonym,
  // which is computed for the query: the customer must still exist (after
  // erasure the entries no longer link to anyone, and the search answers
  // NotFound).
  std::optional<CustomerId> customer;
  // Paging: only entries with a greater sequence. Pass the last sequence
  // of one page to get the next.
  std::uint64_t after_sequence = 0;
  // At most this many entries, 1 to kMaxLimit.
  std::size_t limit = kDefaultLimit;
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
CVAULT_EXPORT std::string CheckpointToJson(const AuditCheckpoint& checkpoint);
CVAULT_EXPORT StatusOr<AuditCheckpoint> CheckpointFromJson(std::string_view json);

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
