#include "tests/stress/ack_model.h"

#include <utility>

#include "cvault/consent.h"

namespace cvault::stress {

bool ExpectedValue::Allows(const std::optional<std::string>& actual) const {
  if (actual == acknowledged) return true;
  return actual.has_value() && attempted.contains(*actual);
}

void ExpectedValue::Acknowledge(std::string value) {
  // The worker that owns the value waits for each call, so an acknowledged
  // write overrides every attempt before it.
  acknowledged = std::move(value);
  attempted.clear();
}

std::string ConsentStatusAfter(std::string_view event) {
  return std::string(ConsentStatusName(event == "given" ? ConsentStatus::kActive
                                                        : ConsentStatus::kWithdrawn));
}

std::vector<AckRecord> AckModel::AddFile(const std::filesystem::path& file) {
  std::vector<AckRecord> applied;
  AckReader reader(file);
  for (auto& line : reader.ReadNew()) {
    if (!line) {
      problems_.push_back(line.error().message());
      continue;
    }
    Apply(*line);
    applied.push_back(std::move(*line));
  }
  return applied;
}

void AckModel::Apply(const AckRecord& r) {
  if (!r.attempt) ++acknowledged_by_kind_[r.kind];
  switch (r.kind) {
    case AckKind::kCreate:
    case AckKind::kUpdate:
    case AckKind::kConsent:
    case AckKind::kErase:
      ApplyToCustomer(r);
      return;
    case AckKind::kTicket: {
      auto [it, added] =
          tickets_.try_emplace(r.id, ExpectedTicket{r.id, r.key, r.source});
      if (!added) {
        problems_.push_back("ticket " + r.id + ": acknowledged as new twice (" +
                            it->second.source + ", " + r.source + ")");
      }
      return;
    }
    case AckKind::kRefundOpen: {
      ExpectedRefund& refund = refunds_[r.id];
      if (!refund.source.empty()) {
        problems_.push_back("refund " + r.id + ": acknowledged as new twice (" +
                            refund.source + ", " + r.source + ")");
      }
      refund.id = r.id;
      refund.customer = r.key;
      refund.source = r.source;
      return;
    }
    case AckKind::kRefundMove: {
      auto to = ParseRefundStatus(r.key);
      if (!to) {
        problems_.push_back(r.source + ": unknown refund status");
        return;
      }
      ExpectedRefund& refund = refunds_[r.id];
      refund.id = r.id;
      // The lifecycle has no cycles, so a case enters each status at most
      // once: two acknowledged moves to one status mean both writers won.
      for (const auto& [status, source] : refund.moves) {
        if (status == *to) {
          problems_.push_back("refund " + r.id + ": the move to " + r.key +
                              " was acknowledged twice (" + source + ", " + r.source +
                              ")");
        }
      }
      refund.moves.emplace_back(*to, r.source);
      return;
    }
    case AckKind::kRotate:
      rotation_attempted_ = true;
      if (!r.attempt) jobs_.push_back(r);
      return;
    case AckKind::kPurge:
    case AckKind::kBackup:
      if (!r.attempt) jobs_.push_back(r);
      return;
    case AckKind::kViolation:
      problems_.push_back("a worker saw " + r.value + " (" + r.id + ", " + r.source +
                          ")");
      return;
  }
}

void AckModel::ApplyToCustomer(const AckRecord& r) {
  if (r.kind == AckKind::kCreate) {
    auto [it, added] = customers_.try_emplace(r.id);
    if (!added) {
      problems_.push_back("customer " + r.id + ": acknowledged as created twice (" +
                          it->second.source + ", " + r.source + ")");
      return;
    }
    ExpectedCustomer& c = it->second;
    c.id = r.id;
    c.email = r.key;
    c.source = r.source;
    c.fields[CustomerField::kEmail].Acknowledge(r.key);
    c.fields[CustomerField::kFullName].Acknowledge(r.value);
    c.acknowledged_lines = 1;
    return;
  }
  auto it = customers_.find(r.id);
  if (it == customers_.end()) {
    // The workload only touches customers whose creation it acknowledged.
    problems_.push_back(r.source + ": a line about a customer no log created");
    return;
  }
  ExpectedCustomer& c = it->second;
  if (!r.attempt) ++c.acknowledged_lines;
  switch (r.kind) {
    case AckKind::kUpdate: {
      auto field = ParseFieldName(r.key);
      if (!field) {
        problems_.push_back(r.source + ": unknown customer field");
        return;
      }
      ExpectedValue& value = c.fields[*field];
      if (r.attempt) {
        value.Attempt(r.value);
      } else {
        value.Acknowledge(r.value);
      }
      return;
    }
    case AckKind::kConsent:
      if (r.attempt) {
        c.consent.Attempt(ConsentStatusAfter(r.value));
      } else {
        c.consent.Acknowledge(ConsentStatusAfter(r.value));
      }
      return;
    case AckKind::kErase:
      (r.attempt ? c.erase_attempted : c.erase_acknowledged) = true;
      return;
    default:
      return;
  }
}

}  // namespace cvault::stress
