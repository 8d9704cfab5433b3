#include "keys/keyring_contents.h"

#include <fmt/core.h>

#include <cstring>
#include <optional>
#include <string>

#include "crypto/random.h"

namespace cvault::keys {
namespace {

constexpr std::size_t kEntryHeaderSize = 1 + 4;  // tag, u32 BE length
constexpr std::size_t kVersionedKeySize = 4 + kKeyringKeySize;

void PutU32(std::span<std::uint8_t> out, std::uint32_t value) {
  for (int i = 0; i < 4; ++i) {
    out[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(value >> (8 * (3 - i)));
  }
}

std::uint32_t GetU32(std::span<const std::uint8_t> in) {
  std::uint32_t value = 0;
  for (std::size_t i = 0; i < 4; ++i) value = (value << 8) | in[i];
  return value;
}

// Counts the bytes an encoding needs. Entry() hands back no space, which
// tells the encoder to write nothing in this pass (every real value is
// non-empty).
class SizeCounter {
 public:
  std::span<std::uint8_t> Entry(KeyringTag /*tag*/, std::size_t length) {
    size_ += kEntryHeaderSize + length;
    return {};
  }
  std::size_t size() const { return size_; }

 private:
  std::size_t size_ = 0;
};

// Writes entries into a buffer sized by SizeCounter.
class EntryWriter {
 public:
  explicit EntryWriter(std::span<std::uint8_t> out) : out_(out) {}
  // Writes the entry header and returns the space for its value.
  std::span<std::uint8_t> Entry(KeyringTag tag, std::size_t length) {
    out_[0] = static_cast<std::uint8_t>(tag);
    PutU32(out_.subspan(1, 4), static_cast<std::uint32_t>(length));
    std::span<std::uint8_t> value = out_.subspan(kEntryHeaderSize, length);
    out_ = out_.subspan(kEntryHeaderSize + length);
    return value;
  }

 private:
  std::span<std::uint8_t> out_;
};

void Copy(std::span<std::uint8_t> to, std::span<const std::uint8_t> from) {
  if (!to.empty()) std::memcpy(to.data(), from.data(), from.size());
}

template <class Sink>
void PutU32Entry(Sink& sink, KeyringTag tag, std::uint32_t value) {
  std::span<std::uint8_t> out = sink.Entry(tag, 4);
  if (!out.empty()) PutU32(out, value);
}

template <class Sink>
void PutKeyEntry(Sink& sink, KeyringTag tag, const SecretBytes& key) {
  Copy(sink.Entry(tag, key.size()), key.Reveal());
}

template <class Sink>
void PutVersionedKeys(Sink& sink, KeyringTag tag,
                      const std::map<std::uint32_t, SecretBytes>& keys) {
  for (const auto& [version, key] : keys) {
    std::span<std::uint8_t> out = sink.Entry(tag, 4 + key.size());
    if (out.empty()) continue;
    PutU32(out, version);
    Copy(out.subspan(4), key.Reveal());
  }
}

// One encoder for both passes, so the size and the bytes cannot disagree.
template <class Sink>
void Encode(const KeyringContents& c, Sink& sink) {
  std::span<std::uint8_t> created = sink.Entry(KeyringTag::kCreatedAt, 8);
  if (!created.empty()) {
    const auto bits = static_cast<std::uint64_t>(c.created_at_us);
    PutU32(created.first(4), static_cast<std::uint32_t>(bits >> 32));
    PutU32(created.subspan(4), static_cast<std::uint32_t>(bits));
  }
  Copy(sink.Entry(KeyringTag::kVaultId, kVaultIdSize), c.vault_id);
  std::span<std::uint8_t> dev = sink.Entry(KeyringTag::kDevelopment, 1);
  if (!dev.empty()) dev[0] = c.development ? 1 : 0;
  PutVersionedKeys(sink, KeyringTag::kKek, c.keks);
  PutU32Entry(sink, KeyringTag::kPrimaryKekVersion, c.primary_kek_version);
  PutKeyEntry(sink, KeyringTag::kVaultDbKey, c.vault_db_key);
  PutKeyEntry(sink, KeyringTag::kKeystoreDbKey, c.keystore_db_key);
  PutVersionedKeys(sink, KeyringTag::kBlindIndexRoot, c.blind_index_roots);
  PutU32Entry(sink, KeyringTag::kBlindIndexVersion, c.blind_index_version);
  PutVersionedKeys(sink, KeyringTag::kAuditSigningSeed, c.audit_signing_seeds);
  PutU32Entry(sink, KeyringTag::kAuditSigningVersion, c.audit_signing_version);
  PutKeyEntry(sink, KeyringTag::kErasureLedgerKey, c.erasure_ledger_key);
  // Written only while a rekey is pending.
  if (!c.pending_vault_db_key.empty()) {
    PutKeyEntry(sink, KeyringTag::kPendingVaultDbKey, c.pending_vault_db_key);
  }
  if (!c.pending_keystore_db_key.empty()) {
    PutKeyEntry(sink, KeyringTag::kPendingKeystoreDbKey, c.pending_keystore_db_key);
  }
}

Status Damaged(std::string_view detail) {
  return Status::Integrity(fmt::format("keyring file is damaged: {}", detail));
}

// Accumulates parsed entries and remembers which single-valued tags were seen.
class ContentsParser {
 public:
  Status Add(std::uint8_t tag, std::span<const std::uint8_t> value) {
    if (tag == 0 || tag > kMaxTag) {
      return Damaged(fmt::format("unknown entry {}", tag));
    }
    const auto kind = static_cast<KeyringTag>(tag);
    switch (kind) {
      case KeyringTag::kKek:
        return AddVersioned(value, out_.keks, "key-encryption key");
      case KeyringTag::kBlindIndexRoot:
        return AddVersioned(value, out_.blind_index_roots, "blind-index root key");
      case KeyringTag::kAuditSigningSeed:
        return AddVersioned(value, out_.audit_signing_seeds, "audit signing seed");
      default:
        break;
    }
    if (seen_[tag]) return Damaged(fmt::format("entry {} appears twice", tag));
    seen_[tag] = true;
    switch (kind) {
      case KeyringTag::kCreatedAt: {
        if (value.size() != 8) return WrongLength(tag);
        const std::uint64_t bits =
            (std::uint64_t{GetU32(value)} << 32) | GetU32(value.subspan(4));
        out_.created_at_us = static_cast<std::int64_t>(bits);
        return Status::Ok();
      }
      case KeyringTag::kVaultId:
        if (value.size() != kVaultIdSize) return WrongLength(tag);
        std::memcpy(out_.vault_id.data(), value.data(), kVaultIdSize);
        return Status::Ok();
      case KeyringTag::kDevelopment:
        if (value.size() != 1 || value[0] > 1) return WrongLength(tag);
        out_.development = value[0] == 1;
        return Status::Ok();
      case KeyringTag::kPrimaryKekVersion:
        return ReadU32(tag, value, out_.primary_kek_version);
      case KeyringTag::kBlindIndexVersion:
        return ReadU32(tag, value, out_.blind_index_version);
      case KeyringTag::kAuditSigningVersion:
        return ReadU32(tag, value, out_.audit_signing_version);
      case KeyringTag::kVaultDbKey:
        return ReadKey(tag, value, out_.vault_db_key);
      case KeyringTag::kKeystoreDbKey:
        return ReadKey(tag, value, out_.keystore_db_key);
      case KeyringTag::kErasureLedgerKey:
        return ReadKey(tag, value, out_.erasure_ledger_key);
      case KeyringTag::kPendingVaultDbKey:
        return ReadKey(tag, value, out_.pending_vault_db_key);
      case KeyringTag::kPendingKeystoreDbKey:
        return ReadKey(tag, value, out_.pending_keystore_db_key);
      default:
        return Damaged(fmt::format("unknown entry {}", tag));
    }
  }

  StatusOr<KeyringContents> Finish() && {
    for (std::uint8_t tag = 1; tag <= kMaxTag; ++tag) {
      const auto kind = static_cast<KeyringTag>(tag);
      if (kind == KeyringTag::kKek || kind == KeyringTag::kBlindIndexRoot ||
          kind == KeyringTag::kAuditSigningSeed ||
          kind == KeyringTag::kPendingVaultDbKey ||
          kind == KeyringTag::kPendingKeystoreDbKey) {
        continue;
      }
      if (!seen_[tag]) return Error(Damaged(fmt::format("entry {} is missing", tag)));
    }
    // A rekey replaces both database keys at once; half of one cannot be
    // finished.
    if (out_.pending_vault_db_key.empty() != out_.pending_keystore_db_key.empty()) {
      return Error(Damaged("only one of the two pending database keys is present"));
    }
    if (!out_.keks.contains(out_.primary_kek_version)) {
      return Error(Damaged("the primary key-encryption key is missing"));
    }
    if (!out_.blind_index_roots.contains(out_.blind_index_version)) {
      return Error(Damaged("the current blind-index root key is missing"));
    }
    if (!out_.audit_signing_seeds.contains(out_.audit_signing_version)) {
      return Error(Damaged("the current audit signing seed is missing"));
    }
    return std::move(out_);
  }

 private:
  static constexpr std::uint8_t kMaxTag =
      static_cast<std::uint8_t>(KeyringTag::kPendingKeystoreDbKey);

  static Status WrongLength(std::uint8_t tag) {
    return Damaged(fmt::format("entry {} has a bad value", tag));
  }

  static Status ReadU32(std::uint8_t tag, std::span<const std::uint8_t> value,
                        std::uint32_t& out) {
    if (value.size() != 4) return WrongLength(tag);
    out = GetU32(value);
    return Status::Ok();
  }

  static Status ReadKey(std::uint8_t tag, std::span<const std::uint8_t> value,
                        SecretBytes& out) {
    if (value.size() != kKeyringKeySize) return WrongLength(tag);
    out = SecretBytes::CopyFrom(value);
    return Status::Ok();
  }

  static Status AddVersioned(std::span<const std::uint8_t> value,
                             std::map<std::uint32_t, SecretBytes>& keys,
                             std::string_view what) {
    if (value.size() != kVersionedKeySize) {
      return Damaged(fmt::format("a {} has a bad length", what));
    }
    const std::uint32_t version = GetU32(value);
    if (version == 0) return Damaged(fmt::format("a {} has version 0", what));
    auto [it, inserted] = keys.try_emplace(version);
    if (!inserted) {
      return Damaged(fmt::format("{} version {} appears twice", what, version));
    }
    it->second = SecretBytes::CopyFrom(value.subspan(4));
    return Status::Ok();
  }

  KeyringContents out_;
  std::array<bool, kMaxTag + 1> seen_{};
};

}  // namespace

KeyringContents GenerateKeyringContents(bool development, std::int64_t now_us) {
  KeyringContents c;
  c.created_at_us = now_us;
  crypto::FillRandom(c.vault_id);
  c.development = development;
  c.keks.emplace(1, SecretBytes::Random(kKeyringKeySize));
  c.primary_kek_version = 1;
  c.vault_db_key = SecretBytes::Random(kKeyringKeySize);
  c.keystore_db_key = SecretBytes::Random(kKeyringKeySize);
  c.blind_index_roots.emplace(1, SecretBytes::Random(kKeyringKeySize));
  c.blind_index_version = 1;
  c.audit_signing_seeds.emplace(1, SecretBytes::Random(kKeyringKeySize));
  c.audit_signing_version = 1;
  c.erasure_ledger_key = SecretBytes::Random(kKeyringKeySize);
  return c;
}

SecretBytes SerializeKeyringContents(const KeyringContents& contents) {
  SizeCounter counter;
  Encode(contents, counter);
  SecretBytes out(counter.size());
  EntryWriter writer(out.RevealMutable());
  Encode(contents, writer);
  return out;
}

StatusOr<KeyringContents> ParseKeyringContents(std::span<const std::uint8_t> bytes) {
  ContentsParser parser;
  while (!bytes.empty()) {
    if (bytes.size() < kEntryHeaderSize) return Error(Damaged("truncated entry"));
    const std::uint8_t tag = bytes[0];
    const std::uint32_t length = GetU32(bytes.subspan(1, 4));
    bytes = bytes.subspan(kEntryHeaderSize);
    if (length > bytes.size()) return Error(Damaged("truncated entry"));
    CVAULT_RETURN_IF_ERROR(parser.Add(tag, bytes.first(length)));
    bytes = bytes.subspan(length);
  }
  return std::move(parser).Finish();
}

}  // namespace cvault::keys
