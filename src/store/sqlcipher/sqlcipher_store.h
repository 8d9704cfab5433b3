// Factories for the SQLCipher (embedded) implementation of the store: the
// vault database (customers, audit log, checkpoints, consent events,
// notices) and the keystore database (wrapped per-subject data keys), each
// its own encrypted file.
//
// Each file is keyed with a raw 256-bit key (no PBKDF2 on open) and opened
// with settings pinned explicitly, in WAL mode. Schema changes are numbered
// migrations applied at open.
//
// The returned stores follow store.h: used by one thread at a time, and they
// must outlive the transactions they hand out.
#ifndef CVAULT_STORE_SQLCIPHER_SQLCIPHER_STORE_H_
#define CVAULT_STORE_SQLCIPHER_SQLCIPHER_STORE_H_

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>

#include "cvault/options.h"
#include "cvault/secret_bytes.h"
#include "cvault/status.h"
#include "store/store.h"

namespace cvault::store {

// The size of a database key, in bytes.
inline constexpr std::size_t kSqlcipherKeySize = 32;

// The newest schema versions this code knows.
inline constexpr int kVaultSchemaVersion = 9;
inline constexpr int kKeyStoreSchemaVersion = 1;

// How a connection is tuned. A plain struct; copyable.
struct SqlcipherSettings {
  // Page cache per connection, in KiB (PRAGMA cache_size = -cache_kib).
  // 0 keeps SQLite's default.
  std::uint32_t cache_kib = 8192;
  // synchronous = FULL (kFull) or NORMAL (kNormal).
  Durability durability = Durability::kFull;
  // How long a statement waits for another connection's lock before failing
  // with Unavailable.
  std::uint32_t busy_timeout_ms = 5000;
};

// What a SQLCipher database file can do beyond the generic store contract:
// the embedded backend's optional capabilities (store/backend.h). Each runs
// with no transaction of this store open.
class SqlcipherFile {
 public:
  virtual ~SqlcipherFile() = default;
  // Re-encrypts the database under `new_key` (PRAGMA rekey); the store keeps
  // working under it.
  [[nodiscard]] virtual Status Rekey(const SecretBytes& new_key) = 0;
  // A consistent copy of the database, encrypted under the same key, written
  // to `file` (AlreadyExists if present; mode 0600); other transactions may
  // run meanwhile.
  [[nodiscard]] virtual Status BackupTo(const std::filesystem::path& file) = 0;
  // Checkpoints the write-ahead log into the database and truncates it, so
  // deleted content no longer lingers in the WAL file.
  [[nodiscard]] virtual Status TruncateLog() = 0;
  // Reads every page and checks the file's structure (Connection::
  // CheckPages): what is wrong, empty when sound.
  [[nodiscard]] virtual StatusOr<std::vector<std::string>> CheckPages() = 0;
};

class SqlcipherVaultStore : public VaultStore, public SqlcipherFile {};
class SqlcipherKeyStore : public KeyStore, public SqlcipherFile {};

// Opens (create = false) or creates (create = true) the vault database at
// `file`, keyed with `key` (exactly kSqlcipherKeySize bytes).
//   create = true:  AlreadyExists if `file` exists; the file is made with
//                   mode 0600 and removed again if creation fails.
//   create = false: NotFound if `file` does not exist.
// KeyFailure for a wrong key or a file that is not a cvault database;
// Integrity for a corrupted one; FailedPrecondition for a schema newer than
// this code, or a keystore file opened as a vault.
[[nodiscard]] StatusOr<std::unique_ptr<SqlcipherVaultStore>> OpenSqlcipherVaultStore(
    const std::filesystem::path& file, const SecretBytes& key, bool create,
    const SqlcipherSettings& settings = {});

// As OpenSqlcipherVaultStore, for the keystore database.
[[nodiscard]] StatusOr<std::unique_ptr<SqlcipherKeyStore>> OpenSqlcipherKeyStore(
    const std::filesystem::path& file, const SecretBytes& key, bool create,
    const SqlcipherSettings& settings = {});

}  // namespace cvault::store

#endif  // CVAULT_STORE_SQLCIPHER_SQLCIPHER_STORE_H_
