#include "tests/stress/verifier.h"

#include <filesystem>
#include <optional>
#include <system_error>

#include "tests/stress/record_checks.h"

namespace cvault::stress {
namespace {

template <class Map>
const typename Map::mapped_type* Find(const Map& map, const std::string& id) {
  auto it = map.find(id);
  return it == map.end() ? nullptr : &it->second;
}

// After the workers stopped, an error is as much a broken promise as a
// wrong answer.
void Append(std::vector<std::string>& to, std::vector<CheckFailure> more) {
  for (CheckFailure& failure : more) to.push_back(std::move(failure.what));
}

void CheckRecords(Vault& vault, const AckModel& model, const VerifyRequest& request,
                  VerifyReport& report) {
  const std::string& who = request.principal;
  auto in_scope = [&](const std::string& id) {
    return request.scope.everything || request.scope.ids.contains(id);
  };
  for (const auto& [id, customer] : model.customers()) {
    if (!in_scope(id)) continue;
    Append(report.failures, CheckCustomer(vault, customer, who));
    report.checked += customer.acknowledged_lines;
  }
  for (const auto& [id, ticket] : model.tickets()) {
    if (!in_scope(id)) continue;
    Append(report.failures,
           CheckTicket(vault, ticket, Find(model.customers(), ticket.customer), who));
    report.checked += 1;
  }
  for (const auto& [id, refund] : model.refunds()) {
    if (!in_scope(id)) continue;
    Append(report.failures,
           CheckRefund(vault, refund, Find(model.customers(), refund.customer), who));
    report.checked += (refund.source.empty() ? 0 : 1) + refund.moves.size();
  }
}

// Every customer the vault lists decrypts, also those whose creation was
// never acknowledged (committed just before a kill): after a KEK rotation
// no data key may be left under a KEK the keyring no longer holds.
void CheckEveryCustomerReadable(Vault& vault, const std::string& who,
                                VerifyReport& report) {
  constexpr std::size_t kPage = 500;
  std::optional<CustomerId> after;
  for (;;) {
    auto ids = vault.customers().ListIds(AccountService(who), after, kPage);
    if (!ids) {
      report.failures.push_back("customers: cannot list them: " + Describe(ids.error()));
      return;
    }
    for (const CustomerId& id : *ids) {
      auto record = vault.customers().Get(AccountService(who), id);
      if (!record) {
        report.failures.push_back("customer " + id.str() + ": listed, but unreadable: " +
                                  Describe(record.error()));
      }
    }
    if (ids->size() < kPage) return;
    after = ids->back();
  }
}

void CheckJobs(const std::vector<AckRecord>& jobs, VerifyReport& report) {
  for (const AckRecord& job : jobs) {
    if (job.kind == AckKind::kBackup) {
      std::error_code ec;
      if (!std::filesystem::is_regular_file(
              std::filesystem::path(job.key) / "manifest.json", ec)) {
        report.failures.push_back("backup (" + job.source +
                                  "): acknowledged, but its "
                                  "folder holds no manifest");
      }
      ++report.checked;
    } else if (job.kind == AckKind::kRotate) {
      // Checked by the reads after the rotation was finished once more.
      ++report.checked;
    }
  }
}

void CheckAudit(Vault& vault, const VerifyRequest& request, VerifyReport& report) {
  auto verified = vault.audit().Verify(Auditor(request.principal), request.trusted);
  if (!verified) {
    report.failures.push_back("audit: cannot verify: " + Describe(verified.error()));
    return;
  }
  if (!verified->ok) {
    report.failures.push_back("audit: the chain does not verify: " + verified->problem +
                              " (first bad sequence " +
                              (verified->first_bad_sequence
                                   ? std::to_string(*verified->first_bad_sequence)
                                   : std::string("unknown")) +
                              ")");
  } else if (verified->entries_checked != verified->head_sequence) {
    report.failures.push_back("audit: " + std::to_string(verified->entries_checked) +
                              " entries up to sequence " +
                              std::to_string(verified->head_sequence) + ": a gap");
  }
  auto checkpoint = vault.audit().Checkpoint(Auditor(request.principal));
  if (!checkpoint) {
    report.failures.push_back("audit: cannot sign a checkpoint: " +
                              Describe(checkpoint.error()));
    return;
  }
  report.checkpoint = *checkpoint;
}

}  // namespace

std::string VerifyReport::Summary() const {
  return "checked " + std::to_string(checked) + " acknowledged operations, " +
         std::to_string(failures.size()) + " failures";
}

VerifyReport VerifyVault(const VerifyRequest& request, const AckModel& model) {
  VerifyReport report;
  for (std::size_t i = request.problems_from; i < model.problems().size(); ++i) {
    report.failures.push_back(model.problems()[i]);
  }
  auto vault = Vault::Open(StressOptions(request.paths, request.durability));
  if (!vault) {
    report.failures.push_back("open: " + Describe(vault.error()));
    return report;
  }
  if (request.finish_rotation) {
    auto rotated = (*vault)->operations().RotateKek(Operator(request.principal));
    if (!rotated) {
      report.failures.push_back("rotate: cannot finish the KEK rotation: " +
                                Describe(rotated.error()));
    } else {
      report.rotation_resumed = rotated->resumed;
    }
  }
  CheckRecords(**vault, model, request, report);
  if (request.scope.everything)
    CheckEveryCustomerReadable(**vault, request.principal, report);
  CheckJobs(request.scope.everything ? model.jobs() : request.scope.jobs, report);
  if (request.verify_audit) CheckAudit(**vault, request, report);
  Status closed = (*vault)->Close();
  if (!closed.ok()) report.failures.push_back("close: " + Describe(closed));
  return report;
}

}  // namespace cvault::stress
