#include "audit/chain.h"

#include <array>
#include <string_view>

#include "crypto/hash.h"

namespace cvault::audit {
namespace {

constexpr std::string_view kEntryDomain = "cvault.audit.v1";
constexpr std::string_view kCheckpointDomain = "cvault.checkpoint.v1";

// Appends to a buffer it does not own, so a loop can reuse one.
class Encoder {
 public:
  explicit Encoder(crypto::Bytes& out) : out_(out) {}
  void U64(std::uint64_t v) {
    std::uint8_t big_endian[8];
    for (int i = 0; i < 8; ++i) big_endian[i] = static_cast<std::uint8_t>(v >> (56 - 8 * i));
    out_.insert(out_.end(), big_endian, big_endian + 8);
  }
  void Bytes(std::span<const std::uint8_t> bytes) {
    U32(static_cast<std::uint32_t>(bytes.size()));
    out_.insert(out_.end(), bytes.begin(), bytes.end());
  }
  void Text(std::string_view text) {
    Bytes({reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
  }

 private:
  void U32(std::uint32_t v) {
    std::uint8_t big_endian[4];
    for (int i = 0; i < 4; ++i) big_endian[i] = static_cast<std::uint8_t>(v >> (24 - 8 * i));
    out_.insert(out_.end(), big_endian, big_endian + 4);
  }
  crypto::Bytes& out_;
};

// The canonical encoding of an entry into `out` (cleared first).
void EncodeEntry(const store::AuditRow& row, crypto::Bytes& out) {
  out.clear();
  Encoder e(out);
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
}

// Entries are metadata without personal data (docs/audit-log.md), so one
// buffer per thread may keep the last one.
crypto::Bytes& ThreadBuffer() {
  thread_local crypto::Bytes buffer;
  return buffer;
}

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
  crypto::Bytes& buffer = ThreadBuffer();
  EncodeEntry(row, buffer);
  return crypto::Blake2b256(buffer);
}

bool EntryHashMatches(const store::AuditRow& row) {
  crypto::Bytes& buffer = ThreadBuffer();
  EncodeEntry(row, buffer);
  std::array<std::uint8_t, kHashSize> digest{};
  crypto::Blake2b256(buffer, digest);
  return crypto::ConstantTimeEquals(digest, row.entry_hash);
}

crypto::Bytes CheckpointMessage(std::uint64_t sequence,
                                std::span<const std::uint8_t> head_hash,
                                std::int64_t time_us) {
  crypto::Bytes message;
  Encoder e(message);
  e.Text(kCheckpointDomain);
  e.U64(sequence);
  e.Bytes(head_hash);
  e.U64(static_cast<std::uint64_t>(time_us));
  return message;
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
