// Validation of a payment processor's references for a charge and its refund
// (cvault::PaymentReference). These ids are the only link between a refund
// case and the money, and never a card number: each is format-checked for
// its processor and screened with ContainsCardNumber.
//
// Stateless free functions; safe to call from any thread. Errors name the
// field ("charge id", "capture id", "amount", "currency", ...) and never quote
// the value.
#ifndef CVAULT_DOMAIN_PAYMENT_REFERENCE_H_
#define CVAULT_DOMAIN_PAYMENT_REFERENCE_H_

#include "cvault/refund.h"
#include "cvault/status.h"

namespace cvault::domain {

// The formats, where <alnum> is 14 to 64 of [A-Za-z0-9]:
//
//   processor | id                | format
//   ----------+-------------------+--------------------------------------------
//   stripe    | charge id         | "ch_" or "py_" then <alnum>
//             | payment intent id | "pi_" then <alnum>
//             | refund id         | "re_" or "pyr_" then <alnum>
//             | capture id        | absent
//             | at least one of charge id and payment intent id
//   paypal    | capture id        | 17 of [A-Z0-9]; required
//             | refund id         | 17 of [A-Z0-9]
//             | charge id and payment intent id absent
//   other     | each id given     | 1 to 64 of [A-Za-z0-9_.:-]; at least one id
//
// Every id given is screened first: one that contains a payment card number
// is refused as such, whatever its format. The amount and currency must pass
// ValidateAmount (domain/currency.h).
[[nodiscard]] Status ValidatePaymentReference(const PaymentReference& ref);

}  // namespace cvault::domain

#endif  // CVAULT_DOMAIN_PAYMENT_REFERENCE_H_
