// Consent records: append-only events shaped like Kantara Consent Receipt
// v1.1 / ISO/IEC TS 27560 receipts, the notices they point at, and the state
// derived from them. Plain value types: copyable and movable, no shared state.
//
// Consent never changes in place: giving, renewing, withdrawing and expiring
// each append an event, and the state at any instant is derived from the
// events up to it. An expiry makes consent lapse without a new event.
#ifndef CVAULT_CONSENT_H_
#define CVAULT_CONSENT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cvault/clock.h"
#include "cvault/customer.h"
#include "cvault/visibility.h"

namespace cvault {

enum class ConsentEventType { kGiven, kWithdrawn, kRenewed, kExpired };
enum class ConsentType { kExplicit, kImplicit };
enum class ConsentStatus { kActive, kNeverGiven, kWithdrawn, kExpired };

// "given", "withdrawn", "renewed", "expired".
CVAULT_EXPORT std::string_view ConsentEventTypeName(ConsentEventType type);
// "explicit", "implicit".
CVAULT_EXPORT std::string_view ConsentTypeName(ConsentType type);
CVAULT_EXPORT std::optional<ConsentType> ParseConsentType(std::string_view name);
// "active", "never_given", "withdrawn", "expired".
CVAULT_EXPORT std::string_view ConsentStatusName(ConsentStatus status);

// What the caller supplies when a customer gives consent.
struct ConsentGrant {
  std::string purpose;         // a purpose whose legal basis is consent
  std::string notice_id;       // a registered notice ...
  std::string notice_version;  // ... and version (the text the customer saw)
  // How consent was collected: web_form, checkbox, double_opt_in,
  // email_link, verbal, paper, api or import.
  std::string collection_method;
  // Where: web, mobile_app, email, phone, in_person, chat or api.
  std::string channel;
  ConsentType type = ConsentType::kExplicit;
  std::string language = "en";  // BCP 47 language of the notice shown
  // Field groups the consent covers; empty means those the purpose may see.
  std::vector<std::string> pii_categories;
  std::vector<std::string> third_parties;  // names of recipients, if any
  // Who acted: "customer", or the id of the agent who recorded it.
  std::string actor = "customer";
  std::optional<Timestamp> expires_at;  // consent lapses at this instant
};

// What the caller supplies when a customer withdraws consent: how the
// withdrawal itself reached the controller, which need not be how the
// consent was given (given by a web checkbox, withdrawn on the phone).
struct ConsentWithdrawal {
  std::string purpose;
  std::string collection_method;  // from ConsentGrant's list
  std::string channel;            // from ConsentGrant's list
  // Who acted: "customer", or the id of the agent who recorded it.
  std::string actor = "customer";
};

// One event, as stored (decrypted for a permitted reader).
struct ConsentEvent {
  std::string event_id;    // "cev_..."
  std::string consent_id;  // "con_...": shared by a grant and its renewals/withdrawal
  CustomerId customer;
  ConsentEventType type = ConsentEventType::kGiven;
  Timestamp time{};
  std::optional<Timestamp> expires_at;
  std::string previous_event_id;  // the customer's previous event for the purpose
  // The receipt.
  std::string controller;
  std::string jurisdiction;
  std::string purpose;
  std::string purpose_category;
  std::string legal_basis;  // always "consent"
  ConsentType consent_type = ConsentType::kExplicit;
  std::vector<std::string> pii_categories;
  std::vector<std::string> third_parties;
  std::string notice_id;
  std::string notice_version;
  std::string notice_sha256;  // hex SHA-256 of the notice text
  std::string language;
  std::string collection_method;
  std::string channel;
  std::string actor;
};

// A customer's consent for one purpose at one instant.
struct ConsentState {
  std::string purpose;
  ConsentStatus status = ConsentStatus::kNeverGiven;
  std::optional<Timestamp> since;       // time of the event that set the status
  std::optional<Timestamp> expires_at;  // for active (or expired) consent
  std::string consent_id;
};

// Counts of customers by consent status for one purpose at one instant.
struct ConsentReport {
  std::string purpose;
  Timestamp as_of{};
  std::uint64_t active = 0;
  std::uint64_t withdrawn = 0;
  std::uint64_t expired = 0;
  std::uint64_t never_given = 0;
};

// A registered notice version.
struct Notice {
  std::string notice_id;
  std::string version;
  std::string text_sha256;  // hex
  Timestamp registered_at{};
};

}  // namespace cvault

#endif  // CVAULT_CONSENT_H_
