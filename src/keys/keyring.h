// The keyring: the vault's long-lived keys, sealed in one file
// (<keys_dir>/keyring.cvk) under a root key from a passphrase, key file or
// raw key (see keys/root_key.h and docs/key-management.md).
//
// It holds random, versioned keys: key-encryption keys (KEKs) that wrap the
// per-customer data keys, the SQLCipher keys of the vault and keystore
// databases, the blind-index root key, the audit signing seed, plus a vault
// id, a development flag and the creation time.
#ifndef CVAULT_KEYS_KEYRING_H_
#define CVAULT_KEYS_KEYRING_H_

#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>
#include <utility>

#include "cvault/options.h"
#include "cvault/secret_bytes.h"
#include "cvault/status.h"
#include "keys/keyring_contents.h"

namespace cvault::keys {

inline constexpr char kKeyringFileName[] = "keyring.cvk";

// Move-only; changed only through the named mutators (Reseal, Save and the
// rotation calls below). Not thread-safe for mutation; concurrent const
// access is safe. References returned by the accessors live as long as the
// Keyring object they came from (not a moved-from one) and, for a versioned
// or pending key, until that key is retired or promoted (RetireKek,
// RetireBlindIndexRoot, FinishDbRekey).
class Keyring {
 public:
  // Generates every key, seals them under `root` and writes
  // <keys_dir>/keyring.cvk (keys_dir is created 0700 if missing).
  //   AlreadyExists   - a keyring file is already there.
  //   InvalidArgument - no root key given, or an empty passphrase.
  //   KeyFailure      - an unusable key file or raw key.
  [[nodiscard]] static StatusOr<Keyring> Create(const std::filesystem::path& keys_dir,
                                                const RootKeySource& root,
                                                PassphraseCost cost, bool development,
                                                std::int64_t now_us);

  // Reads and unseals <keys_dir>/keyring.cvk.
  //   NotFound   - no keyring file ("run `cvault init` first").
  //   KeyFailure - wrong passphrase or key file (or an altered file), a root
  //                key of the other kind, or a file readable or writable by
  //                group or others.
  //   Integrity  - a malformed or truncated file.
  [[nodiscard]] static StatusOr<Keyring> Open(const std::filesystem::path& keys_dir,
                                              const RootKeySource& root);

  Keyring(Keyring&&) noexcept = default;
  Keyring& operator=(Keyring&&) noexcept = default;
  Keyring(const Keyring&) = delete;
  Keyring& operator=(const Keyring&) = delete;

  // Seals the same keys under `new_root` (a fresh salt for a passphrase) and
  // atomically replaces <keys_dir>/keyring.cvk. Nothing else changes: no data
  // is re-encrypted. Copies of the old file still open with the old root key.
  // REQUIRES: keys_dir is the directory this keyring was opened from.
  [[nodiscard]] Status Reseal(const std::filesystem::path& keys_dir,
                              const RootKeySource& new_root, PassphraseCost cost);

  // Seals the current contents under `root` and atomically replaces
  // <keys_dir>/keyring.cvk (what every mutator below needs to persist).
  [[nodiscard]] Status Save(const std::filesystem::path& keys_dir,
                            const RootKeySource& root, PassphraseCost cost) const;

  // KEK rotation. AddKek generates a KEK with the next version and makes it
  // primary; returns the version. RetireKek drops a KEK nothing is wrapped
  // under any more: FailedPrecondition for the primary, NotFound if unknown.
  std::uint32_t AddKek();
  [[nodiscard]] Status RetireKek(std::uint32_t version);
  // Takes back an AddKek that could not be saved: `previous_primary` is
  // primary again and `added` is gone. FailedPrecondition if
  // previous_primary is not held (or is `added`).
  [[nodiscard]] Status UndoAddKek(std::uint32_t added, std::uint32_t previous_primary);
  std::vector<std::uint32_t> kek_versions() const;  // ascending

  // Blind-index rotation. AddBlindIndexRoot generates the next version
  // without making it current; SetBlindIndexVersion makes a held version
  // current (NotFound if unknown); RetireBlindIndexRoot drops a version
  // (FailedPrecondition for the current one, NotFound if unknown).
  std::uint32_t AddBlindIndexRoot();
  [[nodiscard]] Status SetBlindIndexVersion(std::uint32_t version);
  [[nodiscard]] Status RetireBlindIndexRoot(std::uint32_t version);
  const SecretBytes* blind_index_root(std::uint32_t version) const;  // nullptr if unknown
  std::vector<std::uint32_t> blind_index_versions() const;           // ascending

  // Database rekey, crash-safe in two saves: BeginDbRekey generates pending
  // keys for both databases (replacing any earlier pending ones); after the
  // databases are rekeyed, FinishDbRekey makes them current and forgets the
  // old ones (FailedPrecondition when nothing is pending).
  void BeginDbRekey();
  [[nodiscard]] Status FinishDbRekey();
  // Forgets pending keys that could not be saved (nothing used them yet).
  void CancelDbRekey();
  const SecretBytes* pending_vault_db_key() const;     // nullptr if none
  const SecretBytes* pending_keystore_db_key() const;  // nullptr if none

  // 32 bytes keying the erasure ledger's pseudonyms and MACs. Never rotated:
  // the ledger must recognise customers erased years ago.
  const SecretBytes& erasure_ledger_key() const { return contents_.erasure_ledger_key; }

  // SQLCipher keys (32 bytes each).
  const SecretBytes& vault_db_key() const { return contents_.vault_db_key; }
  const SecretBytes& keystore_db_key() const { return contents_.keystore_db_key; }

  // The current blind-index root key (32 bytes) and its version.
  const SecretBytes& blind_index_root() const;
  std::uint32_t blind_index_version() const { return contents_.blind_index_version; }

  // The current Ed25519 audit signing seed (32 bytes) and its version.
  const SecretBytes& audit_signing_seed() const;
  std::uint32_t audit_signing_version() const { return contents_.audit_signing_version; }

  // The KEK new data keys are wrapped under, and any KEK by version
  // (nullptr if unknown).
  std::uint32_t primary_kek_version() const { return contents_.primary_kek_version; }
  const SecretBytes* kek(std::uint32_t version) const;

  // 16 random bytes naming this vault.
  std::span<const std::uint8_t> vault_id() const { return contents_.vault_id; }
  // Created for development or a demo (Options::development_keyring).
  bool development() const { return contents_.development; }
  std::int64_t created_at_us() const { return contents_.created_at_us; }

 private:
  explicit Keyring(KeyringContents contents) : contents_(std::move(contents)) {}

  KeyringContents contents_;
};

}  // namespace cvault::keys

#endif  // CVAULT_KEYS_KEYRING_H_
