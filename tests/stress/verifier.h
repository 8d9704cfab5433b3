// The verifier: opens a vault the stress workers used (after they stopped,
// or were killed) and holds it to their acknowledgement logs: every
// acknowledged customer, update, consent event, erasure, ticket and refund
// move is there (record_checks.h), an interrupted or acknowledged KEK
// rotation can be finished and everything still decrypts afterwards, and
// the audit chain verifies without gap or fork. Checking everything also
// reads every customer the vault lists, acknowledged or not.
//
// Reports name ids and kinds, never a stored value.
#ifndef CVAULT_TESTS_STRESS_VERIFIER_H_
#define CVAULT_TESTS_STRESS_VERIFIER_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cvault/vault.h"
#include "tests/stress/ack_model.h"
#include "tests/stress/stress_vault.h"

namespace cvault::stress {

// Which of the model's promises to check: all of them, or the records with
// the given ids (customers, tickets, refund cases) and the given job lines.
// A crash loop checks what the last run touched plus a sample of the rest,
// so its cost grows linearly with the number of runs.
struct VerifyScope {
  bool everything = true;
  std::set<std::string> ids;
  std::vector<AckRecord> jobs;
};

struct VerifyRequest {
  VaultPaths paths;
  Durability durability = Durability::kFull;
  VerifyScope scope;
  // Run RotateKek first and require it to succeed: finishes an interrupted
  // rotation (or rotates once more), so the checks then read every
  // customer through the rotated keys.
  bool finish_rotation = false;
  // Walk the audit chain (the whole of it: its cost grows with the log).
  bool verify_audit = true;
  // A checkpoint an earlier verification signed: the log must still hold
  // its entry unchanged (nothing acknowledged was rolled back or forked).
  std::optional<AuditCheckpoint> trusted;
  // The model's problems from this index on are reported as failures.
  std::size_t problems_from = 0;
  std::string principal = "stress-verifier";
};

struct VerifyReport {
  std::uint64_t checked = 0;  // acknowledged operations whose effect was checked
  std::vector<std::string> failures;
  // finish_rotation found a rotation begun and not finished, and finished it.
  bool rotation_resumed = false;
  // Signed at the end of a verification that could read the log; trust it
  // next time.
  std::optional<AuditCheckpoint> checkpoint;

  // "checked N acknowledged operations, M failures".
  std::string Summary() const;
};

VerifyReport VerifyVault(const VerifyRequest& request, const AckModel& model);

}  // namespace cvault::stress

#endif  // CVAULT_TESTS_STRESS_VERIFIER_H_
