// Consent receipts: checking what a caller supplies for a grant, and sealing
// the receipt fields into the event row's ciphertext (bound to the event and
// customer) and back. Stateless: thread-safe.
#ifndef CVAULT_DOMAIN_CONSENT_RECEIPT_H_
#define CVAULT_DOMAIN_CONSENT_RECEIPT_H_

#include <string>
#include <string_view>
#include <vector>

#include "crypto/aead.h"
#include "cvault/consent.h"
#include "store/store.h"

namespace cvault::domain {

// The encrypted part of a consent event.
struct ReceiptFields {
  std::string controller;
  std::string jurisdiction;
  std::string purpose_category;
  std::string legal_basis;
  std::string consent_type;
  std::vector<std::string> pii_categories;
  std::vector<std::string> third_parties;
  std::string notice_id;
  std::string notice_version;
  std::string notice_sha256;
  std::string language;
  std::string collection_method;
  std::string channel;
  std::string actor;
};

// Checks the caller-supplied parts of a grant; errors name the field. Every
// text field is screened for card numbers first, so a card number in any of
// them is refused as such. (Whether the purpose rests on consent, notice
// registration and expiry are checked by the caller, who knows the policy,
// the notices and the time.)
[[nodiscard]] Status ValidateConsentGrant(const ConsentGrant& grant);
// How consent was given or withdrawn: `collection_method` and `channel`
// from the lists in cvault/consent.h, with no card number; errors name the
// field.
[[nodiscard]] Status ValidateMethodAndChannel(std::string_view collection_method,
                                              std::string_view channel);
// "customer" or an agent id (1-64 of letters, digits, . _ : @ -), with no
// card number.
[[nodiscard]] Status ValidateActor(std::string_view actor);
// Notice ids and versions: 1-64 of letters, digits, . _ -, with no card
// number.
[[nodiscard]] Status ValidateNoticeRef(std::string_view field, std::string_view value);
// The purpose a consent call names (1-64 of letters, digits, _ -, with no
// card number). Check it before it is written anywhere: the audit entry
// names it ("consent:<purpose>").
[[nodiscard]] Status ValidateConsentPurpose(std::string_view purpose);

// "cev_..." / "con_..." random ids.
std::string NewConsentEventId();
std::string NewConsentId();

[[nodiscard]] StatusOr<store::Bytes> SealReceipt(const crypto::FieldCipher& cipher,
                                                 const store::ConsentEventRow& row,
                                                 const ReceiptFields& fields);
// The public form of a stored event and its decrypted receipt.
ConsentEvent ToConsentEvent(const store::ConsentEventRow& row, const ReceiptFields& fields,
                            const CustomerId& id);

[[nodiscard]] StatusOr<ReceiptFields> OpenReceipt(const crypto::FieldCipher& cipher,
                                                  const store::ConsentEventRow& row);

}  // namespace cvault::domain

#endif  // CVAULT_DOMAIN_CONSENT_RECEIPT_H_
