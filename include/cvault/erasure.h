// Erasure (GDPR Art. 17), retention holds and the purge job: the value types
// Rights::Erase and Rights::Purge return. Plain value types.
#ifndef CVAULT_ERASURE_H_
#define CVAULT_ERASURE_H_

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cvault/clock.h"
#include "cvault/customer.h"
#include "cvault/visibility.h"

namespace cvault {

// What happened to one group of the customer's data.
enum class ErasureOutcome {
  kErased,    // destroyed now: data key shredded, rows and index entries deleted
  kRetained,  // kept, minimised, under a retention hold until `retained_until`
  kNoneHeld,  // the vault held nothing of this group for the customer
};
// "erased", "retained", "none_held".
CVAULT_EXPORT std::string_view ErasureOutcomeName(ErasureOutcome outcome);

// One row of an erasure's outcome table. `group` is a field group name
// (FieldGroupName) or "consent_records".
struct GroupErasure {
  std::string group;
  ErasureOutcome outcome = ErasureOutcome::kNoneHeld;
  std::size_t records = 0;         // rows erased or retained
  std::string legal_reason;        // why it is kept (kRetained only)
  std::optional<Timestamp> retained_until;
  std::string hold_id;             // "hld_...", the kept records' new owner
};

struct ErasureResult {
  std::string erasure_id;  // "era_...", also in the erasure ledger
  CustomerId customer;     // the id that no longer exists
  Timestamp erased_at{};
  std::vector<GroupErasure> groups;  // identity, contact, marketing_profile,
                                     // support_evidence, consent_records, financial
};

// What Rights::Purge did.
struct PurgeResult {
  // Erasures whose remaining rows (keyless ciphertext) are now all gone,
  // and how many rows the sweep deleted or moved under a hold.
  std::size_t erasures_swept = 0;
  std::size_t rows_swept = 0;
  std::size_t holds_expired = 0;     // retention holds past their end, shredded
  std::size_t records_shredded = 0;  // refund records they held
  std::size_t consents_expired = 0;  // lapsed consents given their "expired" event
  // Data keys no customer or hold owns (a create that never committed),
  // older than ten minutes, deleted.
  std::size_t orphan_keys_removed = 0;
};

// How long the financial group is kept after an erasure: years per
// jurisdiction (the customer's ISO 3166 country), else `default_years`.
struct RetentionOptions {
  int financial_default_years = 10;
  std::map<std::string, int, std::less<>> financial_years_by_country;
  // Named in every hold and in the erasure result.
  std::string financial_legal_reason =
      "commercial and tax record-keeping obligation (GDPR Art. 17(3)(b))";
};

}  // namespace cvault

#endif  // CVAULT_ERASURE_H_
