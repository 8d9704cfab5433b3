#include "store/sqlcipher/keyed_connection.h"

#include <utility>

namespace cvault::store::sqlcipher {

KeyedConnection::KeyedConnection(std::unique_ptr<Connection> connection, SecretBytes key,
                                 const SqlcipherSettings& settings,
                                 const SchemaSpec& schema, std::string_view reopen_hint)
    : connection_(std::move(connection)),
      key_(std::move(key)),
      settings_(settings),
      schema_(schema),
      reopen_hint_(reopen_hint) {}

Status KeyedConnection::CheckConnected() const {
  if (connection_ != nullptr) return Status::Ok();
  return Status::FailedPrecondition(std::string(schema_.role) +
                                    " could not be reopened after a failed key "
                                    "change; " +
                                    reopen_hint_);
}

StatusOr<std::unique_ptr<Connection>> KeyedConnection::OpenAnother() const {
  CVAULT_RETURN_IF_ERROR(CheckConnected());
  return Connection::Open(connection_->file(), key_, /*create=*/false, settings_,
                          schema_.role);
}

Status KeyedConnection::Rekey(const SecretBytes& new_key) {
  CVAULT_RETURN_IF_ERROR(CheckConnected());
  Status rekeyed = connection_->Rekey(new_key);
  if (rekeyed.ok()) {
    key_ = new_key.Clone();
    return rekeyed;
  }
  const StatusCode code = rekeyed.code();
  if (code == StatusCode::kInvalidArgument || code == StatusCode::kFailedPrecondition) {
    return rekeyed;  // refused before anything changed
  }
  // The connection may now write under one key and read under the other
  // (connection.h): replace it, under whichever key the file opens with.
  // Rekey refuses an open transaction, so no live transaction holds the old
  // connection.
  CVAULT_ASSIGN_OR_RETURN(const bool took_new_key, Reconnect(new_key));
  return took_new_key ? Status::Ok() : rekeyed;
}

Status KeyedConnection::BackupTo(const std::filesystem::path& file) {
  CVAULT_RETURN_IF_ERROR(CheckConnected());
  return connection_->BackupTo(file, key_);
}

Status KeyedConnection::TruncateLog() {
  CVAULT_RETURN_IF_ERROR(CheckConnected());
  return connection_->CheckpointTruncate();
}

StatusOr<std::vector<std::string>> KeyedConnection::CheckPages() {
  CVAULT_RETURN_IF_ERROR(CheckConnected());
  return connection_->CheckPages();
}

StatusOr<bool> KeyedConnection::Reconnect(const SecretBytes& new_key) {
  const std::filesystem::path file = connection_->file();
  connection_.reset();
  auto reopened = OpenWithSchema(file, key_, /*create=*/false, settings_, schema_);
  if (reopened.has_value()) {
    connection_ = std::move(*reopened);
    return false;
  }
  if (reopened.error().code() != StatusCode::kKeyFailure) {
    return Error(reopened.error());
  }
  reopened = OpenWithSchema(file, new_key, /*create=*/false, settings_, schema_);
  if (!reopened.has_value()) return Error(reopened.error());
  connection_ = std::move(*reopened);
  key_ = new_key.Clone();
  return true;
}

}  // namespace cvault::store::sqlcipher
