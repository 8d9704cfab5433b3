// RecordsOfProcessing (cvault/records.h): the policy's purposes turned into
// records of processing.
#include "cvault/records.h"

#include "policy/policy.h"
#include "policy/policy_file.h"

namespace cvault {

namespace policy {

ProcessingRecords RecordsOf(const Policy& policy) {
  ProcessingRecords records;
  records.controller = policy.controller.name;
  records.jurisdiction = policy.controller.jurisdiction;
  for (const auto& [name, rule] : policy.purposes) {
    ProcessingRecord& record = records.purposes.emplace_back();
    record.purpose = name;
    record.legal_basis = std::string(LegalBasisName(rule.legal_basis));
    record.category = rule.category;
    for (const auto& [group, level] : rule.field_groups) {
      if (level == Redaction::kNone) continue;
      record.field_groups.emplace_back(FieldGroupName(group), RedactionName(level));
    }
    for (const auto& [role, purposes] : policy.role_purposes) {
      if (purposes.contains(name)) record.roles.push_back(role);
    }
    record.recipients = rule.recipients;
    record.retention = rule.retention;
  }
  return records;
}

}  // namespace policy

StatusOr<ProcessingRecords> RecordsOfProcessing(
    const std::optional<std::filesystem::path>& policy_file) {
  if (!policy_file) return policy::RecordsOf(policy::Policy::Default());
  CVAULT_ASSIGN_OR_RETURN(policy::Policy loaded, policy::LoadPolicyFile(*policy_file));
  return policy::RecordsOf(loaded);
}

}  // namespace cvault
