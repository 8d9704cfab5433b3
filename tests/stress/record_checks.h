// Holds the vault's answers about one customer, ticket or refund case to
// what the acknowledgement logs promise (ack_model.h). Used by the verifier
// after the workers stopped, and by a worker on its own customers while the
// others run. Each check returns its failures, which name ids and kinds,
// never a stored value.
//
// A failure is either a wrong answer (a broken promise whenever it is seen)
// or an error the vault returned instead of an answer (a broken promise for
// a verifier, but only "not acknowledged" for a worker racing the others).
#ifndef CVAULT_TESTS_STRESS_RECORD_CHECKS_H_
#define CVAULT_TESTS_STRESS_RECORD_CHECKS_H_

#include <optional>
#include <string>
#include <vector>

#include "cvault/vault.h"
#include "tests/stress/ack_model.h"

namespace cvault::stress {

struct CheckFailure {
  std::string what;
  // Set when the vault returned this error instead of an answer.
  std::optional<Status> error;
};

// Read by id and by email, and the consent state: present with the
// acknowledged values and consent, or NotFound both ways once erased.
std::vector<CheckFailure> CheckCustomer(Vault& vault, const ExpectedCustomer& expected,
                                        const std::string& principal);

// Readable and linked to its customer while the customer may exist;
// NotFound once the customer's erasure was acknowledged.
std::vector<CheckFailure> CheckTicket(Vault& vault, const ExpectedTicket& expected,
                                      const ExpectedCustomer* customer,
                                      const std::string& principal);

// Readable (under a retention hold once its customer is erased), with a
// status history that is one unbroken walk through the lifecycle and holds
// every acknowledged move.
std::vector<CheckFailure> CheckRefund(Vault& vault, const ExpectedRefund& expected,
                                      const ExpectedCustomer* customer,
                                      const std::string& principal);

// "not_found: <message>" ("code (reason): <message>" when the vault
// audited a reason), for failure lines. Status messages carry no
// stored values (cvault/status.h).
std::string Describe(const Status& status);

}  // namespace cvault::stress

#endif  // CVAULT_TESTS_STRESS_RECORD_CHECKS_H_
