// KeyedConnection: a store's Connection together with the database key and
// the settings it was opened with, and the maintenance calls every store
// offers on it (store.h, StoreMaintenance). The key is kept because BackupTo
// keys the copy with it and a failed Rekey reopens the file with it.
//
// A Rekey that fails after SQLCipher may have changed something replaces the
// connection, reopened under the old key or else the new one. If neither
// opens, no connection is left: CheckConnected() then fails with
// FailedPrecondition, naming the role and how to recover, for good.
//
// Move-only; not thread-safe (as its Connection): one thread at a time.
#ifndef CVAULT_STORE_SQLCIPHER_KEYED_CONNECTION_H_
#define CVAULT_STORE_SQLCIPHER_KEYED_CONNECTION_H_

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "cvault/secret_bytes.h"
#include "cvault/status.h"
#include "store/sqlcipher/connection.h"
#include "store/sqlcipher/migrations.h"
#include "store/sqlcipher/sqlcipher_store.h"

namespace cvault::store::sqlcipher {

class KeyedConnection {
 public:
  // `connection` was opened with `key`, `settings` and `schema` (through
  // OpenWithSchema), which a reconnect reuses. `reopen_hint` ends the
  // FailedPrecondition message once the connection is lost, e.g. "open the
  // vault again". REQUIRES: `connection` is not null; the views in `schema`
  // outlive this object.
  KeyedConnection(std::unique_ptr<Connection> connection, SecretBytes key,
                  const SqlcipherSettings& settings, const SchemaSpec& schema,
                  std::string_view reopen_hint);

  KeyedConnection(KeyedConnection&&) noexcept = default;
  KeyedConnection& operator=(KeyedConnection&&) noexcept = default;
  KeyedConnection(const KeyedConnection&) = delete;
  KeyedConnection& operator=(const KeyedConnection&) = delete;
  ~KeyedConnection() = default;

  // OK unless a failed Rekey left no connection.
  [[nodiscard]] Status CheckConnected() const;

  // REQUIRES: CheckConnected() is OK.
  Connection& connection() { return *connection_; }

  // Connection::Rekey; on success the new key is kept. InvalidArgument and
  // FailedPrecondition (a key of the wrong size, an open transaction) change
  // nothing. Any other failure reconnects: OK if the file opens only under
  // `new_key` (the change went through), the Rekey error if it still opens
  // under the old key, the open's error if it opens under neither.
  [[nodiscard]] Status Rekey(const SecretBytes& new_key);
  // Another connection to the same file under the current key and
  // settings (a reader for parallel read transactions).
  [[nodiscard]] StatusOr<std::unique_ptr<Connection>> OpenAnother() const;
  // Connection::BackupTo, keyed with the current key.
  [[nodiscard]] Status BackupTo(const std::filesystem::path& file);
  // Connection::CheckpointTruncate.
  [[nodiscard]] Status TruncateLog();
  // Connection::CheckPages.
  [[nodiscard]] StatusOr<std::vector<std::string>> CheckPages();

 private:
  // Closes the connection and opens the file again, under the old key or
  // else `new_key`; returns whether it was the new one. Leaves no connection
  // when neither opens.
  [[nodiscard]] StatusOr<bool> Reconnect(const SecretBytes& new_key);

  std::unique_ptr<Connection> connection_;  // null only after a failed Reconnect
  SecretBytes key_;
  SqlcipherSettings settings_;
  SchemaSpec schema_;
  std::string reopen_hint_;
};

}  // namespace cvault::store::sqlcipher

#endif  // CVAULT_STORE_SQLCIPHER_KEYED_CONNECTION_H_
