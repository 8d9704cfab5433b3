// The access decision point: the one place every vault call is judged.
// Given who asks (AccessContext), what they want to do (an action and the
// fields involved) and facts about the customer (restriction, consent), it
// allows, partly allows (some fields withheld) or denies, with a
// machine-readable reason code.
//
// AccessDecider holds a const Policy and no other state: thread-safe.
#ifndef CVAULT_POLICY_DECISION_H_
#define CVAULT_POLICY_DECISION_H_

#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cvault/access.h"
#include "cvault/customer.h"
#include "policy/policy.h"

namespace cvault::policy {

// The customer's consent for the purpose at the moment of access. Filled in
// by the caller only when the purpose rests on consent.
enum class ConsentState { kActive, kNeverGiven, kWithdrawn, kExpired };

struct SubjectFacts {
  bool restricted = false;  // GDPR Art. 18
  ConsentState consent = ConsentState::kNeverGiven;
};

// Whether the action reads fields (masking may apply) or writes them (every
// written field must be visible in plain form to the purpose).
enum class FieldUse { kRead, kWrite };

struct AccessRequest {
  AccessRequest(std::string_view action_in, FieldUse use_in,
                std::span<const CustomerField> fields_in = {},
                std::optional<SubjectFacts> subject_in = std::nullopt,
                std::optional<FieldGroup> record_group_in = std::nullopt)
      : action(action_in),
        use(use_in),
        fields(fields_in),
        subject(subject_in),
        record_group(record_group_in) {}

  std::string_view action;
  FieldUse use = FieldUse::kRead;
  std::span<const CustomerField> fields;  // empty for actions without fields
  // Absent for actions not about one customer (audit, list).
  std::optional<SubjectFacts> subject;
  // For actions on records of one field group (support tickets are
  // support_evidence, refund cases financial): the purpose must see that
  // group (plain for writes).
  std::optional<FieldGroup> record_group;
};

struct Decision {
  enum class Outcome { kAllow, kPartial, kDeny };
  Outcome outcome = Outcome::kDeny;
  std::string reason_code;  // "ok", "fields_withheld", "role_not_permitted", ...
  std::string message;      // for the caller's error; no personal data
  std::map<CustomerField, Redaction> returned;  // fields let through, and how
  std::vector<CustomerField> withheld;

  bool allowed() const { return outcome != Outcome::kDeny; }
  std::string_view OutcomeName() const;
};

class AccessDecider {
 public:
  explicit AccessDecider(Policy policy) : policy_(std::move(policy)) {}

  Decision Decide(const AccessContext& ctx, const AccessRequest& request) const;

  const Policy& policy() const { return policy_; }
  // Whether the purpose needs the customer's consent (so the caller must
  // look it up and fill SubjectFacts::consent).
  bool NeedsConsent(std::string_view purpose) const;

 private:
  Policy policy_;
};

// Purposes that remain allowed while a customer is restricted (Art. 18(2)).
bool AllowedWhileRestricted(std::string_view purpose);

}  // namespace cvault::policy

#endif  // CVAULT_POLICY_DECISION_H_
