#include "keys/keyring.h"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "crypto/aead.h"
#include "crypto/bytes.h"
#include "keys/private_file.h"
#include "keys/root_key.h"

namespace cvault::keys {
namespace {

// File header: magic, format version, root-key kind, and for a passphrase the
// Argon2id opslimit and memlimit (u64 big-endian) and salt. The header is the
// associated data of the sealed body, so none of it can change unnoticed.
constexpr std::array<std::uint8_t, 4> kMagic = {'C', 'V', 'K', 'R'};
constexpr std::uint8_t kFormatVersion = 1;
constexpr std::size_t kFixedHeaderSize = kMagic.size() + 2;
constexpr std::size_t kStretchSize = 8 + 8 + kPassphraseSaltSize;
// The root key envelope's key id; the keyring has a single root key.
constexpr std::uint32_t kRootKeyId = 0;
// Bounds the read. A fresh keyring is about 350 bytes and each further key
// version adds 41, so this leaves room for some 1500 rotations.
constexpr std::size_t kMaxKeyringFileSize = 64 * 1024;

constexpr std::string_view kUnsealFailed =
    "keyring could not be unsealed: wrong passphrase or key file, or the "
    "keyring file was altered";

struct KeyringHeader {
  RootKeyKind kind = RootKeyKind::kKey;
  std::optional<PassphraseStretch> stretch;  // set for kPassphrase
};

void AppendU64(crypto::Bytes& out, std::uint64_t value) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    out.push_back(static_cast<std::uint8_t>(value >> shift));
  }
}

std::uint64_t ReadU64(std::span<const std::uint8_t> in) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < 8; ++i) value = (value << 8) | in[i];
  return value;
}

crypto::Bytes EncodeHeader(const KeyringHeader& header) {
  crypto::Bytes out(kMagic.begin(), kMagic.end());
  out.push_back(kFormatVersion);
  out.push_back(static_cast<std::uint8_t>(header.kind));
  if (header.stretch.has_value()) {
    AppendU64(out, header.stretch->cost.opslimit);
    AppendU64(out, header.stretch->cost.memlimit);
    out.insert(out.end(), header.stretch->salt.begin(), header.stretch->salt.end());
  }
  return out;
}

Status Damaged(std::string_view detail) {
  return Status::Integrity(fmt::format("keyring file is damaged: {}", detail));
}

// Decodes the header at the front of `file`; sets `header_size`.
StatusOr<KeyringHeader> DecodeHeader(std::span<const std::uint8_t> file,
                                     std::size_t& header_size) {
  if (file.size() < kFixedHeaderSize) return Error(Damaged("it is truncated"));
  if (!std::equal(kMagic.begin(), kMagic.end(), file.begin())) {
    return Error(Damaged("it does not start with the keyring magic \"CVKR\""));
  }
  if (file[4] != kFormatVersion) {
    return Error(
        Damaged(fmt::format("unknown format version {} (this cvault reads version {})",
                            file[4], kFormatVersion)));
  }
  KeyringHeader header;
  switch (file[5]) {
    case static_cast<std::uint8_t>(RootKeyKind::kKey):
      header.kind = RootKeyKind::kKey;
      header_size = kFixedHeaderSize;
      return header;
    case static_cast<std::uint8_t>(RootKeyKind::kPassphrase):
      header.kind = RootKeyKind::kPassphrase;
      break;
    default:
      return Error(Damaged(fmt::format("unknown root key kind {}", file[5])));
  }
  if (file.size() < kFixedHeaderSize + kStretchSize) {
    return Error(Damaged("it is truncated"));
  }
  std::span<const std::uint8_t> stretch = file.subspan(kFixedHeaderSize, kStretchSize);
  const std::uint64_t opslimit = ReadU64(stretch.first(8));
  const std::uint64_t memlimit = ReadU64(stretch.subspan(8, 8));
  CVAULT_RETURN_IF_ERROR(CheckStoredPwhashCost(opslimit, memlimit));
  PassphraseStretch params{};
  params.cost.opslimit = opslimit;
  params.cost.memlimit = static_cast<std::size_t>(memlimit);
  std::copy_n(stretch.subspan(16).begin(), kPassphraseSaltSize, params.salt.begin());
  header.stretch = params;
  header_size = kFixedHeaderSize + kStretchSize;
  return header;
}

std::string_view KindName(RootKeyKind kind) {
  return kind == RootKeyKind::kPassphrase ? "a passphrase" : "a key file or raw key";
}

std::string_view KindHint(RootKeyKind kind) {
  return kind == RootKeyKind::kPassphrase ? "set CVAULT_PASSPHRASE"
                                          : "pass --key-file or set CVAULT_KEY_FILE";
}

// The complete keyring file: header followed by the contents sealed under
// the root key of `root`.
StatusOr<crypto::Bytes> SealKeyringFile(const KeyringContents& contents,
                                        const RootKeySource& root, PassphraseCost cost) {
  CVAULT_ASSIGN_OR_RETURN(const RootKeyKind kind, RootKeyKindOf(root));
  KeyringHeader header{kind, std::nullopt};
  if (kind == RootKeyKind::kPassphrase) header.stretch = NewPassphraseStretch(cost);
  CVAULT_ASSIGN_OR_RETURN(
      const SecretBytes root_key,
      DeriveRootKey(root, header.stretch ? &*header.stretch : nullptr));
  crypto::Bytes file = EncodeHeader(header);
  const SecretBytes body = SerializeKeyringContents(contents);
  CVAULT_ASSIGN_OR_RETURN(const crypto::Bytes envelope,
                          crypto::SealWithKey(root_key, kRootKeyId, body.Reveal(), file));
  file.insert(file.end(), envelope.begin(), envelope.end());
  return file;
}

// The version after the highest held one, so a retired version is never
// handed out again while a newer one exists.
std::uint32_t NextVersion(const std::map<std::uint32_t, SecretBytes>& keys) {
  return keys.empty() ? 1 : keys.rbegin()->first + 1;
}

std::vector<std::uint32_t> VersionsOf(const std::map<std::uint32_t, SecretBytes>& keys) {
  std::vector<std::uint32_t> versions;
  versions.reserve(keys.size());
  for (const auto& entry : keys) versions.push_back(entry.first);
  return versions;
}

}  // namespace

StatusOr<Keyring> Keyring::Create(const std::filesystem::path& keys_dir,
                                  const RootKeySource& root, PassphraseCost cost,
                                  bool development, std::int64_t now_us) {
  if (StatusOr<RootKeyKind> kind = RootKeyKindOf(root); !kind.has_value()) {
    return Error(kind.error());
  }
  CVAULT_RETURN_IF_ERROR(EnsurePrivateDirectory(keys_dir));
  const std::filesystem::path path = keys_dir / kKeyringFileName;
  // Checked up front to fail before the slow passphrase stretching; the
  // final link(2) still refuses to replace a keyring created meanwhile.
  std::error_code ec;
  if (std::filesystem::symlink_status(path, ec).type() !=
      std::filesystem::file_type::not_found) {
    return Error(Status::AlreadyExists(fmt::format(
        "a keyring already exists at {}: refusing to overwrite it", path.string())));
  }
  KeyringContents contents = GenerateKeyringContents(development, now_us);
  CVAULT_ASSIGN_OR_RETURN(const crypto::Bytes file,
                          SealKeyringFile(contents, root, cost));
  CVAULT_RETURN_IF_ERROR(WriteOwnerOnlyFileAtomically(keys_dir, kKeyringFileName, file,
                                                      ReplaceMode::kMustNotExist));
  return Keyring(std::move(contents));
}

StatusOr<Keyring> Keyring::Open(const std::filesystem::path& keys_dir,
                                const RootKeySource& root) {
  CVAULT_ASSIGN_OR_RETURN(const RootKeyKind given_kind, RootKeyKindOf(root));
  const std::filesystem::path path = keys_dir / kKeyringFileName;

  crypto::Bytes file(kMaxKeyringFileSize + 1);
  StatusOr<std::size_t> read = ReadOwnerOnlyFile(path, "keyring file", file);
  if (!read.has_value()) {
    if (read.error().code() == StatusCode::kNotFound) {
      return Error(Status::NotFound(
          fmt::format("no keyring at {}: run `cvault init` first", path.string())));
    }
    return Error(read.error());
  }
  if (*read > kMaxKeyringFileSize) return Error(Damaged("it is too large"));
  file.resize(*read);

  std::size_t header_size = 0;
  CVAULT_ASSIGN_OR_RETURN(const KeyringHeader header, DecodeHeader(file, header_size));
  if (header.kind != given_kind) {
    return Error(Status::KeyFailure(fmt::format(
        "the keyring at {} is sealed with {}, but {} was given: {}", path.string(),
        KindName(header.kind), KindName(given_kind), KindHint(header.kind))));
  }
  const std::span<const std::uint8_t> header_bytes =
      std::span<const std::uint8_t>(file).first(header_size);
  const std::span<const std::uint8_t> envelope =
      std::span<const std::uint8_t>(file).subspan(header_size);
  if (envelope.size() < crypto::kEnvelopeOverhead) {
    return Error(Damaged("it is truncated"));
  }
  StatusOr<std::uint32_t> key_id = crypto::EnvelopeKeyId(envelope);
  if (!key_id.has_value() || *key_id != kRootKeyId) {
    return Error(Damaged("the sealed body has a bad envelope header"));
  }

  CVAULT_ASSIGN_OR_RETURN(
      const SecretBytes root_key,
      DeriveRootKey(root, header.stretch ? &*header.stretch : nullptr));
  StatusOr<SecretBytes> body =
      crypto::OpenWithKey(root_key, kRootKeyId, envelope, header_bytes);
  if (!body.has_value()) {
    // A wrong root key and an altered byte both fail the tag: the two cannot
    // be told apart, so the message names both.
    if (body.error().code() == StatusCode::kIntegrity) {
      return Error(Status::KeyFailure(std::string(kUnsealFailed)));
    }
    return Error(body.error());
  }
  CVAULT_ASSIGN_OR_RETURN(KeyringContents contents, ParseKeyringContents(body->Reveal()));
  return Keyring(std::move(contents));
}

Status Keyring::Reseal(const std::filesystem::path& keys_dir,
                       const RootKeySource& new_root, PassphraseCost cost) {
  // Sealing under a new root key is saving with it: a passphrase gets a
  // fresh salt either way.
  return Save(keys_dir, new_root, cost);
}

Status Keyring::Save(const std::filesystem::path& keys_dir, const RootKeySource& root,
                     PassphraseCost cost) const {
  CVAULT_ASSIGN_OR_RETURN(const crypto::Bytes file,
                          SealKeyringFile(contents_, root, cost));
  return WriteOwnerOnlyFileAtomically(keys_dir, kKeyringFileName, file,
                                      ReplaceMode::kReplace);
}

std::uint32_t Keyring::AddKek() {
  const std::uint32_t version = NextVersion(contents_.keks);
  contents_.keks.emplace(version, SecretBytes::Random(kKeyringKeySize));
  contents_.primary_kek_version = version;
  return version;
}

Status Keyring::UndoAddKek(std::uint32_t added, std::uint32_t previous_primary) {
  if (contents_.keks.find(previous_primary) == contents_.keks.end() ||
      added == previous_primary) {
    return Status::FailedPrecondition("no key-encryption key addition to undo");
  }
  contents_.primary_kek_version = previous_primary;
  return RetireKek(added);
}

Status Keyring::RetireKek(std::uint32_t version) {
  auto it = contents_.keks.find(version);
  if (it == contents_.keks.end()) {
    return Status::NotFound(
        fmt::format("the keyring holds no key-encryption key version {}", version));
  }
  if (version == contents_.primary_kek_version) {
    return Status::FailedPrecondition(fmt::format(
        "key-encryption key version {} is the primary one and cannot be retired; "
        "add a new key-encryption key first",
        version));
  }
  contents_.keks.erase(it);
  return Status::Ok();
}

std::vector<std::uint32_t> Keyring::kek_versions() const {
  return VersionsOf(contents_.keks);
}

std::uint32_t Keyring::AddBlindIndexRoot() {
  const std::uint32_t version = NextVersion(contents_.blind_index_roots);
  contents_.blind_index_roots.emplace(version, SecretBytes::Random(kKeyringKeySize));
  return version;
}

Status Keyring::SetBlindIndexVersion(std::uint32_t version) {
  if (!contents_.blind_index_roots.contains(version)) {
    return Status::NotFound(
        fmt::format("the keyring holds no blind-index root key version {}", version));
  }
  contents_.blind_index_version = version;
  return Status::Ok();
}

Status Keyring::RetireBlindIndexRoot(std::uint32_t version) {
  auto it = contents_.blind_index_roots.find(version);
  if (it == contents_.blind_index_roots.end()) {
    return Status::NotFound(
        fmt::format("the keyring holds no blind-index root key version {}", version));
  }
  if (version == contents_.blind_index_version) {
    return Status::FailedPrecondition(fmt::format(
        "blind-index root key version {} is the current one and cannot be retired; "
        "make another version current first",
        version));
  }
  contents_.blind_index_roots.erase(it);
  return Status::Ok();
}

const SecretBytes* Keyring::blind_index_root(std::uint32_t version) const {
  auto it = contents_.blind_index_roots.find(version);
  return it == contents_.blind_index_roots.end() ? nullptr : &it->second;
}

std::vector<std::uint32_t> Keyring::blind_index_versions() const {
  return VersionsOf(contents_.blind_index_roots);
}

void Keyring::BeginDbRekey() {
  contents_.pending_vault_db_key = SecretBytes::Random(kKeyringKeySize);
  contents_.pending_keystore_db_key = SecretBytes::Random(kKeyringKeySize);
}

void Keyring::CancelDbRekey() {
  contents_.pending_vault_db_key = SecretBytes();
  contents_.pending_keystore_db_key = SecretBytes();
}

Status Keyring::FinishDbRekey() {
  if (contents_.pending_vault_db_key.empty() ||
      contents_.pending_keystore_db_key.empty()) {
    return Status::FailedPrecondition(
        "no database rekey is pending; begin one before finishing it");
  }
  // The old keys are wiped as they are replaced; the pending slots are reset
  // explicitly rather than left to the moved-from state.
  contents_.vault_db_key = std::move(contents_.pending_vault_db_key);
  contents_.keystore_db_key = std::move(contents_.pending_keystore_db_key);
  contents_.pending_vault_db_key = SecretBytes();
  contents_.pending_keystore_db_key = SecretBytes();
  return Status::Ok();
}

const SecretBytes* Keyring::pending_vault_db_key() const {
  return contents_.pending_vault_db_key.empty() ? nullptr
                                                : &contents_.pending_vault_db_key;
}

const SecretBytes* Keyring::pending_keystore_db_key() const {
  return contents_.pending_keystore_db_key.empty() ? nullptr
                                                   : &contents_.pending_keystore_db_key;
}

const SecretBytes& Keyring::blind_index_root() const {
  return contents_.blind_index_roots.at(contents_.blind_index_version);
}

const SecretBytes& Keyring::audit_signing_seed() const {
  return contents_.audit_signing_seeds.at(contents_.audit_signing_version);
}

const SecretBytes* Keyring::kek(std::uint32_t version) const {
  auto it = contents_.keks.find(version);
  return it == contents_.keks.end() ? nullptr : &it->second;
}

}  // namespace cvault::keys
