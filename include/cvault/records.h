// Records of processing activities (GDPR Art. 30), read from an access
// policy: for each purpose, its legal basis, the field groups it may see,
// the roles that act for it, its recipients and how long its data is kept.
// Plain value types: copyable and movable, no shared state; the function is
// safe to call from any thread.
#ifndef CVAULT_RECORDS_H_
#define CVAULT_RECORDS_H_

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cvault/status.h"
#include "cvault/visibility.h"

namespace cvault {

// One purpose of processing, as the policy states it.
struct ProcessingRecord {
  std::string purpose;      // e.g. "refund_processing"
  std::string legal_basis;  // consent, contract, legal_obligation, legitimate_interest
  std::string category;     // the purpose category, e.g. "Core Function"
  // The field groups the purpose may see and how ("plain" or "masked"), in
  // field-group order; a group it may not see is left out.
  std::vector<std::pair<std::string, std::string>> field_groups;
  std::vector<std::string> roles;       // the roles that may act for it, sorted
  std::vector<std::string> recipients;  // outside the controller; empty: none
  std::string retention;                // empty: the policy does not say
};

struct ProcessingRecords {
  std::string controller;
  std::string jurisdiction;
  std::vector<ProcessingRecord> purposes;  // sorted by purpose name
};

// The records of the policy in `policy_file` (TOML, docs/policy.md), or of
// the built-in default policy when it is unset. A file that does not load
// is InvalidArgument, as for Vault::Open. Opens no vault.
[[nodiscard]] CVAULT_EXPORT StatusOr<ProcessingRecords> RecordsOfProcessing(
    const std::optional<std::filesystem::path>& policy_file = std::nullopt);

}  // namespace cvault

#endif  // CVAULT_RECORDS_H_
