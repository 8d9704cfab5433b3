#include "domain/consent_state.h"

namespace cvault::domain {
namespace {

Timestamp FromMicros(std::int64_t us) { return Timestamp(std::chrono::microseconds(us)); }

}  // namespace

std::optional<ConsentEventType> ParseConsentEventType(std::string_view name) {
  for (ConsentEventType t : {ConsentEventType::kGiven, ConsentEventType::kWithdrawn,
                             ConsentEventType::kRenewed, ConsentEventType::kExpired}) {
    if (ConsentEventTypeName(t) == name) return t;
  }
  return std::nullopt;
}

ConsentStatus StatusAfter(const store::ConsentEventRow& latest, std::int64_t at_us) {
  auto type = ParseConsentEventType(latest.event_type);
  if (!type) return ConsentStatus::kNeverGiven;  // unknown types grant nothing
  switch (*type) {
    case ConsentEventType::kWithdrawn:
      return ConsentStatus::kWithdrawn;
    case ConsentEventType::kExpired:
      return ConsentStatus::kExpired;
    case ConsentEventType::kGiven:
    case ConsentEventType::kRenewed:
      if (latest.expires_at_us && *latest.expires_at_us <= at_us) {
        return ConsentStatus::kExpired;
      }
      return ConsentStatus::kActive;
  }
  return ConsentStatus::kNeverGiven;
}

ConsentState DeriveConsentState(std::span<const store::ConsentEventRow> events,
                                std::int64_t at_us) {
  ConsentState state;
  const store::ConsentEventRow* latest = nullptr;
  for (const store::ConsentEventRow& e : events) {
    if (e.time_us > at_us) break;
    latest = &e;
  }
  if (latest == nullptr) return state;
  state.purpose = latest->purpose;
  state.status = StatusAfter(*latest, at_us);
  state.consent_id = latest->consent_id;
  state.since = FromMicros(latest->time_us);
  if (latest->expires_at_us) state.expires_at = FromMicros(*latest->expires_at_us);
  if (state.status == ConsentStatus::kExpired && latest->expires_at_us &&
      latest->event_type != "expired") {
    state.since = FromMicros(*latest->expires_at_us);
  }
  return state;
}

}  // namespace cvault::domain
