// cvault::Options: how to open or create a vault. A plain struct; every field
// has a default. Move-only (it may hold a passphrase or raw root key).
#ifndef CVAULT_OPTIONS_H_
#define CVAULT_OPTIONS_H_

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "cvault/clock.h"
#include "cvault/erasure.h"
#include "cvault/refund.h"
#include "cvault/secret_bytes.h"

namespace cvault {

// How much an operational log line matters.
enum class LogLevel { kDebug, kInfo, kWarning, kError };

// Receives the vault's operational log, one finished line per call (no
// trailing newline). Called from whichever thread made the vault call, so it
// must be thread-safe; it must not call back into the vault. A line never
// holds a field value, key or passphrase.
using LogFn = std::function<void(LogLevel level, std::string_view line)>;

// Where the root key that seals the keyring comes from.
struct Passphrase {
  SecretBytes text;  // stretched with Argon2id
};
struct KeyFile {
  std::filesystem::path path;  // 32 raw bytes or 64 hex digits; mode 0600
};
struct RawRootKey {
  SecretBytes key;  // exactly 32 bytes
};
using RootKeySource = std::variant<std::monostate, Passphrase, KeyFile, RawRootKey>;

// Argon2id cost for a passphrase-sealed keyring, chosen at creation and
// recorded in the keyring file.
enum class PassphraseCost {
  kModerate,     // crypto_pwhash MODERATE (256 MiB, ~0.4-1 s): the default
  kInteractive,  // crypto_pwhash INTERACTIVE (64 MiB)
  kTestingOnly,  // crypto_pwhash MIN: fast and weak, for tests only
};

// When an audit entry counts as durable before the call that made it returns.
enum class Durability {
  kFull,    // SQLite synchronous=FULL: survives power loss (fsync per commit)
  kNormal,  // synchronous=NORMAL in WAL: survives a crash of the process
};

// The embedded backend (the default): the vault's data in two SQLCipher
// files in Options::vault_dir, vault.db (customers, consent, cases, audit
// log) and keystore.db (wrapped data keys). A plain struct.
struct EmbeddedStore {
  // Database page cache per connection, in KiB.
  std::uint32_t cache_kib = 8192;
};

// The PostgreSQL backend, for several hosts sharing one vault
// (docs/scaling.md). The server holds only what the library already
// encrypted or pseudonymised: ciphertext, blind indexes, pseudonyms, wrapped
// keys. Three schemas: `schema` (customers, consent, cases, audit log),
// `<schema>_keys` (wrapped data keys; in the database of `keystore_dsn` when
// set, so it can be backed up on its own cycle) and `<schema>_ledger` (the
// erasure ledger, which a restore of the other two must never rewind).
// Options::vault_dir stays a local folder on each host (the record of which
// processes there have the vault open). A plain struct.
struct PostgresStore {
  // A libpq connection string (keyword/value or URI); TLS settings such as
  // sslmode and sslrootcert pass through. Prefer a password file (PGPASSFILE)
  // to a password in the string.
  std::string dsn;
  // The keystore's connection string; empty for `dsn`.
  std::string keystore_dsn;
  // Lower-case letters, digits and '_', starting with a letter, at most 40.
  std::string schema = "cvault";
  // Connections each of the three stores opens at most.
  std::uint32_t pool_size = 8;
  // How long a write waits for the vault's write lock (one writer at a time
  // across all hosts) before failing with Busy.
  std::uint32_t lock_timeout_ms = 5000;
};

// Which storage backend holds the vault's data.
using StoreChoice = std::variant<EmbeddedStore, PostgresStore>;

struct Options {
  // The vault's folder: the embedded backend's database files, the erasure
  // ledger and the record of which processes have the vault open. Created
  // by Vault::Create.
  std::filesystem::path vault_dir = "vault";
  // Where the data lives (docs/architecture.md, "Storage backends").
  StoreChoice store;
  // Folder holding keyring.cvk, the sealed keyring. Must not be readable by
  // group or others.
  std::filesystem::path keys_dir = "keys";
  // Required: what unseals (or, for Create, seals) the keyring.
  RootKeySource root_key;
  // Argon2id cost when Create seals a keyring with a passphrase.
  PassphraseCost passphrase_cost = PassphraseCost::kModerate;
  // Create marks the keyring "development only"; opening one logs a warning.
  bool development_keyring = false;
  // Time source; the system UTC clock when null.
  std::shared_ptr<Clock> clock;
  // Operational log, every level; discarded when empty. Never receives
  // field values, keys or passphrases.
  LogFn log;
  // A signed audit checkpoint is written every this many entries (0 means
  // 1), and also, when an entry is appended or the vault closes, once the
  // newest checkpoint (written by any process) is `checkpoint_interval` old
  // and the log has grown since. So short-lived processes (one tool call
  // each) add no checkpoint per call. A zero interval checkpoints at every
  // close.
  std::uint64_t checkpoint_every = 1000;
  std::chrono::seconds checkpoint_interval{300};
  Durability durability = Durability::kFull;
  // The access policy (TOML, docs/policy.md). The built-in default policy
  // when unset. A file that does not load fails Open/Create; there is no
  // silent fallback.
  std::optional<std::filesystem::path> policy_file;
  // The refund policy's timeframes and business-day service levels.
  RefundPolicyOptions refund_policy;
  // How long erased customers' financial records are kept (cvault/erasure.h).
  RetentionOptions retention;
};

}  // namespace cvault

#endif  // CVAULT_OPTIONS_H_
