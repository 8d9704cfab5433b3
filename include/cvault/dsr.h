// Data-subject requests tracked to their deadlines (GDPR Art. 12(3)): the
// value types Rights takes and returns. Plain value types: copyable and
// movable, no shared state.
//
// A request is answered within one calendar month of its receipt; the
// controller may extend that by two further months for the complexity or
// number of requests, once, and only while the first month runs (the
// customer must be told within it). A request is fulfilled by the call that
// answers it (an export, an erasure, a restriction naming the request), or
// closed by hand: refused with a reason, withdrawn by the customer, or, for
// rectification and objection, fulfilled. docs/dsr-requests.md has the rules.
#ifndef CVAULT_DSR_H_
#define CVAULT_DSR_H_

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "cvault/clock.h"
#include "cvault/customer.h"
#include "cvault/visibility.h"

namespace cvault {

// Which right the customer exercises.
enum class DsrKind {
  kAccess,         // Art. 15: answered by an export
  kPortability,    // Art. 20: answered by an export
  kErasure,        // Art. 17: answered by an erasure
  kRectification,  // Art. 16: the customer record is corrected, then closed by hand
  kRestriction,    // Art. 18: answered by a restriction
  kObjection,      // Art. 21: processing stops (consent withdrawn), then closed by hand
};
enum class DsrStatus { kOpen, kFulfilled, kRefused, kWithdrawn };
// Whether the requester was shown to be the customer (Art. 12(6)). Nothing
// is fulfilled for a request whose identity is not verified.
enum class IdentityCheck { kPending, kVerified, kFailed };
// Art. 12(3): the two grounds for taking two more months.
enum class DsrExtension { kComplexity, kNumberOfRequests };
// Why a request was refused.
enum class DsrRefusal {
  kIdentityNotVerified,   // Art. 12(6)
  kManifestlyUnfounded,   // Art. 12(5)
  kExcessive,             // Art. 12(5)
  kLegalException,        // e.g. Art. 17(3): a legal obligation to keep the data
};

inline constexpr std::array kAllDsrKinds = {DsrKind::kAccess,        DsrKind::kPortability,
                                            DsrKind::kErasure,       DsrKind::kRectification,
                                            DsrKind::kRestriction,   DsrKind::kObjection};
inline constexpr std::array kAllDsrStatuses = {DsrStatus::kOpen, DsrStatus::kFulfilled,
                                               DsrStatus::kRefused, DsrStatus::kWithdrawn};
inline constexpr std::array kAllIdentityChecks = {
    IdentityCheck::kPending, IdentityCheck::kVerified, IdentityCheck::kFailed};
inline constexpr std::array kAllDsrExtensions = {DsrExtension::kComplexity,
                                                 DsrExtension::kNumberOfRequests};
inline constexpr std::array kAllDsrRefusals = {
    DsrRefusal::kIdentityNotVerified, DsrRefusal::kManifestlyUnfounded,
    DsrRefusal::kExcessive, DsrRefusal::kLegalException};

// Stable lower_snake names ("access", "number_of_requests", ...): what the
// API, the tool and stored rows use.
CVAULT_EXPORT std::string_view DsrKindName(DsrKind kind);
CVAULT_EXPORT std::optional<DsrKind> ParseDsrKind(std::string_view name);
CVAULT_EXPORT std::string_view DsrStatusName(DsrStatus status);
CVAULT_EXPORT std::optional<DsrStatus> ParseDsrStatus(std::string_view name);
CVAULT_EXPORT std::string_view IdentityCheckName(IdentityCheck check);
CVAULT_EXPORT std::optional<IdentityCheck> ParseIdentityCheck(std::string_view name);
CVAULT_EXPORT std::string_view DsrExtensionName(DsrExtension reason);
CVAULT_EXPORT std::optional<DsrExtension> ParseDsrExtension(std::string_view name);
CVAULT_EXPORT std::string_view DsrRefusalName(DsrRefusal reason);
CVAULT_EXPORT std::optional<DsrRefusal> ParseDsrRefusal(std::string_view name);

struct NewDsrRequest {
  CustomerId customer;
  DsrKind kind = DsrKind::kAccess;
  // When the request reached the controller (a letter opened today may have
  // arrived last week): the deadline runs from it. Now when absent; never
  // in the future.
  std::optional<Timestamp> received_at;
};

struct DsrRequest {
  std::string request_id;  // "dsr_..."
  CustomerId customer;     // kept after an erasure: it names no one then
  DsrKind kind = DsrKind::kAccess;
  DsrStatus status = DsrStatus::kOpen;
  IdentityCheck identity = IdentityCheck::kPending;
  Timestamp received_at;
  Timestamp due_at;  // one month after receipt; three once extended
  std::optional<DsrExtension> extension;
  std::optional<Timestamp> extended_at;
  std::optional<Timestamp> closed_at;
  std::optional<DsrRefusal> refusal;  // when refused
  // What fulfilled it: the export id ("exp_..."), the erasure id
  // ("era_..."), the audit request id of a restriction, or the reference
  // given when it was closed by hand. Empty otherwise.
  std::string outcome_ref;
  // Open and past its due time, at the time the vault read it.
  bool overdue = false;
};

// How a request is closed by hand.
struct DsrClosure {
  DsrStatus status = DsrStatus::kWithdrawn;  // fulfilled, refused or withdrawn
  std::optional<DsrRefusal> refusal;         // required when refused, else absent
  // Optional: what answered it (a ticket in the shop's own system, ...), 1 to
  // 64 of letters, digits and . _ - : /; screened for card numbers.
  std::string outcome_ref;
};

// Which requests Rights::ListRequests returns, earliest due first.
struct DsrListing {
  bool include_closed = false;  // open requests only by default
  bool overdue_only = false;    // open and past due at `at`
  std::optional<CustomerId> customer;  // every customer's when absent
  std::optional<Timestamp> at;         // now when absent
};

}  // namespace cvault

#endif  // CVAULT_DSR_H_
