// Support tickets and refund cases as store rows: the clear columns queries
// need, and the rest sealed as one JSON document under one of the
// customer's data keys (bound to the case id and customer). Stateless:
// thread-safe.
//
// The sealed documents are a storage format of their own, versioned with
// the store; the JSON an export or the C API shows of the same values is
// domain/value_json.h's, fixed by the export schema. The two look alike and
// must stay separate: one can change with a migration, the other never.
#ifndef CVAULT_DOMAIN_CASE_DOCUMENTS_H_
#define CVAULT_DOMAIN_CASE_DOCUMENTS_H_

#include <string>

#include "crypto/aead.h"
#include "cvault/refund.h"
#include "store/store.h"

namespace cvault::domain {

inline constexpr char kTicketKind[] = "ticket";
inline constexpr char kRefundKind[] = "refund";
// A purchase record: financial, sealed under the financial key like refunds.
inline constexpr char kPurchaseKind[] = "purchase";

// Product SKUs: 1-64 letters, digits and . _ - /, screened for card numbers.
[[nodiscard]] Status ValidateSku(std::string_view sku);

std::string NewTicketId();      // "tkt_" + 26 base32
std::string NewRefundCaseId();  // "rfd_" + 26 base32
std::string NewPurchaseId();    // "pur_" + 26 base32

// Refund cases kept after their customer's erasure belong to a retention
// hold ("hld_" + 26 base32) instead of a customer.
inline constexpr char kHoldIdPrefix[] = "hld_";
std::string NewHoldId();
bool IsHoldId(std::string_view owner);

// Seals everything but the row's clear columns (id, customer, status/state,
// opened_at, due times), which the caller sets on `row` first.
[[nodiscard]] StatusOr<store::Bytes> SealTicket(const crypto::FieldCipher& cipher,
                                                const store::CaseRow& row,
                                                const Ticket& ticket);
[[nodiscard]] StatusOr<Ticket> OpenTicket(const crypto::FieldCipher& cipher,
                                          const store::CaseRow& row);
[[nodiscard]] StatusOr<store::Bytes> SealRefundCase(const crypto::FieldCipher& cipher,
                                                    const store::CaseRow& row,
                                                    const RefundCase& refund);
[[nodiscard]] StatusOr<RefundCase> OpenRefundCase(const crypto::FieldCipher& cipher,
                                                  const store::CaseRow& row);

// The purchase record's clear columns are its id, customer, status
// ("recorded") and opened_at (purchased_at).
[[nodiscard]] StatusOr<store::Bytes> SealPurchase(const crypto::FieldCipher& cipher,
                                                  const store::CaseRow& row,
                                                  const PurchaseRecord& purchase);
[[nodiscard]] StatusOr<PurchaseRecord> OpenPurchase(const crypto::FieldCipher& cipher,
                                                    const store::CaseRow& row);

}  // namespace cvault::domain

#endif  // CVAULT_DOMAIN_CASE_DOCUMENTS_H_
