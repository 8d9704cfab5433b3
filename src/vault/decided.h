// What deciding a call about one customer or one case yields (decide.cc):
// the rows read in the call's transaction, the keys that open them, and the
// policy's decision. Plain values, valid while the vault's mutex is held
// (the key pointers are into the core's caches).
#ifndef CVAULT_VAULT_DECIDED_H_
#define CVAULT_VAULT_DECIDED_H_

#include <optional>
#include <string>

#include "crypto/aead.h"
#include "cvault/refund.h"
#include "policy/decision.h"
#include "store/store.h"
#include "vault/subject_key_cache.h"

namespace cvault::internal {

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
