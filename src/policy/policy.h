// The access policy: which roles may act for which purposes, and what each
// purpose may do and see. Deny by default: a role, purpose, action or field
// group the policy does not name is refused.
//
// A Policy is a plain value, built once (the built-in default, or later a
// policy file) and then only read, so sharing a const Policy between threads
// is safe.
#ifndef CVAULT_POLICY_POLICY_H_
#define CVAULT_POLICY_POLICY_H_

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "cvault/customer.h"
#include "cvault/records.h"

namespace cvault::policy {

enum class Redaction { kNone, kMasked, kPlain };
enum class LegalBasis { kConsent, kContract, kLegalObligation, kLegitimateInterest };

std::string_view RedactionName(Redaction redaction);
std::string_view LegalBasisName(LegalBasis basis);

// Actions the vault checks. Kept as strings so the policy file can name them.
namespace action {
inline constexpr std::string_view kCustomerCreate = "customer.create";
inline constexpr std::string_view kCustomerRead = "customer.read";
inline constexpr std::string_view kCustomerFind = "customer.find";
inline constexpr std::string_view kCustomerUpdate = "customer.update";
inline constexpr std::string_view kCustomerList = "customer.list";
inline constexpr std::string_view kAuditRead = "audit.read";
inline constexpr std::string_view kAuditVerify = "audit.verify";
inline constexpr std::string_view kAuditCheckpoint = "audit.checkpoint";
inline constexpr std::string_view kAuditSearch = "audit.search";  // filters link entries to a customer
inline constexpr std::string_view kConsentRecord = "consent.record";  // grant, withdraw, renew, expire
inline constexpr std::string_view kConsentRead = "consent.read";      // history, status
inline constexpr std::string_view kConsentReport = "consent.report";  // counts per purpose
inline constexpr std::string_view kNoticeRegister = "notice.register";
inline constexpr std::string_view kRestrict = "customer.restrict";  // Art. 18 set / lift
inline constexpr std::string_view kSupportWrite = "support.write";  // open, attempt, resolve
inline constexpr std::string_view kSupportRead = "support.read";
// Opening a ticket whose opening time lies in the past (history imported
// from a help desk).
inline constexpr std::string_view kSupportImportHistory = "support.import_history";
inline constexpr std::string_view kRefundWrite = "refund.write";  // open, link, assess, move, pay, notify
inline constexpr std::string_view kRefundRead = "refund.read";    // a case, a purchase, the overdue list
// Recording what a customer was shown at purchase (a checkout may be granted
// it without deciding refunds).
inline constexpr std::string_view kRefundRecordPurchase = "refund.record_purchase";
inline constexpr std::string_view kDsrExport = "dsr.export";      // Art. 15/20 export
inline constexpr std::string_view kDsrErase = "dsr.erase";        // Art. 17 erasure
inline constexpr std::string_view kDsrPurge = "dsr.purge";        // expired holds, lapsed consents
// Track data-subject requests: open, identity check, extend, close, list.
inline constexpr std::string_view kDsrRequest = "dsr.request";
inline constexpr std::string_view kKeysManage = "keys.manage";    // rotate, reseal, rekey, re-index
inline constexpr std::string_view kVaultBackup = "vault.backup";
inline constexpr std::string_view kVaultRestore = "vault.restore";
// Operations::Check: reads and decrypts everything, returns no value.
inline constexpr std::string_view kVaultCheck = "vault.check";
}  // namespace action

// Every action the vault knows; a policy file may name only these.
bool IsKnownAction(std::string_view action);

struct PurposeRule {
  LegalBasis legal_basis = LegalBasis::kContract;
  // The consent receipt's purpose category (Kantara CR v1.1), e.g.
  // "Marketing" or "Core Function".
  std::string category;
  // Field groups this purpose may see, and how. Absent means kNone.
  std::map<FieldGroup, Redaction> field_groups;
  std::set<std::string, std::less<>> actions;
  // For the records of processing (GDPR Art. 30): the recipients or
  // categories of recipients the data goes to for this purpose, outside the
  // controller's own roles (empty: none), and how long the data is kept for
  // it (empty: not stated). Free text; nothing is decided on them.
  std::vector<std::string> recipients;
  std::string retention;
};

// Who the controller is, for consent receipts.
struct Controller {
  std::string name = "XPereozz";
  std::string jurisdiction = "EU";
};

// Duties one principal may not hold both of ([duties] in a policy file).
struct Duties {
  // The principal who assessed or approved a refund may not mark it paid
  // (move it to completed).
  bool separate_refund_payment = true;
};

struct Policy {
  Controller controller;
  Duties duties;
  std::map<std::string, std::set<std::string, std::less<>>, std::less<>> role_purposes;
  std::map<std::string, PurposeRule, std::less<>> purposes;

  // The built-in default policy (written out in docs/policy.md).
  static Policy Default();

  const PurposeRule* FindPurpose(std::string_view purpose) const;
  bool RoleMayUse(std::string_view role, std::string_view purpose) const;
};

// The records of processing (GDPR Art. 30) `policy` states (records.cc).
ProcessingRecords RecordsOf(const Policy& policy);

}  // namespace cvault::policy

#endif  // CVAULT_POLICY_POLICY_H_
