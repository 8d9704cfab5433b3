#include "audit/chain.h"

#include <string_view>

#include "crypto/hash.h"

namespace cvault::audit {
namespace {

constexpr std::string_view kEntryDomain = "cvault.audit.v1";
constexpr std::string_view kCheckpointDomain = "cvault.checkpoint.v1";

class Encoder {
 public:
  void U64(std::uint64_t v) {
    for (int shift = 56; shift >= 0; shift -= 8) {
      out_.push_back(static_cast<std::uint8_t>(v >> shift));
    }
  }
  void Bytes(std::span<const std::uint8_t> bytes) {
    U32(static_cast<std::uint32_t>(bytes.size()));
    out_.insert(out_.end(), bytes.begin(), bytes.end());
  }
  void Text(std::string_view text) {
    Bytes({reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
  }
  crypto::Bytes Take() { return std::move(out_); }

 private:
  void U32(std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) {
      out_.push_back(static_cast<std::uint8_t>(v >> shift));
    }
  }
  crypto::Bytes out_;
};

std::vector<std::string> SplitFields(const std::string& joined) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < joined.size()) {
    std::size_t comma = joined.find(',', start);
    if (comma == std::string::npos) comma = joined.size();
    out.push_back(joined.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

}  // namespace

crypto::Bytes GenesisHash() { return crypto::Bytes(kHashSize, 0); }

crypto::Bytes ComputeEntryHash(const store::AuditRow& row) {
  Encoder e;
  e.Text(kEntryDomain);
  e.U64(row.sequence);
  e.U64(static_cast<std::uint64_t>(row.time_us));
  for (const std::string* field :
       {&row.principal_id, &row.role, &row.action, &row.purpose, &row.subject,
        &row.fields_requested, &row.fields_returned, &row.decision,
        &row.reason_code, &row.request_id}) {
    e.Text(*field);
  }
  e.Bytes(row.previous_hash);
  return crypto::Blake2b256(e.Take());
}

crypto::Bytes CheckpointMessage(std::uint64_t sequence,
                                std::span<const std::uint8_t> head_hash,
                                std::int64_t time_us) {
  Encoder e;
  e.Text(kCheckpointDomain);
  e.U64(sequence);
  e.Bytes(head_hash);
  e.U64(static_cast<std::uint64_t>(time_us));
  return e.Take();
}

AuditEntry ToAuditEntry(const store::AuditRow& row) {
  AuditEntry entry;
  entry.sequence = row.sequence;
  entry.time = Timestamp(std::chrono::microseconds(row.time_us));
  entry.principal_id = row.principal_id;
  entry.role = row.role;
  entry.action = row.action;
  entry.purpose = row.purpose;
  entry.subject = row.subject;
  entry.fields_requested = SplitFields(row.fields_requested);
  entry.fields_returned = SplitFields(row.fields_returned);
  entry.decision = row.decision;
  entry.reason_code = row.reason_code;
  entry.request_id = row.request_id;
  entry.previous_hash = crypto::ToHex(row.previous_hash);
  entry.entry_hash = crypto::ToHex(row.entry_hash);
  return entry;
}

AuditCheckpoint ToAuditCheckpoint(const store::CheckpointRow& row) {
  AuditCheckpoint cp;
  cp.sequence = row.sequence;
  cp.head_hash = crypto::ToHex(row.head_hash);
  cp.time = Timestamp(std::chrono::microseconds(row.time_us));
  cp.signature = crypto::ToHex(row.signature);
  cp.public_key = crypto::ToHex(row.public_key);
  return cp;
}

}  // namespace cvault::audit
