// The embedded backend: a vault's two SQLCipher files, vault.db (customers,
// consent, cases, audit log) and keystore.db (wrapped data keys), in the
// vault folder, each under its own raw 256-bit key from the keyring, in WAL
// mode. It has every optional capability of store/backend.h: rekey, file
// copies for backups, and write-ahead-log truncation after deletions.
//
// Not copyable; used as backend.h says.
#ifndef CVAULT_STORE_SQLCIPHER_EMBEDDED_BACKEND_H_
#define CVAULT_STORE_SQLCIPHER_EMBEDDED_BACKEND_H_

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "store/backend.h"
#include "store/sqlcipher/sqlcipher_store.h"

namespace cvault::store {

inline constexpr char kEmbeddedVaultFile[] = "vault.db";
inline constexpr char kEmbeddedKeyStoreFile[] = "keystore.db";
// The erasure ledger's log (store/ledger_log.h), beside the databases.
inline constexpr char kEmbeddedLedgerFile[] = "erasure-ledger.jsonl";

class EmbeddedSite final : public BackendSite {
 public:
  EmbeddedSite(std::filesystem::path dir, SqlcipherSettings settings)
      : dir_(std::move(dir)), settings_(settings) {}

  std::string_view name() const override { return "embedded"; }
  bool Exists() const override;
  // Tries each database's current key, then its pending one (a rekey
  // interrupted between its keyring saves leaves either).
  StatusOr<std::unique_ptr<Backend>> Open(const DatabaseKeys& keys, bool create) override;
  void DiscardCreated() override;
  StatusOr<std::vector<std::string>> BackupFileNames() const override;
  // Each file is copied beside its target and renamed over it, after the
  // target's -wal and -shm files are removed.
  Status ReplaceDatabasesWith(const std::filesystem::path& backup_dir) override;

 private:
  std::filesystem::path dir_;
  SqlcipherSettings settings_;
};

}  // namespace cvault::store

#endif  // CVAULT_STORE_SQLCIPHER_EMBEDDED_BACKEND_H_
