#include "tests/stress/record_checks.h"

#include <algorithm>
#include <optional>

#include "tests/stress/stress_vault.h"

namespace cvault::stress {
namespace {

bool IsNotFound(const Status& s) { return s.code() == StatusCode::kNotFound; }

// The moves the lifecycle allows (cvault/refund.h).
bool IsLifecycleMove(RefundStatus from, RefundStatus to) {
  using enum RefundStatus;
  switch (from) {
    case kRequested:
      return to == kUnderReview || to == kWithdrawn;
    case kUnderReview:
      return to == kApproved || to == kDenied || to == kWithdrawn;
    case kApproved:
      return to == kProcessing;
    case kProcessing:
      return to == kCompleted || to == kFailed;
    default:
      return false;
  }
}

std::string Name(RefundStatus status) { return std::string(RefundStatusName(status)); }

// Collects the failures of one record, each prefixed with what it is.
class Failures {
 public:
  explicit Failures(std::string prefix) : prefix_(std::move(prefix)) {}

  void Wrong(const std::string& what) { list_.push_back({prefix_ + what, std::nullopt}); }
  void Failed(const std::string& what, const Status& error) {
    list_.push_back({prefix_ + what + ": " + Describe(error), error});
  }
  std::vector<CheckFailure> Take() { return std::move(list_); }

 private:
  std::string prefix_;
  std::vector<CheckFailure> list_;
};

void CheckErasedLookups(Vault& vault, const ExpectedCustomer& c, const std::string& who,
                        Failures& failures) {
  auto by_email = vault.customers().FindByEmail(AccountService(who), c.email);
  if (by_email) {
    failures.Wrong("erased, but its email still finds " + by_email->str());
  } else if (!IsNotFound(by_email.error())) {
    failures.Failed("erased, and the lookup by email fails", by_email.error());
  }
}

void CheckConsent(Vault& vault, const ExpectedCustomer& c, const CustomerId& id,
                  const std::string& who, Failures& failures) {
  auto states = vault.consents().Status(Dpo(who), id);
  if (!states) return failures.Failed("consent state unreadable", states.error());
  std::optional<std::string> status;
  for (const ConsentState& s : *states) {
    if (s.purpose == kConsentPurpose) status = std::string(ConsentStatusName(s.status));
  }
  if (!c.consent.Allows(status)) {
    failures.Wrong("consent is " + status.value_or("missing") +
                   ", not the acknowledged " + c.consent.acknowledged.value_or("?"));
  }
}

}  // namespace

std::string Describe(const Status& status) { return status.ToString(); }

std::vector<CheckFailure> CheckCustomer(Vault& vault, const ExpectedCustomer& c,
                                        const std::string& who) {
  Failures failures("customer " + c.id + ": ");
  auto id = CustomerId::Parse(c.id);
  if (!id) {
    failures.Wrong("the acknowledged id is malformed");
    return failures.Take();
  }
  auto record = vault.customers().Get(AccountService(who), *id);
  if (!record) {
    if (!IsNotFound(record.error())) {
      failures.Failed("unreadable", record.error());
    } else if (c.MustExist()) {
      failures.Wrong("acknowledged (" + c.source + ") but not found");
    } else {
      CheckErasedLookups(vault, c, who, failures);
    }
    return failures.Take();
  }
  if (!c.MayExist()) {
    failures.Wrong("erasure acknowledged, but still readable");
    CheckErasedLookups(vault, c, who, failures);
    return failures.Take();
  }
  if (record->id != *id) failures.Wrong("a read by id returned another customer");
  for (CustomerField field : kAllCustomerFields) {
    std::optional<std::string> actual;
    if (auto it = record->fields.find(field); it != record->fields.end()) {
      actual = it->second;
    }
    auto expected = c.fields.find(field);
    const bool allowed = expected == c.fields.end() ? !actual.has_value()
                                                    : expected->second.Allows(actual);
    if (!allowed) {
      failures.Wrong(std::string(FieldName(field)) +
                     (actual ? " is not the acknowledged value" : " is missing"));
    }
  }
  auto by_email = vault.customers().FindByEmail(AccountService(who), c.email);
  if (!by_email) {
    failures.Failed("lookup by email fails", by_email.error());
  } else if (*by_email != *id) {
    failures.Wrong("its email finds " + by_email->str());
  }
  CheckConsent(vault, c, *id, who, failures);
  return failures.Take();
}

std::vector<CheckFailure> CheckTicket(Vault& vault, const ExpectedTicket& t,
                                      const ExpectedCustomer* customer,
                                      const std::string& who) {
  Failures failures("ticket " + t.id + ": ");
  auto ticket = vault.support().GetTicket(Legal(who), t.id);
  const bool erased = customer != nullptr && !customer->MayExist();
  const bool maybe_erased = customer == nullptr || !customer->MustExist();
  if (!ticket) {
    // Support evidence goes with its customer.
    if (!(IsNotFound(ticket.error()) && maybe_erased)) {
      failures.Failed("acknowledged (" + t.source + "), but unreadable", ticket.error());
    }
  } else if (erased) {
    failures.Wrong("its customer's erasure was acknowledged, but it is still readable");
  } else if (ticket->customer.str() != t.customer) {
    failures.Wrong("belongs to " + ticket->customer.str() + ", not " + t.customer);
  }
  return failures.Take();
}

std::vector<CheckFailure> CheckRefund(Vault& vault, const ExpectedRefund& r,
                                      const ExpectedCustomer* customer,
                                      const std::string& who) {
  Failures failures("refund " + r.id + ": ");
  auto refund = vault.refunds().Get(Legal(who), r.id);
  if (!refund) {
    failures.Failed("unreadable", refund.error());
    return failures.Take();
  }
  if (customer != nullptr) {
    const bool held = !refund->retention_hold.empty();
    if (!customer->MayExist() && (!held || !refund->customer.str().empty())) {
      failures.Wrong(
          "its customer's erasure was acknowledged, but the case is not "
          "minimised under a retention hold");
    }
    if (customer->MustExist() && (held || refund->customer.str() != r.customer)) {
      failures.Wrong("no longer linked to its customer");
    }
  }
  RefundStatus at = RefundStatus::kRequested;
  for (const StatusChange& change : refund->history) {
    if (change.from != at || !IsLifecycleMove(change.from, change.to)) {
      failures.Wrong("its history moves from " + Name(change.from) + " to " +
                     Name(change.to) + " while the case was " + Name(at));
    }
    at = change.to;
  }
  if (refund->status != at) {
    failures.Wrong("status " + Name(refund->status) + " is not where its history ends (" +
                   Name(at) + ")");
  }
  for (const auto& [to, source] : r.moves) {
    if (std::ranges::none_of(refund->history,
                             [&](const StatusChange& c) { return c.to == to; })) {
      failures.Wrong("the acknowledged move to " + Name(to) + " (" + source +
                     ") is not in its history");
    }
  }
  return failures.Take();
}

}  // namespace cvault::stress
