// AckModel: what the acknowledgement logs (ack_log.h) promise about a vault.
// Built from the lines of one or more logs; each customer's updates, consent
// and erasure come from the one worker that created it, so the order of that
// worker's log is the order the vault applied them in. Refund moves may come
// from any worker.
//
// A value is pinned by the last acknowledged line about it, loosened only by
// the attempts after it (an error or a kill leaves an attempt undecided).
//
// A plain value type: copyable and movable; not thread-safe.
#ifndef CVAULT_TESTS_STRESS_ACK_MODEL_H_
#define CVAULT_TESTS_STRESS_ACK_MODEL_H_

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cvault/customer.h"
#include "cvault/refund.h"
#include "tests/stress/ack_log.h"

namespace cvault::stress {

// One stored value: the acknowledged one (nullopt: never set) or one of the
// values attempted after it.
struct ExpectedValue {
  std::optional<std::string> acknowledged;
  std::set<std::string> attempted;

  bool Allows(const std::optional<std::string>& actual) const;
  void Acknowledge(std::string value);
  void Attempt(std::string value) { attempted.insert(std::move(value)); }
};

struct ExpectedCustomer {
  std::string id;
  std::string email;   // as created; the workload never changes it
  std::string source;  // the create line
  std::map<CustomerField, ExpectedValue> fields;
  // ConsentStatusName of the consent purpose: "never_given", "active" or
  // "withdrawn".
  ExpectedValue consent{std::string("never_given"), {}};
  bool erase_acknowledged = false;
  bool erase_attempted = false;
  // Acknowledged lines about this customer: what checking it checks.
  std::uint64_t acknowledged_lines = 0;

  // The customer may still exist (no acknowledged erasure).
  bool MayExist() const { return !erase_acknowledged; }
  // The customer must exist.
  bool MustExist() const { return !erase_acknowledged && !erase_attempted; }
};

struct ExpectedTicket {
  std::string id;
  std::string customer;
  std::string source;
};

struct ExpectedRefund {
  std::string id;
  std::string customer;  // empty when the refund-open line is not in the model
  std::string source;
  // Acknowledged moves, in the order they were read, with their lines.
  std::vector<std::pair<RefundStatus, std::string>> moves;
};

class AckModel {
 public:
  // Applies one line. Lines of one log must come in order; logs may
  // interleave.
  void Apply(const AckRecord& record);
  // Applies every complete line of `file`; returns the lines it applied.
  std::vector<AckRecord> AddFile(const std::filesystem::path& file);

  const std::map<std::string, ExpectedCustomer>& customers() const { return customers_; }
  const std::map<std::string, ExpectedTicket>& tickets() const { return tickets_; }
  const std::map<std::string, ExpectedRefund>& refunds() const { return refunds_; }
  // Acknowledged job lines (rotate, purge, backup).
  const std::vector<AckRecord>& jobs() const { return jobs_; }
  // A KEK rotation was attempted (and may be unfinished).
  bool rotation_attempted() const { return rotation_attempted_; }
  // Lines that break a promise on their own: violations the workers saw,
  // lines that do not parse, ids acknowledged twice. Ids and kinds only.
  const std::vector<std::string>& problems() const { return problems_; }
  // Acknowledged lines applied so far, of each kind.
  const std::map<AckKind, std::uint64_t>& acknowledged_by_kind() const {
    return acknowledged_by_kind_;
  }

 private:
  void ApplyToCustomer(const AckRecord& r);

  std::map<std::string, ExpectedCustomer> customers_;
  std::map<std::string, ExpectedTicket> tickets_;
  std::map<std::string, ExpectedRefund> refunds_;
  std::vector<AckRecord> jobs_;
  bool rotation_attempted_ = false;
  std::vector<std::string> problems_;
  std::map<AckKind, std::uint64_t> acknowledged_by_kind_;
};

// "given" -> "active": the consent status an acknowledged event leaves.
std::string ConsentStatusAfter(std::string_view event);

}  // namespace cvault::stress

#endif  // CVAULT_TESTS_STRESS_ACK_MODEL_H_
