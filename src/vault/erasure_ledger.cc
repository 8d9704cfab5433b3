#include "vault/erasure_ledger.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "crypto/bytes.h"
#include "crypto/hash.h"
#include "crypto/kdf.h"

namespace cvault::internal {
namespace {

using nlohmann::json;

constexpr char kContext[] = "cvledger";
constexpr std::uint64_t kSubjectKeyId = 1;
constexpr std::uint64_t kMacKeyId = 2;

std::string_view KindName(LedgerEntry::Kind kind) {
  switch (kind) {
    case LedgerEntry::Kind::kErasure:
      return "erasure";
    case LedgerEntry::Kind::kHoldPurged:
      return "hold_purged";
    case LedgerEntry::Kind::kErasureWithdrawn:
      return "erasure_withdrawn";
  }
  return "erasure";
}

json BodyOf(const LedgerEntry& e) {
  json body = {{"v", 1},
               {"seq", e.seq},
               {"kind", KindName(e.kind)},
               {"id", e.id},
               {"at_us", e.at_us}};
  if (!e.subject.empty()) body["subject"] = e.subject;
  if (e.hold_until_us) body["hold_until_us"] = *e.hold_until_us;
  return body;
}

Status Damaged(std::size_t line, std::string_view what) {
  return Status::Integrity("erasure ledger line " + std::to_string(line) + " " +
                           std::string(what) +
                           ": the ledger was altered or damaged; restore it from its "
                           "own copy before opening the vault");
}

StatusOr<LedgerEntry> ParseBody(const json& body, std::size_t line) {
  LedgerEntry e;
  try {
    if (body.at("v").get<int>() != 1) return Error(Damaged(line, "has an unknown version"));
    e.seq = body.at("seq").get<std::uint64_t>();
    const std::string kind = body.at("kind").get<std::string>();
    if (kind == "erasure") {
      e.kind = LedgerEntry::Kind::kErasure;
    } else if (kind == "hold_purged") {
      e.kind = LedgerEntry::Kind::kHoldPurged;
    } else if (kind == "erasure_withdrawn") {
      e.kind = LedgerEntry::Kind::kErasureWithdrawn;
    } else {
      return Error(Damaged(line, "has an unknown kind"));
    }
    e.id = body.at("id").get<std::string>();
    e.at_us = body.at("at_us").get<std::int64_t>();
    if (body.contains("subject")) e.subject = body.at("subject").get<std::string>();
    if (body.contains("hold_until_us")) {
      e.hold_until_us = body.at("hold_until_us").get<std::int64_t>();
    }
  } catch (const json::exception&) {
    return Error(Damaged(line, "is missing a field or has one of the wrong type"));
  }
  if (e.kind == LedgerEntry::Kind::kErasure && e.subject.empty()) {
    return Error(Damaged(line, "records an erasure without a subject"));
  }
  return e;
}

}  // namespace

StatusOr<ErasureLedger> ErasureLedger::Open(store::LedgerLog& log,
                                            const SecretBytes& ledger_key) {
  CVAULT_ASSIGN_OR_RETURN(auto subject_key,
                          crypto::DeriveSubkey(ledger_key, kSubjectKeyId, kContext));
  CVAULT_ASSIGN_OR_RETURN(auto mac_key, crypto::DeriveSubkey(ledger_key, kMacKeyId, kContext));
  ErasureLedger ledger(&log, std::move(subject_key), std::move(mac_key));
  CVAULT_RETURN_IF_ERROR(ledger.Refresh());
  return ledger;
}

Status ErasureLedger::Refresh() {
  CVAULT_RETURN_IF_ERROR(broken_);
  CVAULT_ASSIGN_OR_RETURN(auto lines, log_->ReadAfter(entries_.size()));
  return Take(lines);
}

Status ErasureLedger::Take(const std::vector<std::string>& lines) {
  for (const std::string& line : lines) {
    const std::size_t line_no = entries_.size() + 1;
    auto checked = [&]() -> StatusOr<LedgerEntry> {
      json parsed = json::parse(line, nullptr, /*allow_exceptions=*/false);
      if (parsed.is_discarded() || !parsed.is_object() || !parsed.contains("mac") ||
          !parsed["mac"].is_string()) {
        return Error(Damaged(line_no, "is not a ledger entry"));
      }
      const std::string mac = parsed["mac"].get<std::string>();
      parsed.erase("mac");
      CVAULT_ASSIGN_OR_RETURN(LedgerEntry entry, ParseBody(parsed, line_no));
      if (entry.seq != line_no) return Error(Damaged(line_no, "is out of sequence"));
      if (BodyOf(entry).dump() != parsed.dump() || Mac(parsed.dump()) != mac) {
        return Error(Damaged(line_no, "fails its MAC"));
      }
      last_mac_ = mac;
      return entry;
    }();
    if (!checked) {
      // The log has moved past this line: reading on would skip it.
      broken_ = checked.error();
      return broken_;
    }
    entries_.push_back(std::move(*checked));
  }
  return Status::Ok();
}

std::string ErasureLedger::SubjectOf(std::string_view customer_id) const {
  return crypto::ToHex(crypto::KeyedBlake2b256(subject_key_, crypto::AsBytes(customer_id)));
}

std::string ErasureLedger::Mac(std::string_view body) const {
  std::string message = last_mac_;
  message += '|';
  message += body;
  return crypto::ToHex(crypto::KeyedBlake2b256(mac_key_, crypto::AsBytes(message)));
}

StatusOr<LedgerEntry> ErasureLedger::Append(LedgerEntry entry) {
  CVAULT_RETURN_IF_ERROR(broken_);
  std::string mac;
  // Lines other processes appended since this one last read come first:
  // the new line continues their sequence and MAC chain.
  CVAULT_ASSIGN_OR_RETURN(
      auto newer,
      log_->AppendAfter(entries_.size(),
                        [&](const std::vector<std::string>& lines) -> StatusOr<std::string> {
                          CVAULT_RETURN_IF_ERROR(Take(lines));
                          entry.seq = entries_.size() + 1;
                          json line = BodyOf(entry);
                          mac = Mac(line.dump());
                          line["mac"] = mac;
                          return line.dump();
                        }));
  (void)newer;
  last_mac_ = mac;
  entries_.push_back(entry);
  return entry;
}

}  // namespace cvault::internal
