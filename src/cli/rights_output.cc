#include "cli/rights_output.h"

#include <fmt/format.h>


namespace cvault::cli {
namespace {

// The date part of an instant (holds are kept to the day).
std::string DateOf(const std::optional<Timestamp>& time) {
  if (!time) return "";
  return FormatTimestamp(*time).substr(0, 10);  // "YYYY-MM-DD"
}

}  // namespace

std::vector<std::string> ErasureTableLines(const ErasureResult& result) {
  std::vector<std::string> lines;
  lines.push_back(fmt::format("{:<18}{:<11}{:>7}  {:<12} {}", "group", "outcome", "records",
                              "kept until", "legal reason"));
  for (const GroupErasure& g : result.groups) {
    std::string line = fmt::format("{:<18}{:<11}{:>7}  {:<12} {}", g.group,
                                   ErasureOutcomeName(g.outcome), g.records,
                                   DateOf(g.retained_until), g.legal_reason);
    line.erase(line.find_last_not_of(' ') + 1);
    lines.push_back(std::move(line));
  }
  return lines;
}

Json ErasureToJson(const ErasureResult& result) {
  Json groups = Json::array();
  for (const GroupErasure& g : result.groups) {
    Json group = {{"group", g.group},
                  {"outcome", ErasureOutcomeName(g.outcome)},
                  {"records", g.records}};
    if (g.outcome == ErasureOutcome::kRetained) {
      group["retained_until"] = TimeOrNull(g.retained_until);
      group["legal_reason"] = g.legal_reason;
      group["hold_id"] = g.hold_id;
    }
    groups.push_back(std::move(group));
  }
  return {{"erasure_id", result.erasure_id},
          {"customer_id", result.customer.str()},
          {"erased_at", FormatTimestamp(result.erased_at)},
          {"groups", std::move(groups)}};
}

Json PurgeToJson(const PurgeResult& result) {
  return {{"erasures_swept", result.erasures_swept},
          {"rows_swept", result.rows_swept},
          {"holds_expired", result.holds_expired},
          {"records_shredded", result.records_shredded},
          {"consents_expired", result.consents_expired},
          {"orphan_keys_removed", result.orphan_keys_removed}};
}

Json KekRotationToJson(const KekRotationResult& result) {
  return {{"primary_kek_version", result.primary_version},
          {"resumed", result.resumed},
          {"rewrapped", result.rewrapped},
          {"retired", result.retired}};
}

Json IndexRotationToJson(const IndexRotationResult& result) {
  return {{"index_version", result.index_version},
          {"resumed", result.resumed},
          {"rebuilt", result.rebuilt},
          {"retired", result.retired}};
}

Json BackupToJson(const BackupResult& result) {
  return {{"dir", result.dir.string()},
          {"erasure_ledger_entries", result.ledger_entries},
          {"manifest_sha256", result.manifest_sha256}};
}

Json RestoreToJson(const RestoreResult& result) {
  return {{"ledger_replayed", result.ledger_replayed},
          {"customers_erased", result.customers_erased}};
}

}  // namespace cvault::cli
