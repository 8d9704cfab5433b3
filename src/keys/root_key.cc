#include "keys/root_key.h"

#include <fmt/core.h>
#include <sodium.h>

#include <span>
#include <string>
#include <variant>

#include "crypto/random.h"
#include "keys/private_file.h"

namespace cvault::keys {
namespace {

// 64 hex digits and a newline, plus one byte to notice a longer file.
constexpr std::size_t kKeyFileReadLimit = 2 * kRootKeySize + 2;

Status KeyFileContentError(const std::filesystem::path& path) {
  return Status::KeyFailure(
      fmt::format("key file {} must hold 32 raw bytes or 64 hex digits", path.string()));
}

}  // namespace

StatusOr<RootKeyKind> RootKeyKindOf(const RootKeySource& source) {
  if (std::holds_alternative<Passphrase>(source)) return RootKeyKind::kPassphrase;
  if (std::holds_alternative<KeyFile>(source) ||
      std::holds_alternative<RawRootKey>(source)) {
    return RootKeyKind::kKey;
  }
  return Error(Status::InvalidArgument(
      "no root key given: pass a key file (--key-file or CVAULT_KEY_FILE) or "
      "a passphrase (CVAULT_PASSPHRASE)"));
}

crypto::PwhashCost PwhashCostFor(PassphraseCost cost) {
  switch (cost) {
    case PassphraseCost::kModerate:
      return crypto::PwhashModerate();
    case PassphraseCost::kInteractive:
      return crypto::PwhashInteractive();
    case PassphraseCost::kTestingOnly:
      return crypto::PwhashMin();
  }
  return crypto::PwhashModerate();
}

PassphraseStretch NewPassphraseStretch(PassphraseCost cost) {
  PassphraseStretch stretch{PwhashCostFor(cost), {}};
  crypto::FillRandom(stretch.salt);
  return stretch;
}

Status CheckStoredPwhashCost(std::uint64_t ops, std::uint64_t mem) {
  if (ops < crypto_pwhash_argon2id_OPSLIMIT_MIN ||
      ops > crypto_pwhash_argon2id_OPSLIMIT_SENSITIVE ||
      mem < crypto_pwhash_argon2id_MEMLIMIT_MIN ||
      mem > crypto_pwhash_argon2id_MEMLIMIT_SENSITIVE) {
    return Status::Integrity(
        "keyring file is damaged: its Argon2id cost is out of range");
  }
  return Status::Ok();
}

StatusOr<SecretBytes> ReadKeyFile(const std::filesystem::path& path) {
  SecretBytes content(kKeyFileReadLimit);
  StatusOr<std::size_t> read =
      ReadOwnerOnlyFile(path, "key file", content.RevealMutable());
  if (!read.has_value()) {
    const Status& error = read.error();
    if (error.code() == StatusCode::kNotFound) {
      return Error(Status::KeyFailure(error.message()));
    }
    return Error(error);
  }
  const std::size_t size = *read;
  if (size == kRootKeySize) {
    content.Truncate(kRootKeySize);
    return content;
  }
  std::span<const std::uint8_t> text = content.Reveal().first(size);
  if (size == 2 * kRootKeySize + 1 && text.back() == '\n') {
    text = text.first(2 * kRootKeySize);
  }
  if (text.size() != 2 * kRootKeySize) return Error(KeyFileContentError(path));

  SecretBytes key(kRootKeySize);
  std::size_t key_size = 0;
  if (sodium_hex2bin(key.RevealMutable().data(), key.size(),
                     reinterpret_cast<const char*>(text.data()), text.size(),
                     /*ignore=*/nullptr, &key_size, /*hex_end=*/nullptr) != 0 ||
      key_size != kRootKeySize) {
    return Error(KeyFileContentError(path));
  }
  return key;
}

StatusOr<SecretBytes> DeriveRootKey(const RootKeySource& source,
                                    const PassphraseStretch* stretch) {
  if (StatusOr<RootKeyKind> kind = RootKeyKindOf(source); !kind.has_value()) {
    return Error(kind.error());
  }
  if (const auto* passphrase = std::get_if<Passphrase>(&source)) {
    if (passphrase->text.empty()) {
      return Error(Status::InvalidArgument(
          "the passphrase is empty: set CVAULT_PASSPHRASE to a non-empty "
          "passphrase"));
    }
    if (stretch == nullptr) {
      return Error(
          Status::Internal("a passphrase root key needs the keyring's salt and cost"));
    }
    CVAULT_ASSIGN_OR_RETURN(
        SecretBytes key,
        crypto::DeriveKeyFromPassphrase(passphrase->text, stretch->salt, stretch->cost));
    if (key.size() != kRootKeySize) {
      return Error(
          Status::Internal("passphrase stretching gave a key of the wrong size"));
    }
    return key;
  }
  if (const auto* key_file = std::get_if<KeyFile>(&source)) {
    return ReadKeyFile(key_file->path);
  }
  const auto& raw = std::get<RawRootKey>(source);
  if (raw.key.size() != kRootKeySize) {
    return Error(Status::KeyFailure(
        fmt::format("the raw root key must be exactly {} bytes, not {}", kRootKeySize,
                    raw.key.size())));
  }
  return raw.key.Clone();
}

Status WriteNewKeyFile(const std::filesystem::path& path) {
  const SecretBytes key = SecretBytes::Random(kRootKeySize);
  // sodium_bin2hex writes the digits and a NUL; the NUL becomes the newline.
  SecretBytes text(2 * kRootKeySize + 1);
  sodium_bin2hex(reinterpret_cast<char*>(text.RevealMutable().data()), text.size(),
                 key.Reveal().data(), key.size());
  text.RevealMutable()[2 * kRootKeySize] = '\n';
  return CreateOwnerOnlyFile(path, text.Reveal());
}

}  // namespace cvault::keys
