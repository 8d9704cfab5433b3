// The rules of a data-subject request's life (cvault/dsr.h): its deadline,
// which changes it allows, and its API value. Pure functions over the
// stored row; the vault reads and writes the row in the call's transaction.
//
// A refusal is a Status carrying the reason code the call's audit entry
// records (Status::reason_code); messages name what is wrong, never a value.
#ifndef CVAULT_DOMAIN_DSR_REQUEST_H_
#define CVAULT_DOMAIN_DSR_REQUEST_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "cvault/dsr.h"
#include "cvault/status.h"
#include "store/store.h"

namespace cvault::domain {

inline constexpr std::string_view kDsrRequestPrefix = "dsr_";
std::string NewDsrRequestId();
// InvalidArgument naming the field "request" unless `text` has the shape of
// a request id (so no other text reaches a lookup or an audit entry).
[[nodiscard]] Status CheckDsrRequestId(std::string_view text);

// `months` calendar months after `from_us`, at the same time of day. A day
// the target month lacks becomes its last day (31 January plus one month
// is the last day of February), as EU time limits count (Reg. 1182/71).
std::int64_t AddCalendarMonths(std::int64_t from_us, int months);
// One month after receipt; three once extended (Art. 12(3)).
std::int64_t DsrDueAt(std::int64_t received_us, bool extended);

// A new open request received at `received_us`, identity pending.
store::DsrRequestRow NewDsrRequestRow(std::string_view customer_id, DsrKind kind,
                                      std::int64_t received_us);

// The API value of `row`, overdue when open past its due time at `now_us`.
// Integrity when a stored code is not one this library knows.
[[nodiscard]] StatusOr<DsrRequest> ToDsrRequest(const store::DsrRequestRow& row,
                                                std::int64_t now_us);

// What a change needs; OK when allowed.
// Recording the identity check: the request is open.
[[nodiscard]] Status CheckIdentityChange(const store::DsrRequestRow& row);
// An extension: open, not extended before, and asked within the first month
// (the customer must be told of it within that month).
[[nodiscard]] Status CheckExtension(const store::DsrRequestRow& row, std::int64_t now_us);
// A closure by hand (DsrClosure's rules; the outcome reference checked).
// An erasure request whose customer no longer exists (erased by an earlier
// call) may be closed as fulfilled by hand, naming that erasure.
[[nodiscard]] Status CheckClosure(const store::DsrRequestRow& row,
                                  const DsrClosure& closure, bool customer_exists);
// The call that answers the request (an export, an erasure, a restriction
// of `customer_id`, answering the kinds in `answers`): the request is open,
// about that customer, of one of those kinds, with its identity verified.
[[nodiscard]] Status CheckFulfilment(const store::DsrRequestRow& row,
                                     std::string_view customer_id,
                                     std::span<const DsrKind> answers);

// Closes `row` at `now_us` (status, refusal, outcome reference).
void CloseDsrRow(store::DsrRequestRow& row, const DsrClosure& closure, std::int64_t now_us);

}  // namespace cvault::domain

#endif  // CVAULT_DOMAIN_DSR_REQUEST_H_
