// A storage backend: one vault's vault store and keystore (store.h), opened
// together, and the duties only some backends can do. The vault layer
// reaches storage only through this file and store.h; everything specific
// to one backend (file names, write-ahead logs, database keys, page cache)
// stays behind it.
//
// Optional capabilities are virtual functions whose default answers
// FailedPrecondition with reason code "not_supported", naming the backend
// and the duty; a backend overrides the ones it has.
//
// A Backend is used under the vault's lock, one thread at a time, and must
// outlive the transactions of its stores. A BackendSite is a plain
// description of where the stores live; neither is copyable.
#ifndef CVAULT_STORE_BACKEND_H_
#define CVAULT_STORE_BACKEND_H_

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cvault/options.h"
#include "cvault/secret_bytes.h"
#include "cvault/status.h"
#include "store/ledger_log.h"
#include "store/store.h"

namespace cvault::store {

// The database keys, for a backend that encrypts its databases itself (the
// embedded one); other backends ignore them. While a database rekey is
// under way the keyring holds pending keys too, and a database the rekey
// already moved opens under its pending key.
struct DatabaseKeys {
  const SecretBytes* vault = nullptr;
  const SecretBytes* keystore = nullptr;
  const SecretBytes* pending_vault = nullptr;     // null unless rekeying
  const SecretBytes* pending_keystore = nullptr;  // null unless rekeying
};

enum class Database { kVault, kKeyStore };

// "<duty> is not supported by the <backend> backend", with reason code
// "not_supported".
[[nodiscard]] Status NotSupported(std::string_view backend, std::string_view duty);

class Backend {
 public:
  virtual ~Backend() = default;
  Backend() = default;
  Backend(const Backend&) = delete;
  Backend& operator=(const Backend&) = delete;

  virtual std::string_view name() const = 0;
  virtual VaultStore& vault_store() = 0;
  virtual KeyStore& key_store() = 0;
  // The erasure ledger's log: shared by every process (and host) that opens
  // the vault, and out of reach of a restore of its databases.
  virtual LedgerLog& ledger_log() = 0;
  // True when `db` opened under its pending key (a rekey stopped part-way).
  virtual bool OpenedUnderPendingKey(Database db) const = 0;

  // Whether processes on other hosts may share the vault (a server
  // backend): the vault folder's record of open vaults then covers only
  // this host.
  virtual bool SharedAcrossHosts() const { return false; }

  // Whether the backend encrypts its databases under the keyring's database
  // keys (and so can rekey them).
  virtual bool EncryptsDatabases() const { return false; }

  // Optional capabilities; none may run with a transaction open.
  //
  // Re-encrypts `db` under `new_key`; the store keeps working under it.
  [[nodiscard]] virtual Status RekeyDatabase(Database db, const SecretBytes& new_key);
  // Writes a consistent copy of both databases (still encrypted as they are)
  // into the existing, empty folder `dir`; returns the names of the files
  // written. Other transactions may run meanwhile.
  [[nodiscard]] virtual StatusOr<std::vector<std::string>> CopyDatabasesTo(
      const std::filesystem::path& dir);
  // Makes content deleted so far unrecoverable from the backend's own logs
  // (the embedded backend's write-ahead files). Erasure calls it.
  [[nodiscard]] virtual Status ForgetDeletedContent();
  // Whether CheckPages reads the backend's own files (a server keeps and
  // checks its own pages: pg_amcheck, data checksums).
  virtual bool ChecksPages() const { return false; }
  // Reads every page of each database file: per file name, what is wrong
  // (an unreadable file is one line holding the error); a file missing from
  // the map is sound.
  [[nodiscard]] virtual StatusOr<std::map<std::string, std::vector<std::string>>> CheckPages();
};

class BackendSite {
 public:
  virtual ~BackendSite() = default;
  BackendSite() = default;
  BackendSite(const BackendSite&) = delete;
  BackendSite& operator=(const BackendSite&) = delete;

  virtual std::string_view name() const = 0;
  // Whether any of the vault's databases exists (Create refuses then).
  [[nodiscard]] virtual bool Exists() const = 0;
  // Creates empty stores (create) or opens existing ones. KeyFailure for
  // wrong keys; Integrity for damaged databases; NotFound (open) or
  // AlreadyExists (create) as store.h's factories say.
  [[nodiscard]] virtual StatusOr<std::unique_ptr<Backend>> Open(const DatabaseKeys& keys,
                                                                bool create) = 0;
  // Removes everything a failed Create made, so it can run again.
  virtual void DiscardCreated() = 0;

  // Optional: restoring copies made by Backend::CopyDatabasesTo. The names
  // of the files a copy holds.
  [[nodiscard]] virtual StatusOr<std::vector<std::string>> BackupFileNames() const;
  // Replaces the databases with the copies in `backup_dir` (checked by the
  // caller). REQUIRES: no process has the vault open.
  [[nodiscard]] virtual Status ReplaceDatabasesWith(const std::filesystem::path& backup_dir);
};

// The site `options` chooses (Options::store), for the vault in
// options.vault_dir.
[[nodiscard]] std::unique_ptr<BackendSite> SiteFor(const Options& options);

}  // namespace cvault::store

#endif  // CVAULT_STORE_BACKEND_H_
