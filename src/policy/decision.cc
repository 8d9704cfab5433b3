#include "policy/decision.h"

#include <fmt/format.h>

#include "cvault/customer.h"

namespace cvault::policy {
namespace {

Decision Deny(std::string reason_code, std::string message) {
  Decision d;
  d.outcome = Decision::Outcome::kDeny;
  d.reason_code = std::move(reason_code);
  d.message = std::move(message);
  return d;
}

const char* ConsentReason(ConsentState state) {
  switch (state) {
    case ConsentState::kActive:
      return "ok";
    case ConsentState::kNeverGiven:
      return "no_consent";
    case ConsentState::kWithdrawn:
      return "consent_withdrawn";
    case ConsentState::kExpired:
      return "consent_expired";
  }
  return "no_consent";
}

}  // namespace

std::string_view Decision::OutcomeName() const {
  switch (outcome) {
    case Outcome::kAllow:
      return "allow";
    case Outcome::kPartial:
      return "partial";
    case Outcome::kDeny:
      return "deny";
  }
  return "deny";
}

bool AllowedWhileRestricted(std::string_view purpose) {
  return purpose == "legal_compliance" || purpose == "dsr";
}

bool AccessDecider::NeedsConsent(std::string_view purpose) const {
  const PurposeRule* rule = policy_.FindPurpose(purpose);
  return rule != nullptr && rule->legal_basis == LegalBasis::kConsent;
}

Decision AccessDecider::Decide(const AccessContext& ctx,
                               const AccessRequest& request) const {
  if (!policy_.role_purposes.contains(ctx.role)) {
    return Deny("unknown_role", "the role is not defined in the access policy");
  }
  const PurposeRule* rule = policy_.FindPurpose(ctx.purpose);
  if (rule == nullptr) {
    return Deny("unknown_purpose", "the purpose is not in the purpose catalogue");
  }
  if (!policy_.RoleMayUse(ctx.role, ctx.purpose)) {
    return Deny(
        "role_not_permitted",
        fmt::format("role '{}' may not act for purpose '{}'", ctx.role, ctx.purpose));
  }
  if (!rule->actions.contains(request.action)) {
    return Deny("action_not_permitted", fmt::format("purpose '{}' does not permit '{}'",
                                                    ctx.purpose, request.action));
  }
  if (request.subject) {
    if (request.subject->restricted && !AllowedWhileRestricted(ctx.purpose)) {
      return Deny("restricted",
                  "processing of this customer is restricted (GDPR Art. 18); "
                  "only legal_compliance and dsr purposes may proceed");
    }
    if (rule->legal_basis == LegalBasis::kConsent &&
        request.subject->consent != ConsentState::kActive) {
      return Deny(ConsentReason(request.subject->consent),
                  fmt::format("purpose '{}' rests on consent and the customer's "
                              "consent is not active",
                              ctx.purpose));
    }
  }

  if (request.record_group) {
    auto it = rule->field_groups.find(*request.record_group);
    Redaction level = it == rule->field_groups.end() ? Redaction::kNone : it->second;
    bool ok = request.use == FieldUse::kRead ? level != Redaction::kNone
                                             : level == Redaction::kPlain;
    if (!ok) {
      return Deny("fields_not_permitted",
                  fmt::format("purpose '{}' may not {} {} records", ctx.purpose,
                              request.use == FieldUse::kRead ? "read" : "write",
                              FieldGroupName(*request.record_group)));
    }
  }

  Decision d;
  for (CustomerField field : request.fields) {
    auto it = rule->field_groups.find(GroupOf(field));
    Redaction level = it == rule->field_groups.end() ? Redaction::kNone : it->second;
    bool ok = request.use == FieldUse::kRead ? level != Redaction::kNone
                                             : level == Redaction::kPlain;
    if (ok) {
      d.returned.emplace(field, level);
    } else {
      d.withheld.push_back(field);
    }
  }
  if (request.use == FieldUse::kWrite && !d.withheld.empty()) {
    return Deny("fields_not_permitted",
                fmt::format("purpose '{}' may not write field '{}'", ctx.purpose,
                            FieldName(d.withheld.front())));
  }
  if (!request.fields.empty() && d.returned.empty()) {
    return Deny(
        "fields_not_permitted",
        fmt::format("purpose '{}' may see none of the requested fields", ctx.purpose));
  }
  d.outcome =
      d.withheld.empty() ? Decision::Outcome::kAllow : Decision::Outcome::kPartial;
  d.reason_code = d.withheld.empty() ? "ok" : "fields_withheld";
  return d;
}

}  // namespace cvault::policy
