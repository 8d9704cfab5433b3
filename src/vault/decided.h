// What deciding a call about one customer or one case yields (decide.cc):
// the rows read in the call's transaction, the keys that open them, and the
// policy's decision. Plain values, valid while the vault's mutex is held
// (the key pointers are into the core's caches).
#ifndef CVAULT_VAULT_DECIDED_H_
#define CVAULT_VAULT_DECIDED_H_

#include <optional>
#include <string>
#include <vector>

#include "crypto/aead.h"
#include "cvault/refund.h"
#include "domain/customer_codec.h"
#include "policy/decision.h"
#include "store/store.h"
#include "vault/subject_key_cache.h"

namespace cvault::internal {

// A request on the records of one field group (a ticket, a refund case, a
// purchase record), decided on the group's level for the purpose.
inline policy::AccessRequest GroupRecordRequest(std::string_view act,
                                                policy::FieldUse use, FieldGroup group) {
  policy::AccessRequest r{act, use, {}, std::nullopt};
  r.record_group = group;
  return r;
}

// A customer's row (if any), keys and the facts a decision needs.
struct Subject {
  std::optional<store::CustomerRow> row;
  SubjectKeysPtr keys;
  policy::SubjectFacts facts;
};

// A customer loaded and the request decided with its facts.
struct Decided {
  Subject subject;
  policy::Decision decision;
};

// A new customer decided and validated for a create: its values, or why
// it is refused (the reason code its entry records and the error its
// caller gets). `entry_fields` is what the entry names as requested: the
// fields the record sets, or only the one found invalid; `written_fields`
// what an entry for the created customer names as written.
struct CheckedNewCustomer {
  domain::FieldValues values;  // valid when !refused
  std::vector<std::string> written_fields;
  bool refused = false;
  std::string reason;
  Status status;
  std::optional<CustomerField> bad_field;
  std::vector<std::string> entry_fields;
};

// What a call on a case may still do for a customer whose processing is
// restricted (GDPR Art. 18) or who was erased (the case kept under a
// retention hold).
enum class CaseDuty {
  kOrdinary,  // restricted: denied; held: read-only, for a legal obligation
  // Telling the customer about their case: allowed while restricted (the
  // customer is told; Art. 18(3) asks for it).
  kTellCustomer,
  // A payment step on an approved or processing refund: allowed while
  // restricted and under a retention hold, so a refund owed is still paid.
  kPayApproved,
};

// The same for an action on one ticket or refund case.
struct DecidedCase {
  Decided decided;
  store::CaseRow row;
  // The retention hold that owns the case after its customer's erasure
  // (its row may still name the customer until the purge sweeps it).
  std::string held_by;
};

// A decided refund case with its cipher and decrypted document.
struct OpenedRefund {
  DecidedCase c;
  const crypto::FieldCipher* cipher = nullptr;
  RefundCase refund;
};

}  // namespace cvault::internal

#endif  // CVAULT_VAULT_DECIDED_H_
