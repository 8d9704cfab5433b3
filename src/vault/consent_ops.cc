// The Consents operations of VaultCore: consent events, their state and
// reports, and the notices they cite.
#include <fmt/format.h>

#include <map>

#include "crypto/bytes.h"
#include "crypto/hash.h"
#include "domain/consent_receipt.h"
#include "domain/consent_state.h"
#include "domain/validation.h"
#include "vault/vault_core.h"

namespace cvault::internal {
namespace {

namespace action = policy::action;

Timestamp FromMicros(std::int64_t us) { return Timestamp(std::chrono::microseconds(us)); }
std::int64_t ToMicros(Timestamp t) { return t.time_since_epoch().count(); }

std::string ActionFor(ConsentEventType type) {
  switch (type) {
    case ConsentEventType::kGiven:
      return "consent.grant";
    case ConsentEventType::kWithdrawn:
      return "consent.withdraw";
    case ConsentEventType::kRenewed:
      return "consent.renew";
    case ConsentEventType::kExpired:
      return "consent.expire";
  }
  return "consent.grant";
}

// What the audit entry names: the purpose only once it passed its check,
// since a value that fails it could hold anything, a card number included.
std::string EntryField(std::string_view purpose) {
  if (!domain::ValidateConsentPurpose(purpose).ok()) return "consent:(invalid)";
  return "consent:" + std::string(purpose);
}

}  // namespace

StatusOr<ConsentEvent> VaultCore::GrantConsent(const AccessContext& in,
                                               const CustomerId& id,
                                               const ConsentGrant& grant) {
  std::lock_guard lock(mu_);
  CVAULT_ASSIGN_OR_RETURN(
      AuditedCall call,
      StartCall(in, action::kConsentRecord,
                {"consent.grant", "", {EntryField(grant.purpose)}, {}, "allow", "ok"}));
  CVAULT_ASSIGN_OR_RETURN(
      Decided d,
      BeginForSubject(
          call, id,
          {action::kConsentRecord, policy::FieldUse::kWrite, {}, std::nullopt}));
  auto fail = [&](std::string reason, Status status) {
    return std::move(call).Fail(std::move(reason), std::move(status));
  };
  Status purpose_valid = domain::ValidateConsentPurpose(grant.purpose);
  if (!purpose_valid.ok()) return Error(fail("invalid_input", purpose_valid));
  const policy::PurposeRule* rule = decider_.policy().FindPurpose(grant.purpose);
  if (rule == nullptr) {
    return Error(fail("invalid_input",
                      Status::InvalidArgument("purpose: not in the purpose catalogue")));
  }
  if (rule->legal_basis != policy::LegalBasis::kConsent) {
    return Error(fail("invalid_input",
                      Status::InvalidArgument(fmt::format(
                          "purpose: '{}' rests on {}, not consent; consent cannot be "
                          "recorded for it",
                          grant.purpose, policy::LegalBasisName(rule->legal_basis)))));
  }
  // Processing that rests on consent needs a clear affirmative act (GDPR
  // Art. 4(11), 7): consent inferred from conduct is not recorded as if it
  // were one.
  if (grant.type != ConsentType::kExplicit) {
    return Error(fail("invalid_input",
                      Status::InvalidArgument(
                          "type: consent for a purpose resting on consent must be "
                          "explicit; an implicit consent cannot be recorded")));
  }
  Status valid = domain::ValidateConsentGrant(grant);
  if (!valid.ok()) return Error(fail("invalid_input", valid));
  std::int64_t now = NowMicros();
  if (grant.expires_at && ToMicros(*grant.expires_at) <= now) {
    return Error(fail("invalid_input",
                      Status::InvalidArgument("expires at: must be in the future")));
  }
  store::VaultTransaction& tx = call.tx();
  CVAULT_ASSIGN_OR_RETURN(auto notice,
                          tx.GetNotice(grant.notice_id, grant.notice_version));
  if (!notice) {
    return Error(fail("unknown_notice",
                      Status::InvalidArgument(fmt::format(
                          "notice: {}@{} is not registered; register the notice text "
                          "first (cvault notice add)",
                          grant.notice_id, grant.notice_version))));
  }
  CVAULT_ASSIGN_OR_RETURN(auto earlier,
                          tx.ListConsentEventsFor(id.str(), grant.purpose, now));

  domain::ReceiptFields f;
  f.controller = decider_.policy().controller.name;
  f.jurisdiction = decider_.policy().controller.jurisdiction;
  f.purpose_category = rule->category;
  f.legal_basis = "consent";
  f.consent_type = std::string(ConsentTypeName(grant.type));
  f.pii_categories = grant.pii_categories;
  if (f.pii_categories.empty()) {
    for (const auto& [group, level] : rule->field_groups) {
      if (level != policy::Redaction::kNone) {
        f.pii_categories.emplace_back(FieldGroupName(group));
      }
    }
  }
  f.third_parties = grant.third_parties;
  f.notice_id = grant.notice_id;
  f.notice_version = grant.notice_version;
  f.notice_sha256 = crypto::ToHex(notice->text_sha256);
  f.language = grant.language;
  f.collection_method = grant.collection_method;
  f.channel = grant.channel;
  f.actor = grant.actor;

  store::ConsentEventRow row;
  row.event_id = domain::NewConsentEventId();
  row.consent_id = domain::NewConsentId();
  row.customer_id = id.str();
  row.purpose = grant.purpose;
  row.event_type = "given";
  row.time_us = now;
  if (grant.expires_at) row.expires_at_us = ToMicros(*grant.expires_at);
  if (!earlier.empty()) row.previous_event_id = earlier.back().event_id;
  CVAULT_ASSIGN_OR_RETURN(row.receipt,
                          domain::SealReceipt(d.subject.keys->cipher, row, f));
  CVAULT_RETURN_IF_ERROR(call.tx().AppendConsentEvent(row));
  CVAULT_RETURN_IF_ERROR(std::move(call).Commit());
  return domain::ToConsentEvent(row, f, id);
}

StatusOr<ConsentEvent> VaultCore::ChangeConsent(
    const AccessContext& in, const CustomerId& id, std::string_view purpose,
    ConsentEventType type, std::optional<Timestamp> expires_at, std::string_view actor,
    std::optional<ConsentMeans> means) {
  std::lock_guard lock(mu_);
  CVAULT_ASSIGN_OR_RETURN(
      AuditedCall call,
      StartCall(in, action::kConsentRecord,
                {ActionFor(type), "", {EntryField(purpose)}, {}, "allow", "ok"}));
  // Withdrawal lowers processing, so a restricted customer can still withdraw.
  CVAULT_ASSIGN_OR_RETURN(
      Decided d,
      BeginForSubject(
          call, id, {action::kConsentRecord, policy::FieldUse::kWrite, {}, std::nullopt},
          /*ignore_restriction=*/type == ConsentEventType::kWithdrawn));
  auto fail = [&](std::string reason, Status status) {
    return std::move(call).Fail(std::move(reason), std::move(status));
  };
  Status valid = domain::ValidateConsentPurpose(purpose);
  if (valid.ok()) valid = domain::ValidateActor(actor);
  if (valid.ok() && means) {
    valid = domain::ValidateMethodAndChannel(means->collection_method, means->channel);
  }
  if (!valid.ok()) return Error(fail("invalid_input", valid));
  std::int64_t now = NowMicros();
  if (expires_at && ToMicros(*expires_at) <= now) {
    return Error(fail("invalid_input",
                      Status::InvalidArgument("expires at: must be in the future")));
  }
  CVAULT_ASSIGN_OR_RETURN(auto earlier,
                          call.tx().ListConsentEventsFor(id.str(), purpose, now));
  ConsentState state = domain::DeriveConsentState(earlier, now);
  bool allowed =
      type == ConsentEventType::kWithdrawn ? state.status == ConsentStatus::kActive
      : type == ConsentEventType::kRenewed ? state.status == ConsentStatus::kActive ||
                                                 state.status == ConsentStatus::kExpired
                                           : state.status == ConsentStatus::kExpired &&
                                                 earlier.back().event_type != "expired";
  if (!allowed) {
    return Error(
        fail("no_consent_to_change",
             Status::FailedPrecondition(fmt::format(
                 "cannot record '{}' for purpose '{}': consent is {}",
                 ConsentEventTypeName(type), purpose, ConsentStatusName(state.status)))));
  }
  const store::ConsentEventRow& last = earlier.back();
  CVAULT_ASSIGN_OR_RETURN(auto f, domain::OpenReceipt(d.subject.keys->cipher, last));
  f.actor = std::string(actor);
  if (means) {
    f.collection_method = std::string(means->collection_method);
    f.channel = std::string(means->channel);
  }

  store::ConsentEventRow row;
  row.event_id = domain::NewConsentEventId();
  row.consent_id = last.consent_id;
  row.customer_id = id.str();
  row.purpose = std::string(purpose);
  row.event_type = std::string(ConsentEventTypeName(type));
  row.time_us = now;
  if (type == ConsentEventType::kRenewed && expires_at) {
    row.expires_at_us = ToMicros(*expires_at);
  } else if (type == ConsentEventType::kExpired) {
    row.expires_at_us = last.expires_at_us;
  }
  row.previous_event_id = last.event_id;
  CVAULT_ASSIGN_OR_RETURN(row.receipt,
                          domain::SealReceipt(d.subject.keys->cipher, row, f));
  CVAULT_RETURN_IF_ERROR(call.tx().AppendConsentEvent(row));
  CVAULT_RETURN_IF_ERROR(std::move(call).Commit());
  return domain::ToConsentEvent(row, f, id);
}

StatusOr<std::vector<ConsentEvent>> VaultCore::ConsentHistory(const AccessContext& in,
                                                              const CustomerId& id) {
  std::lock_guard lock(mu_);
  CVAULT_ASSIGN_OR_RETURN(AuditedCall call,
                          StartCall(in, action::kConsentRead,
                                    {"consent.history", "", {}, {}, "allow", "ok"}));
  // Auditing consent records is compliance work, so it goes on while the
  // customer is restricted (Art. 18 keeps the data; it does not hide it
  // from the controller's own accountability).
  CVAULT_ASSIGN_OR_RETURN(
      Decided d,
      BeginForSubject(call, id,
                      {action::kConsentRead, policy::FieldUse::kRead, {}, std::nullopt},
                      /*ignore_restriction=*/true));
  CVAULT_ASSIGN_OR_RETURN(auto rows, call.tx().ListConsentEvents(id.str()));
  std::vector<ConsentEvent> events;
  events.reserve(rows.size());
  for (const store::ConsentEventRow& row : rows) {
    auto f = domain::OpenReceipt(d.subject.keys->cipher, row);
    if (!f) return Error(std::move(call).Fail("integrity_error", f.error()));
    events.push_back(domain::ToConsentEvent(row, *f, id));
  }
  CVAULT_RETURN_IF_ERROR(std::move(call).Commit());
  return events;
}

StatusOr<std::vector<ConsentState>> VaultCore::ConsentStatuses(
    const AccessContext& in, const CustomerId& id, std::optional<Timestamp> as_of) {
  std::lock_guard lock(mu_);
  CVAULT_ASSIGN_OR_RETURN(
      AuditedCall call,
      StartCall(in, action::kConsentRead, {"consent.status", "", {}, {}, "allow", "ok"}));
  CVAULT_RETURN_IF_ERROR(StatusOf(BeginForSubject(
      call, id, {action::kConsentRead, policy::FieldUse::kRead, {}, std::nullopt},
      /*ignore_restriction=*/true)));
  std::int64_t at = as_of ? ToMicros(*as_of) : NowMicros();
  std::vector<ConsentState> states;
  for (const auto& [purpose, rule] : decider_.policy().purposes) {
    if (rule.legal_basis != policy::LegalBasis::kConsent) continue;
    CVAULT_ASSIGN_OR_RETURN(auto rows,
                            call.tx().ListConsentEventsFor(id.str(), purpose, at));
    ConsentState state = domain::DeriveConsentState(rows, at);
    state.purpose = purpose;
    states.push_back(std::move(state));
  }
  CVAULT_RETURN_IF_ERROR(std::move(call).Commit());
  return states;
}

StatusOr<ConsentReport> VaultCore::ConsentReportFor(const AccessContext& in,
                                                    std::string_view purpose,
                                                    std::optional<Timestamp> as_of) {
  std::lock_guard lock(mu_);
  CVAULT_ASSIGN_OR_RETURN(
      AuditedCall call,
      StartCall(in, action::kConsentReport,
                {"consent.report", "", {EntryField(purpose)}, {}, "allow", "ok"}));
  policy::Decision decision = decider_.Decide(
      call.ctx(), {action::kConsentReport, policy::FieldUse::kRead, {}, std::nullopt});
  if (!decision.allowed()) return Error(std::move(call).Deny(decision));
  Status purpose_valid = domain::ValidateConsentPurpose(purpose);
  if (!purpose_valid.ok()) {
    return Error(std::move(call).Fail("invalid_input", purpose_valid));
  }
  const policy::PurposeRule* rule = decider_.policy().FindPurpose(purpose);
  if (rule == nullptr || rule->legal_basis != policy::LegalBasis::kConsent) {
    return Error(std::move(call).Fail(
        "invalid_input",
        Status::InvalidArgument(
            "purpose: a purpose whose legal basis is consent is required")));
  }
  std::int64_t at = as_of ? ToMicros(*as_of) : NowMicros();
  CVAULT_ASSIGN_OR_RETURN(auto* tx, call.Transaction());
  CVAULT_ASSIGN_OR_RETURN(auto latest, tx->LatestConsentEvents(purpose, at));
  CVAULT_ASSIGN_OR_RETURN(std::uint64_t customers, tx->CountCustomers(at));
  ConsentReport report;
  report.purpose = std::string(purpose);
  report.as_of = FromMicros(at);
  for (const store::ConsentEventRow& row : latest) {
    switch (domain::StatusAfter(row, at)) {
      case ConsentStatus::kActive:
        ++report.active;
        break;
      case ConsentStatus::kWithdrawn:
        ++report.withdrawn;
        break;
      case ConsentStatus::kExpired:
        ++report.expired;
        break;
      case ConsentStatus::kNeverGiven:
        break;
    }
  }
  std::uint64_t with_events = report.active + report.withdrawn + report.expired;
  report.never_given = customers > with_events ? customers - with_events : 0;
  CVAULT_RETURN_IF_ERROR(std::move(call).Commit());
  return report;
}

StatusOr<Notice> VaultCore::RegisterNotice(const AccessContext& in,
                                           std::string_view notice_id,
                                           std::string_view version,
                                           std::string_view text) {
  std::lock_guard lock(mu_);
  CVAULT_ASSIGN_OR_RETURN(AuditedCall call,
                          StartCall(in, action::kNoticeRegister,
                                    {"notice.register", "", {}, {}, "allow", "ok"}));
  policy::Decision decision = decider_.Decide(
      call.ctx(), {action::kNoticeRegister, policy::FieldUse::kWrite, {}, std::nullopt});
  if (!decision.allowed()) return Error(std::move(call).Deny(decision));
  Status valid = domain::ValidateNoticeRef("notice id", notice_id);
  if (valid.ok()) valid = domain::ValidateNoticeRef("notice version", version);
  if (valid.ok()) valid = domain::ValidateText("notice text", text, 1 << 20, true);
  if (!valid.ok()) return Error(std::move(call).Fail("invalid_input", valid));
  call.event().fields_requested = {"notice:" + std::string(notice_id) + "@" +
                                   std::string(version)};
  store::NoticeRow row;
  row.notice_id = std::string(notice_id);
  row.version = std::string(version);
  row.text = std::string(text);
  row.text_sha256 = crypto::Sha256(crypto::AsBytes(text));
  row.registered_at_us = NowMicros();
  CVAULT_ASSIGN_OR_RETURN(auto* tx, call.Transaction());
  Status inserted = tx->InsertNotice(row);
  if (!inserted.ok()) {
    bool taken = inserted.code() == StatusCode::kAlreadyExists;
    return Error(std::move(call).Fail(
        taken ? "notice_exists" : "store_error",
        taken
            ? Status::AlreadyExists("notice: this id and version are already registered; "
                                    "register a new version instead")
            : inserted));
  }
  CVAULT_RETURN_IF_ERROR(std::move(call).Commit());
  return Notice{row.notice_id, row.version, crypto::ToHex(row.text_sha256),
                FromMicros(row.registered_at_us)};
}

}  // namespace cvault::internal
