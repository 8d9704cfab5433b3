// Consent state derived from events: the single definition of "is consent
// active at instant T" that access decisions, status queries and reports
// share. Pure functions: thread-safe.
#ifndef CVAULT_DOMAIN_CONSENT_STATE_H_
#define CVAULT_DOMAIN_CONSENT_STATE_H_

#include <cstdint>
#include <optional>
#include <span>

#include "cvault/consent.h"
#include "store/store.h"

namespace cvault::domain {

std::optional<ConsentEventType> ParseConsentEventType(std::string_view name);

// The state an event leaves behind, seen at `at_us` (>= the event's time):
// given/renewed are active until their expiry (if any) passes.
ConsentStatus StatusAfter(const store::ConsentEventRow& latest, std::int64_t at_us);

// The state at `at_us` from one customer's events for one purpose, oldest
// first. Events after `at_us` are ignored.
ConsentState DeriveConsentState(std::span<const store::ConsentEventRow> events,
                                std::int64_t at_us);

}  // namespace cvault::domain

#endif  // CVAULT_DOMAIN_CONSENT_STATE_H_
