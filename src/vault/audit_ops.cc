// The AuditLog operations of VaultCore. Reading, searching and verifying
// the log are themselves audited.
#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "audit/chain.h"
#include "audit/verifier.h"
#include "domain/validation.h"
#include "vault/vault_core.h"

namespace cvault::internal {
namespace {
namespace action = policy::action;

// Entries a search reads from the store at a time.
constexpr std::size_t kSearchPage = 1000;

// InvalidArgument naming the first filter of `query` that is not valid, or
// Ok. Messages never repeat a value.
Status CheckQuery(const AuditQuery& query) {
  using domain::IsIdentifier;
  if (query.limit == 0 || query.limit > AuditQuery::kMaxLimit) {
    return Status::InvalidArgument(
        fmt::format("limit: from 1 to {} entries", AuditQuery::kMaxLimit));
  }
  if (query.from && query.to && *query.from >= *query.to) {
    return Status::InvalidArgument(
        "from: must be before to (the range [from, to) includes from, not to)");
  }
  if (query.after_sequence >=
      static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    return Status::InvalidArgument("after_sequence: past any sequence the log can hold");
  }
  if (!query.action.empty() && !IsIdentifier(query.action, 64, "._-")) {
    return Status::InvalidArgument(
        "action: 1-64 characters of letters, digits and . _ - (e.g. customer.read)");
  }
  if (!query.principal_id.empty() && !IsIdentifier(query.principal_id, 64, "._:@-")) {
    return Status::InvalidArgument(
        "principal_id: 1-64 characters of letters, digits and . _ : @ -");
  }
  if (!query.purpose.empty() && !IsIdentifier(query.purpose, 64, "_-")) {
    return Status::InvalidArgument(
        "purpose: 1-64 characters of letters, digits, _ and -");
  }
  return Status::Ok();
}

std::int64_t Micros(Timestamp t) { return t.time_since_epoch().count(); }

// Whether `row` matches every filter of `query` but the customer (which
// chose the rows read).
bool Matches(const store::AuditRow& row, const AuditQuery& query) {
  if (query.from && row.time_us < Micros(*query.from)) return false;
  if (query.to && row.time_us >= Micros(*query.to)) return false;
  if (!query.action.empty() && row.action != query.action) return false;
  if (!query.principal_id.empty() && row.principal_id != query.principal_id) {
    return false;
  }
  return query.purpose.empty() || row.purpose == query.purpose;
}

}  // namespace

StatusOr<AuditVerifyReport> VaultCore::VerifyAudit(
    const AccessContext& in, const std::optional<AuditCheckpoint>& trusted) {
  std::lock_guard lock(mu_);
  CVAULT_ASSIGN_OR_RETURN(
      AuditedCall call,
      StartCall(in, action::kAuditVerify,
                {std::string(action::kAuditVerify), "", {}, {}, "allow", "ok"}));
  policy::Decision decision = decider_.Decide(
      call.ctx(), {action::kAuditVerify, policy::FieldUse::kRead, {}, std::nullopt});
  if (!decision.allowed()) return Error(std::move(call).Deny(decision));
  CVAULT_ASSIGN_OR_RETURN(
      auto report,
      audit::VerifyAuditLog(backend_->vault_store(), audit_->public_key(), trusted));
  if (!report.ok) {
    // Do not extend a broken chain; report without appending to it.
    logger_->error("audit log verification failed at entry {}",
                   report.first_bad_sequence.value_or(0));
    std::move(call).EndWithoutEntry();
    return report;
  }
  CVAULT_RETURN_IF_ERROR(std::move(call).Commit());
  return report;
}

StatusOr<std::vector<AuditEntry>> VaultCore::TailAudit(const AccessContext& in,
                                                       std::size_t count) {
  std::lock_guard lock(mu_);
  CVAULT_ASSIGN_OR_RETURN(
      AuditedCall call,
      StartCall(in, action::kAuditRead,
                {std::string(action::kAuditRead), "", {}, {}, "allow", "ok"}));
  policy::Decision decision = decider_.Decide(
      call.ctx(), {action::kAuditRead, policy::FieldUse::kRead, {}, std::nullopt});
  if (!decision.allowed()) return Error(std::move(call).Deny(decision));
  count = std::min<std::size_t>(count, 10000);
  CVAULT_ASSIGN_OR_RETURN(auto* tx, call.Transaction());
  CVAULT_ASSIGN_OR_RETURN(auto last, tx->LastAudit());
  std::uint64_t head = last ? last->sequence : 0;
  std::uint64_t from = head >= count ? head - count + 1 : 1;
  CVAULT_ASSIGN_OR_RETURN(auto rows, tx->ReadAudit(from, count));
  std::vector<AuditEntry> entries;
  entries.reserve(rows.size());
  for (const store::AuditRow& row : rows) entries.push_back(audit::ToAuditEntry(row));
  CVAULT_RETURN_IF_ERROR(std::move(call).Commit());
  return entries;
}

StatusOr<std::vector<AuditEntry>> VaultCore::SearchAudit(const AccessContext& in,
                                                         const AuditQuery& query) {
  return ReadInParallel([&](bool* retry_exclusive)
                            -> StatusOr<std::vector<AuditEntry>> {
    CVAULT_ASSIGN_OR_RETURN(
        AuditedCall call,
        StartCall(in, action::kAuditSearch,
                  {std::string(action::kAuditSearch), "", {}, {}, "allow", "ok"},
                  retry_exclusive));
    // Decided before the filters are looked at or a customer's existence
    // is revealed.
    policy::Decision decision = decider_.Decide(
        call.ctx(), {action::kAuditSearch, policy::FieldUse::kRead, {}, std::nullopt});
    if (!decision.allowed()) return Error(std::move(call).Deny(decision));
    if (Status bad = CheckQuery(query); !bad.ok()) {
      return Error(std::move(call).Fail("invalid_input", bad));
    }
    // The customer's pseudonym needs their data key, so only a customer who
    // still exists can be searched for. LoadSubject names the pseudonym in
    // this call's entry.
    std::string pseudonym;
    if (query.customer) {
      CVAULT_ASSIGN_OR_RETURN(Subject subject, LoadSubject(call, query.customer->str()));
      if (!subject.row) {
        return Error(std::move(call).Fail("not_found",
                                          Status::NotFound("no customer with that id")));
      }
      pseudonym = subject.keys->pseudonym;
    }
    CVAULT_ASSIGN_OR_RETURN(auto* tx, call.Transaction());
    std::vector<AuditEntry> found;
    std::uint64_t from = query.after_sequence + 1;
    while (found.size() < query.limit) {
      CVAULT_ASSIGN_OR_RETURN(auto rows,
                              pseudonym.empty()
                                  ? tx->ReadAudit(from, kSearchPage)
                                  : tx->ReadAuditForSubject(pseudonym, from, kSearchPage));
      for (const store::AuditRow& row : rows) {
        if (!Matches(row, query)) continue;
        found.push_back(audit::ToAuditEntry(row));
        if (found.size() == query.limit) break;
      }
      if (rows.size() < kSearchPage) break;
      from = rows.back().sequence + 1;
    }
    call.EndRead();
    CVAULT_RETURN_IF_ERROR(std::move(call).Commit());
    return found;
  });
}

StatusOr<AuditCheckpoint> VaultCore::Checkpoint(const AccessContext& in) {
  std::lock_guard lock(mu_);
  {
    CVAULT_ASSIGN_OR_RETURN(
        AuditedCall call,
        StartCall(in, action::kAuditCheckpoint,
                  {std::string(action::kAuditCheckpoint), "", {}, {}, "allow", "ok"}));
    policy::Decision decision = decider_.Decide(
        call.ctx(),
        {action::kAuditCheckpoint, policy::FieldUse::kRead, {}, std::nullopt});
    if (!decision.allowed()) return Error(std::move(call).Deny(decision));
    // The request is recorded first, so the checkpoint covers it.
    CVAULT_RETURN_IF_ERROR(std::move(call).Commit());
  }
  CVAULT_ASSIGN_OR_RETURN(auto tx, BeginWrite());
  CVAULT_ASSIGN_OR_RETURN(auto row, audit_->WriteCheckpoint(*tx, NowMicros()));
  CVAULT_RETURN_IF_ERROR(tx->Commit());
  return audit::ToAuditCheckpoint(row);
}

}  // namespace cvault::internal
