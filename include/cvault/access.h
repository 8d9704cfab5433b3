// cvault::AccessContext: who is asking, why, and for which request. Every
// call into the vault carries one; the access policy decides on it and the
// audit log records it (without the free-text reason, which may hold
// personal data).
//
// A plain value type: copyable, movable, no shared state.
#ifndef CVAULT_ACCESS_H_
#define CVAULT_ACCESS_H_

#include <string>

namespace cvault {

struct AccessContext {
  // The service or person acting, e.g. "refund-svc-3" or "agent-118".
  // 1-64 characters of [A-Za-z0-9._:@-].
  std::string principal_id;
  // A role from the policy: "account-service", "support-agent",
  // "refund-service", "marketing-service", "auditor", "dpo", "operator".
  std::string role;
  // A purpose from the policy catalogue, e.g. "support" or "marketing".
  std::string purpose;
  // Why, in words, for humans; at most 500 characters. Checked for payment
  // card numbers; not written to the audit log.
  std::string reason;
  // The caller's correlation id; at most 128 characters. Random if empty.
  std::string request_id;
};

}  // namespace cvault

#endif  // CVAULT_ACCESS_H_
