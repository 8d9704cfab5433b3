// The data-subject export of VaultCore (GDPR Art. 15 and 20): decide first,
// then read everything about the customer in one transaction, sign it with
// the vault's signing key and audit the export in that same transaction.
// Also the signing public key that verifies exports.
#include <map>

#include "audit/chain.h"
#include "crypto/bytes.h"
#include "crypto/signer.h"
#include "domain/case_documents.h"
#include "domain/consent_receipt.h"
#include "domain/consent_state.h"
#include "domain/customer_codec.h"
#include "domain/export_document.h"
#include "domain/retention.h"
#include "vault/vault_core.h"

namespace cvault::internal {
namespace {

namespace action = policy::action;

// The purpose under which customers act for themselves; it may export only
// the principal's own data.
constexpr std::string_view kSelfServicePurpose = "self_service";
constexpr std::string_view kKeysPublicAction = "keys.public";
constexpr std::size_t kAccessLogPage = 1000;

Timestamp At(std::int64_t us) { return Timestamp(std::chrono::microseconds(us)); }

std::vector<std::string> SectionNames() {
  return {domain::kExportSectionNames.begin(), domain::kExportSectionNames.end()};
}

policy::Decision NotOwnData() {
  policy::Decision d;
  d.outcome = policy::Decision::Outcome::kDeny;
  d.reason_code = "not_own_data";
  d.message =
      "purpose self_service may export only the principal's own data (the principal "
      "id must be the customer id)";
  return d;
}

// As consent_ops.cc builds events for Consents::History.

}  // namespace

StatusOr<domain::ExportSubjectData> VaultCore::GatherExportData(
    store::VaultTransaction& tx, const CustomerId& id, const Subject& subject) {
  const store::CustomerRow& row = *subject.row;
  const crypto::FieldCipher& cipher = subject.keys->cipher;
  domain::ExportSubjectData data;

  CustomerRecord& identity = data.identity;
  identity.id = id;
  identity.restricted = row.restricted;
  identity.created_at = At(row.created_at_us);
  identity.updated_at = At(row.updated_at_us);
  for (CustomerField field : kAllCustomerFields) {
    CVAULT_ASSIGN_OR_RETURN(auto plain, domain::OpenField(cipher, row, field));
    if (plain) identity.fields.emplace(field, std::string(plain->RevealAsText()));
  }
  auto country = identity.fields.find(CustomerField::kCountry);
  data.financial_retention_years =
      domain::FinancialRetentionFor(
          options_.retention, country == identity.fields.end() ? "" : country->second)
          .years;

  CVAULT_ASSIGN_OR_RETURN(auto events, tx.ListConsentEvents(id.str()));
  std::map<std::string, std::vector<store::ConsentEventRow>> by_purpose;
  for (const store::ConsentEventRow& event : events) {
    CVAULT_ASSIGN_OR_RETURN(auto receipt, domain::OpenReceipt(cipher, event));
    data.consent_history.push_back(domain::ToConsentEvent(event, receipt, id));
    by_purpose[event.purpose].push_back(event);
  }
  const std::int64_t now = NowMicros();
  for (const auto& [purpose, chain] : by_purpose) {
    if (domain::DeriveConsentState(chain, now).status == ConsentStatus::kActive) {
      data.consented_purposes.insert(purpose);
    }
  }

  CVAULT_ASSIGN_OR_RETURN(auto tickets, tx.ListCases(id.str(), domain::kTicketKind));
  for (const store::CaseRow& ticket : tickets) {
    CVAULT_ASSIGN_OR_RETURN(auto opened, domain::OpenTicket(cipher, ticket));
    data.support_tickets.push_back(std::move(opened));
  }
  CVAULT_ASSIGN_OR_RETURN(auto refunds, tx.ListCases(id.str(), domain::kRefundKind));
  CVAULT_ASSIGN_OR_RETURN(auto purchases, tx.ListCases(id.str(), domain::kPurchaseKind));
  if (!refunds.empty() || !purchases.empty()) {
    // Only with financial records: FinancialCipherFor would mint a key
    // otherwise.
    CVAULT_ASSIGN_OR_RETURN(const crypto::FieldCipher* financial,
                            FinancialCipherFor(id.str()));
    for (const store::CaseRow& refund : refunds) {
      CVAULT_ASSIGN_OR_RETURN(auto opened, domain::OpenRefundCase(*financial, refund));
      data.refund_cases.push_back(std::move(opened));
    }
    for (const store::CaseRow& purchase : purchases) {
      CVAULT_ASSIGN_OR_RETURN(auto opened, domain::OpenPurchase(*financial, purchase));
      data.purchases.push_back(std::move(opened));
    }
  }

  // Read before this export's own entry is appended, so the log ends just
  // before it.
  std::uint64_t from = 1;
  while (true) {
    CVAULT_ASSIGN_OR_RETURN(auto entries, tx.ReadAuditForSubject(subject.keys->pseudonym,
                                                                 from, kAccessLogPage));
    for (const store::AuditRow& entry : entries) {
      data.access_log.push_back(audit::ToAuditEntry(entry));
    }
    if (entries.size() < kAccessLogPage) break;
    from = entries.back().sequence + 1;
  }
  return data;
}

StatusOr<std::string> VaultCore::ExportSubject(const AccessContext& in,
                                               const CustomerId& id,
                                               std::string_view request_id) {
  std::lock_guard lock(mu_);
  CVAULT_ASSIGN_OR_RETURN(
      AuditedCall call,
      StartCall(
          in, action::kDsrExport,
          {std::string(action::kDsrExport), "", SectionNames(), {}, "allow", "ok"}));
  CVAULT_ASSIGN_OR_RETURN(Subject subject, LoadSubject(call, id.str()));
  // Decided before anything is read or existence revealed. A restriction
  // (Art. 18) limits the controller's processing, not the customer's right
  // of access, so it does not stop an export.
  policy::SubjectFacts facts = subject.facts;
  facts.restricted = false;
  policy::Decision decision = decider_.Decide(
      call.ctx(), {action::kDsrExport, policy::FieldUse::kRead, {}, facts});
  if (!decision.allowed()) return Error(std::move(call).Deny(decision));
  if (call.ctx().purpose == kSelfServicePurpose && call.ctx().principal_id != id.str()) {
    return Error(std::move(call).Deny(NotOwnData()));
  }
  if (!subject.row) {
    return Error(
        std::move(call).Fail("not_found", Status::NotFound("no customer with that id")));
  }

  static constexpr std::array kAnswers = {DsrKind::kAccess, DsrKind::kPortability};
  CVAULT_ASSIGN_OR_RETURN(auto request, BeginFulfilment(call, request_id, id, kAnswers));

  auto fail = [&](Status status) {
    std::string reason =
        status.code() == StatusCode::kIntegrity ? "integrity_error" : "store_error";
    return Error(std::move(call).Fail(std::move(reason), std::move(status)));
  };
  auto data = GatherExportData(call.tx(), id, subject);
  if (!data) return fail(data.error());
  auto signer = crypto::Signer::FromSeed(keyring_->audit_signing_seed());
  if (!signer) return fail(signer.error());
  domain::ExportHeader header{domain::NewExportId(), At(NowMicros()), id};
  auto document = domain::BuildSignedExport(header, *data, decider_.policy(), *signer);
  if (!document) return fail(document.error());

  if (request) {
    Status fulfilled = FinishFulfilment(call, *request, header.export_id);
    if (!fulfilled.ok()) return fail(fulfilled);
  }
  call.event().fields_returned = SectionNames();
  CVAULT_RETURN_IF_ERROR(std::move(call).Commit());
  return std::move(*document);
}

StatusOr<std::string> VaultCore::SigningPublicKey(const AccessContext& in) {
  std::lock_guard lock(mu_);
  CVAULT_ASSIGN_OR_RETURN(
      AuditedCall call,
      StartCall(in, kKeysPublicAction,
                {std::string(kKeysPublicAction), "", {}, {}, "allow", "ok"}));
  // Public information: any role may read it for a purpose it may use.
  if (!decider_.policy().RoleMayUse(call.ctx().role, call.ctx().purpose)) {
    policy::Decision denied;
    denied.reason_code = "role_not_permitted";
    denied.message = "the role may not act for this purpose";
    return Error(std::move(call).Deny(denied));
  }
  CVAULT_RETURN_IF_ERROR(std::move(call).Commit());
  return crypto::ToHex(audit_->public_key());
}

}  // namespace cvault::internal
