#include "policy/policy.h"

#include <initializer_list>
#include <map>
#include <utility>

namespace cvault::policy {
namespace {

PurposeRule Rule(LegalBasis basis, std::string category,
                 std::map<FieldGroup, Redaction> groups,
                 std::initializer_list<std::string_view> actions) {
  PurposeRule rule;
  rule.legal_basis = basis;
  rule.category = std::move(category);
  rule.field_groups = std::move(groups);
  for (std::string_view a : actions) rule.actions.emplace(a);
  return rule;
}

}  // namespace

std::string_view RedactionName(Redaction redaction) {
  switch (redaction) {
    case Redaction::kNone:
      return "none";
    case Redaction::kMasked:
      return "masked";
    case Redaction::kPlain:
      return "plain";
  }
  return "none";
}

std::string_view LegalBasisName(LegalBasis basis) {
  switch (basis) {
    case LegalBasis::kConsent:
      return "consent";
    case LegalBasis::kContract:
      return "contract";
    case LegalBasis::kLegalObligation:
      return "legal_obligation";
    case LegalBasis::kLegitimateInterest:
      return "legitimate_interest";
  }
  return "contract";
}

Policy Policy::Default() {
  using enum FieldGroup;
  using enum Redaction;
  namespace a = action;
  Policy p;
  p.role_purposes = {
      {"account-service", {"account_management", "self_service"}},
      {"support-agent", {"support", "support_diagnostics"}},
      {"refund-service", {"refund_processing"}},
      {"marketing-service", {"marketing", "analytics"}},
      {"auditor", {"audit"}},
      {"dpo", {"dsr", "legal_compliance", "audit"}},
      {"operator", {"operations"}},
  };
  const std::map<FieldGroup, Redaction> all_plain = {{kIdentity, kPlain},
                                                     {kContact, kPlain},
                                                     {kMarketingProfile, kPlain},
                                                     {kSupportEvidence, kPlain},
                                                     {kFinancial, kPlain}};
  p.purposes = {
      {"account_management",
       Rule(LegalBasis::kContract, "Core Function",
            {{kIdentity, kPlain}, {kContact, kPlain}},
            {a::kCustomerCreate, a::kCustomerRead, a::kCustomerFind, a::kCustomerUpdate,
             a::kCustomerList, a::kConsentRecord})},
      {"self_service",
       Rule(LegalBasis::kContract, "Core Function",
            {{kIdentity, kPlain}, {kContact, kPlain}, {kMarketingProfile, kPlain}},
            {a::kCustomerRead, a::kCustomerUpdate, a::kDsrExport})},
      {"support",
       Rule(LegalBasis::kContract, "Customer Support",
            {{kIdentity, kPlain}, {kContact, kMasked}, {kSupportEvidence, kPlain}},
            {a::kCustomerRead, a::kCustomerFind, a::kSupportWrite, a::kSupportRead})},
      {"support_diagnostics",
       Rule(LegalBasis::kConsent, "Improve Performance",
            {{kIdentity, kMasked}, {kSupportEvidence, kPlain}}, {a::kCustomerRead})},
      {"refund_processing",
       Rule(LegalBasis::kContract, "Core Function",
            {{kIdentity, kPlain}, {kContact, kPlain}, {kFinancial, kPlain}},
            {a::kCustomerRead, a::kCustomerFind, a::kRefundWrite, a::kRefundRead})},
      {"marketing",
       Rule(LegalBasis::kConsent, "Marketing",
            {{kContact, kPlain}, {kMarketingProfile, kPlain}}, {a::kCustomerRead})},
      {"analytics",
       Rule(LegalBasis::kConsent, "Analytics",
            {{kIdentity, kMasked}, {kMarketingProfile, kMasked}}, {a::kCustomerRead})},
      {"legal_compliance",
       Rule(LegalBasis::kLegalObligation, "Legal Compliance", all_plain,
            {a::kCustomerRead, a::kCustomerFind, a::kCustomerList, a::kAuditRead,
             a::kAuditSearch, a::kNoticeRegister, a::kSupportRead, a::kRefundRead})},
      {"audit", Rule(LegalBasis::kLegalObligation, "Legal Compliance", {},
                     {a::kAuditRead, a::kAuditVerify, a::kAuditCheckpoint,
                      a::kConsentRead, a::kConsentReport})},
      {"dsr", Rule(LegalBasis::kLegalObligation, "Legal Compliance", all_plain,
                   {a::kCustomerRead, a::kCustomerFind, a::kCustomerList,
                    a::kCustomerUpdate, a::kAuditRead, a::kAuditSearch, a::kConsentRecord,
                    a::kConsentRead,
                    a::kConsentReport, a::kRestrict, a::kSupportRead, a::kRefundRead,
                    a::kDsrExport, a::kDsrErase, a::kDsrPurge})},
      {"operations", Rule(LegalBasis::kLegitimateInterest, "Security", {},
                          {a::kAuditVerify, a::kAuditCheckpoint, a::kDsrPurge,
                           a::kKeysManage, a::kVaultBackup, a::kVaultRestore})},
  };
  return p;
}

bool IsKnownAction(std::string_view action) {
  namespace a = action;
  for (std::string_view known :
       {a::kCustomerCreate, a::kCustomerRead, a::kCustomerFind, a::kCustomerUpdate,
        a::kCustomerList, a::kAuditRead, a::kAuditVerify, a::kAuditCheckpoint,
        a::kAuditSearch, a::kConsentRecord, a::kConsentRead, a::kConsentReport, a::kNoticeRegister,
        a::kRestrict, a::kSupportWrite, a::kSupportRead, a::kRefundWrite,
        a::kRefundRead, a::kDsrExport, a::kDsrErase, a::kDsrPurge, a::kKeysManage,
        a::kVaultBackup, a::kVaultRestore}) {
    if (known == action) return true;
  }
  return false;
}

const PurposeRule* Policy::FindPurpose(std::string_view purpose) const {
  auto it = purposes.find(purpose);
  return it == purposes.end() ? nullptr : &it->second;
}

bool Policy::RoleMayUse(std::string_view role, std::string_view purpose) const {
  auto it = role_purposes.find(role);
  return it != role_purposes.end() && it->second.contains(purpose);
}

}  // namespace cvault::policy
