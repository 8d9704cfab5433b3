// Reading the C API's JSON arguments into the C++ API's value types. Every
// error names the argument and the member (e.g. "customer_json.email: must
// be a string"), never a value: the members hold personal data.
#ifndef CVAULT_CAPI_JSON_INPUT_H_
#define CVAULT_CAPI_JSON_INPUT_H_

#include <string_view>

#include "cvault/consent.h"
#include "cvault/customer.h"
#include "cvault/refund.h"
#include "cvault/status.h"

namespace cvault::capi {

// `arg` is the parameter's name, used in errors.
StatusOr<NewCustomer> NewCustomerFromJson(std::string_view text, std::string_view arg);
StatusOr<CustomerUpdate> CustomerUpdateFromJson(std::string_view text,
                                                std::string_view arg);
StatusOr<ConsentGrant> ConsentGrantFromJson(std::string_view text, std::string_view arg);
StatusOr<NewTicket> NewTicketFromJson(std::string_view text, std::string_view arg);
StatusOr<NewRefundCase> NewRefundCaseFromJson(std::string_view text,
                                              std::string_view arg);
StatusOr<PaymentReference> PaymentFromJson(std::string_view text, std::string_view arg);

}  // namespace cvault::capi

#endif  // CVAULT_CAPI_JSON_INPUT_H_
