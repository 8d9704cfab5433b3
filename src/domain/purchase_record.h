// Purchase records: checking what a shop records about one order when it is
// sold, and the refunds paid against the order's charge (partial refunds:
// several, each in the charge's currency, never more than was charged in
// total).
//
// Stateless free functions; safe to call from any thread. Errors name the
// field and never quote a value.
#ifndef CVAULT_DOMAIN_PURCHASE_RECORD_H_
#define CVAULT_DOMAIN_PURCHASE_RECORD_H_

#include <span>

#include "cvault/clock.h"
#include "cvault/refund.h"
#include "cvault/status.h"

namespace cvault::domain {

// OK when `purchase` may be recorded at `now`: order reference, SKU, the
// charge (ValidatePaymentReference, and no refund id), policy version
// (ValidateToken), system requirements (ValidateText, may be empty),
// purchased_at not after now, and a waiver's method (ValidateToken) and time
// (not after now). InvalidArgument naming the field otherwise.
[[nodiscard]] Status ValidateNewPurchase(const NewPurchase& purchase, Timestamp now);

// True when `payment` names the charge `charge` describes: the same
// processor, no id that differs from the charge's, and at least one id
// (charge, payment intent, capture) equal to the charge's.
bool NamesCharge(const PaymentReference& charge, const PaymentReference& payment);

// OK when `refund` may be added to the refunds `earlier` already recorded
// against `charge` (the refunds of every live case of the order):
//  - InvalidArgument "charge: ..." when it names another charge;
//  - InvalidArgument "currency: ..." when its currency is not the charge's;
//  - AlreadyExists "refund id: ..." when its refund id is already recorded;
//  - FailedPrecondition "amount: ..." when together they would exceed the
//    amount charged.
[[nodiscard]] Status CheckRefundAgainstCharge(const PaymentReference& charge,
                                              std::span<const PaymentReference> earlier,
                                              const PaymentReference& refund);

// The check for an order without a purchase record (sold before the shop
// reported purchases, or never reported): the charge is unknown, so no
// amount bound can be checked; only what the earlier refunds of the order
// show is:
//  - InvalidArgument "currency: ..." when its currency is not theirs;
//  - AlreadyExists "refund id: ..." when its refund id is already recorded.
[[nodiscard]] Status CheckRefundWithoutCharge(std::span<const PaymentReference> earlier,
                                              const PaymentReference& refund);

// True when `refund` completes `pending`: a refund recorded without a
// refund id, and `refund` is the same refund (processor, ids, amount,
// currency) now carrying the processor's refund id.
bool CompletesPendingRefund(const PaymentReference& pending,
                            const PaymentReference& refund);

}  // namespace cvault::domain

#endif  // CVAULT_DOMAIN_PURCHASE_RECORD_H_
