#include "policy/policy.h"

#include <initializer_list>
#include <map>
#include <utility>

namespace cvault::policy {
namespace {

PurposeRule Rule(LegalBasis basis, std::string category,
                 std::map<FieldGroup, Redaction> groups,
                 std::initializer_list<std::string_view> actions,
                 std::vector<std::string> recipients, std::string retention) {
  PurposeRule rule;
  rule.legal_basis = basis;
  rule.category = std::move(category);
  rule.field_groups = std::move(groups);
  for (std::string_view a : actions) rule.actions.emplace(a);
  rule.recipients = std::move(recipients);
  rule.retention = std::move(retention);
  return rule;
}

// The retention statements the default policy's purposes share.
constexpr char kWhileAccountExists[] =
    "while the customer's account exists; destroyed on erasure";
constexpr char kWhileConsentActive[] =
    "while the customer's consent is active, and at most while the account "
    "exists; destroyed on erasure";

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
             a::kCustomerList, a::kConsentRecord},
            {}, kWhileAccountExists)},
      {"self_service",
       Rule(LegalBasis::kContract, "Core Function",
            {{kIdentity, kPlain}, {kContact, kPlain}, {kMarketingProfile, kPlain}},
            {a::kCustomerRead, a::kCustomerUpdate, a::kDsrExport}, {},
            kWhileAccountExists)},
      {"support",
       Rule(LegalBasis::kContract, "Customer Support",
            {{kIdentity, kPlain}, {kContact, kMasked}, {kSupportEvidence, kPlain}},
            {a::kCustomerRead, a::kCustomerFind, a::kSupportWrite, a::kSupportRead},
            {}, kWhileAccountExists)},
      {"support_diagnostics",
       Rule(LegalBasis::kConsent, "Improve Performance",
            {{kIdentity, kMasked}, {kSupportEvidence, kPlain}}, {a::kCustomerRead},
            {}, kWhileConsentActive)},
      {"refund_processing",
       Rule(LegalBasis::kContract, "Core Function",
            {{kIdentity, kPlain}, {kContact, kPlain}, {kFinancial, kPlain}},
            {a::kCustomerRead, a::kCustomerFind, a::kRefundWrite, a::kRefundRead,
             a::kRefundRecordPurchase},
            {"payment processors that carry out refunds (e.g. Stripe, PayPal)"},
            "refund and payment records: while the account exists, then under a "
            "retention hold after erasure for the period the jurisdiction's refund "
            "and tax rules require (default 10 years), then destroyed")},
      {"marketing",
       Rule(LegalBasis::kConsent, "Marketing",
            {{kContact, kPlain}, {kMarketingProfile, kPlain}}, {a::kCustomerRead},
            {"email delivery providers named in the consent receipt's third parties"},
            kWhileConsentActive)},
      {"analytics",
       Rule(LegalBasis::kConsent, "Analytics",
            {{kIdentity, kMasked}, {kMarketingProfile, kMasked}}, {a::kCustomerRead},
            {}, kWhileConsentActive)},
      {"legal_compliance",
       Rule(LegalBasis::kLegalObligation, "Legal Compliance", all_plain,
            {a::kCustomerRead, a::kCustomerFind, a::kCustomerList, a::kAuditRead,
             a::kAuditSearch, a::kNoticeRegister, a::kSupportRead, a::kRefundRead},
            {"courts, supervisory and tax authorities, when the law requires"},
            "as long as the records it reads are kept")},
      {"audit", Rule(LegalBasis::kLegalObligation, "Legal Compliance", {},
                     {a::kAuditRead, a::kAuditVerify, a::kAuditCheckpoint,
                      a::kConsentRead, a::kConsentReport},
                     {}, "audit entries (pseudonymous) for the life of the vault")},
      {"dsr", Rule(LegalBasis::kLegalObligation, "Legal Compliance", all_plain,
                   {a::kCustomerRead, a::kCustomerFind, a::kCustomerList,
                    a::kCustomerUpdate, a::kAuditRead, a::kAuditSearch, a::kConsentRecord,
                    a::kConsentRead, a::kConsentReport, a::kRestrict, a::kSupportRead, a::kRefundRead,
                    a::kDsrExport, a::kDsrErase, a::kDsrPurge, a::kDsrRequest},
                   {"supervisory authorities, when the law requires"},
                   "as long as the records it reads are kept")},
      {"operations", Rule(LegalBasis::kLegitimateInterest, "Security", {},
                          {a::kAuditVerify, a::kAuditCheckpoint, a::kDsrPurge,
                           a::kKeysManage, a::kVaultBackup, a::kVaultRestore,
                           a::kVaultCheck, a::kSupportImportHistory},
                          {}, "reads no customer field; imports help-desk ticket history it never reads back; backups are kept on their own cycle")},
  };
  return p;
}

bool IsKnownAction(std::string_view action) {
  namespace a = action;
  for (std::string_view known :
       {a::kCustomerCreate, a::kCustomerRead, a::kCustomerFind, a::kCustomerUpdate,
        a::kCustomerList, a::kAuditRead, a::kAuditVerify, a::kAuditCheckpoint,
        a::kAuditSearch, a::kConsentRecord, a::kConsentRead, a::kConsentReport,
        a::kNoticeRegister, a::kRestrict, a::kSupportWrite, a::kSupportRead,
        a::kSupportImportHistory, a::kRefundWrite, a::kRefundRecordPurchase,
        a::kRefundRead, a::kDsrExport, a::kDsrErase, a::kDsrPurge, a::kDsrRequest,
        a::kKeysManage,
        a::kVaultBackup, a::kVaultRestore, a::kVaultCheck}) {
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
