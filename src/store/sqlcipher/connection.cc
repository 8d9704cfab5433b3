#include "store/sqlcipher/connection.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>

#include "store/sqlcipher/errors.h"
#include "store/sqlcipher/sqlite_api.h"

namespace cvault::store::sqlcipher {
namespace {

// SQLCipher 3.4.1 settings, pinned so a library with other defaults cannot
// silently open (or create) the file differently. cipher_page_size is not
// stored in the file and must be set on every open, before the first read.
// kdf_iter does not apply to a raw key but is pinned anyway; fast_kdf_iter,
// the HMAC page-number encoding and salt mask derive the HMAC key. (3.4.1 has
// no cipher_hmac_algorithm or cipher_kdf_algorithm: HMAC-SHA1 and
// PBKDF2-HMAC-SHA1 are fixed; `PRAGMA cipher` is deprecated.)
// The page size kCipherSettings pins: the least a database file can hold.
constexpr std::uintmax_t kDatabasePageSize = 4096;

constexpr std::string_view kCipherSettings =
    "PRAGMA cipher_page_size = 4096;"
    "PRAGMA kdf_iter = 64000;"
    "PRAGMA fast_kdf_iter = 2;"
    "PRAGMA cipher_use_hmac = ON;"
    "PRAGMA cipher_hmac_pgno = le;"
    "PRAGMA cipher_hmac_salt_mask = \"x'3a'\";";

// Hex digit of a nibble without a table lookup or branch on the secret.
std::uint8_t HexDigit(unsigned nibble) {
  const int n = static_cast<int>(nibble);
  return static_cast<std::uint8_t>('0' + n +
                                   (((9 - n) >> 8) & ('a' - '0' - 10)));
}

// Builds SQLCipher's raw-key form x'<64 hex digits>' inside SecretBytes, so
// the key never sits in a std::string.
SecretBytes RawKeyLiteral(const SecretBytes& key) {
  const auto in = key.Reveal();
  SecretBytes literal(3 + 2 * in.size());
  auto out = literal.RevealMutable();
  out[0] = 'x';
  out[1] = '\'';
  for (std::size_t i = 0; i < in.size(); ++i) {
    out[2 + 2 * i] = HexDigit(in[i] >> 4);
    out[3 + 2 * i] = HexDigit(in[i] & 0x0f);
  }
  out[out.size() - 1] = '\'';
  return literal;
}

Status StatusFromErrno(int error, std::string_view role,
                       std::string_view action,
                       const std::filesystem::path& file) {
  const std::string message = std::string(role) + ": could not " +
                              std::string(action) + " at " + file.string() +
                              ": " + std::strerror(error);
  if (error == EEXIST) return Status::AlreadyExists(message);
  if (error == ENOENT) return Status::NotFound(message);
  return Status::Unavailable(message);
}

// Makes an empty file with mode 0600 that SQLite then initialises. O_EXCL
// makes "must not exist" race-free; O_NOFOLLOW refuses a planted symlink.
Status CreateEmptyPrivateFile(const std::filesystem::path& file,
                              std::string_view role) {
  for (const char* suffix : {"-wal", "-shm", "-journal"}) {
    std::filesystem::path leftover = file;
    leftover += suffix;
    std::error_code ec;
    if (std::filesystem::exists(
            std::filesystem::symlink_status(leftover, ec))) {
      return Status::FailedPrecondition(
          std::string(role) + ": a leftover " + leftover.string() +
          " exists without its database; remove it before creating one");
    }
  }
  const int fd =
      ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
             S_IRUSR | S_IWUSR);
  if (fd < 0) {
    const int error = errno;
    if (error == EEXIST) {
      return Status::AlreadyExists(std::string(role) + " already exists at " +
                                   file.string());
    }
    return StatusFromErrno(error, role, "create the file", file);
  }
  // The umask can only remove bits; fchmod makes the mode exact anyway.
  const int chmod_result = ::fchmod(fd, S_IRUSR | S_IWUSR);
  const int chmod_error = errno;
  ::close(fd);
  if (chmod_result != 0) {
    return StatusFromErrno(chmod_error, role, "set mode 0600", file);
  }
  return Status::Ok();
}

// The maintenance calls need the connection idle: a rekey or checkpoint
// cannot run inside a transaction, and a backup would copy its snapshot.
Status CheckNoTransaction(const Connection& connection, std::string_view action) {
  if (!connection.in_transaction()) return Status::Ok();
  return Status::FailedPrecondition(connection.role() + ": cannot " +
                                    std::string(action) +
                                    " while a transaction is open; commit or "
                                    "destroy it first");
}

}  // namespace

void RemoveDatabaseFiles(const std::filesystem::path& file) {
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    std::filesystem::path part = file;
    part += suffix;
    std::error_code ignored;
    std::filesystem::remove(part, ignored);
  }
}

void Connection::Closer::operator()(sqlite3* db) const noexcept {
  sqlite3_close_v2(db);
}

Connection::Connection(sqlite3* db, std::filesystem::path file, std::string_view role)
    : db_(db), file_(std::move(file)), role_(role) {
  const std::string named = " (" + file_.filename().string() + ")";
  if (!role_.ends_with(named)) role_ += named;
}

Connection::~Connection() = default;

StatusOr<std::unique_ptr<Connection>> Connection::Open(
    const std::filesystem::path& file, const SecretBytes& key, bool create,
    const SqlcipherSettings& settings, std::string_view role) {
  if (key.size() != kSqlcipherKeySize) {
    return Error(
        Status::InvalidArgument(std::string(role) + " key must be exactly " +
                                std::to_string(kSqlcipherKeySize) + " bytes"));
  }
  if (create) {
    CVAULT_RETURN_IF_ERROR(CreateEmptyPrivateFile(file, role));
    auto created = OpenExisting(file, key, settings, role);
    if (!created.has_value()) RemoveDatabaseFiles(file);
    return created;
  }
  std::error_code ec;
  const auto file_status = std::filesystem::status(file, ec);
  if (!std::filesystem::exists(file_status)) {
    if (ec && ec != std::errc::no_such_file_or_directory) {
      return Error(StatusFromErrno(ec.value(), role, "inspect the file", file));
    }
    return Error(
        Status::NotFound(std::string(role) + " not found at " + file.string()));
  }
  if (!std::filesystem::is_regular_file(file_status)) {
    return Error(Status::FailedPrecondition(
        std::string(role) + " at " + file.string() + " is not a regular file"));
  }
  // SQLite would quietly take a file shorter than one page for a new, empty
  // database (and WAL mode would write its header over it). Every database
  // cvault made holds at least its first page, so the file was emptied or
  // cut short: a damaged file, whose repair is a restore. (`init` is no
  // way out: it refuses while the keyring exists.)
  const std::uintmax_t size = std::filesystem::file_size(file, ec);
  if (!ec && size < kDatabasePageSize) {
    return Error(Status::Integrity(
        std::string(role) + " at " + file.string() + " is " + std::to_string(size) +
        " bytes long, shorter than one database page: it was emptied or truncated. "
        "Restore the vault from a backup (`cvault restore --from DIR`); without one, "
        "move the vault folder and the keyring aside and run `cvault init` for a new, "
        "empty vault"));
  }
  return OpenExisting(file, key, settings, role);
}

StatusOr<std::unique_ptr<Connection>> Connection::OpenExisting(
    const std::filesystem::path& file, const SecretBytes& key,
    const SqlcipherSettings& settings, std::string_view role) {
  sqlite3* raw = nullptr;
  // No SQLITE_OPEN_CREATE: the file exists (or was just made with mode 0600).
  const int rc = sqlite3_open_v2(
      file.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
  // Owned at once: a failed open still returns a handle to close.
  std::unique_ptr<Connection> connection(new Connection(raw, file, role));
  if (rc != SQLITE_OK) {
    return Error(StatusFromSqlite(rc, role, "open the file " + file.string()));
  }
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, static_cast<int>(std::min<std::uint32_t>(
                                settings.busy_timeout_ms, 1u << 30)));
  CVAULT_RETURN_IF_ERROR(connection->ApplyKeyAndCipherSettings(key));
  CVAULT_RETURN_IF_ERROR(connection->ApplyConnectionSettings(settings));
  return connection;
}

Status Connection::ApplyKeyAndCipherSettings(const SecretBytes& key) {
  {
    const SecretBytes literal = RawKeyLiteral(key);
    const auto text = literal.Reveal();
    const int rc =
        sqlite3_key(db_.get(), text.data(), static_cast<int>(text.size()));
    if (rc != SQLITE_OK)
      return StatusFromSqlite(rc, role_, "set the database key");
  }
  // Plain SQLite answers no row here and would ignore the key: refuse to
  // store anything unencrypted.
  CVAULT_ASSIGN_OR_RETURN(
      const std::string version,
      QueryText("PRAGMA cipher_version", "check SQLCipher"));
  if (version.empty()) {
    return Status::Internal(role_ +
                            ": the SQLite library in use is not SQLCipher; "
                            "refusing to open an unencrypted database");
  }
  CVAULT_RETURN_IF_ERROR(Execute(kCipherSettings, "pin the cipher settings"));
  // The first read: a wrong key or page size fails here with SQLITE_NOTADB.
  CVAULT_ASSIGN_OR_RETURN(const std::string ignored,
                          QueryText("SELECT count(*) FROM sqlite_master",
                                    "verify the database key"));
  static_cast<void>(ignored);
  return Status::Ok();
}

Status Connection::ApplyConnectionSettings(const SqlcipherSettings& settings) {
  CVAULT_ASSIGN_OR_RETURN(
      const std::string journal_mode,
      QueryText("PRAGMA journal_mode = WAL", "switch to WAL mode"));
  if (journal_mode != "wal") {
    return Status::Unavailable(role_ + ": could not switch " + file_.string() +
                               " to WAL mode (it stayed in '" + journal_mode +
                               "' mode)");
  }
  std::string pragmas = settings.durability == Durability::kFull
                            ? "PRAGMA synchronous = FULL;"
                            : "PRAGMA synchronous = NORMAL;";
  pragmas +=
      "PRAGMA foreign_keys = ON;"
      "PRAGMA secure_delete = ON;"
      "PRAGMA temp_store = MEMORY;";
  if (settings.cache_kib != 0) {
    pragmas +=
        "PRAGMA cache_size = -" + std::to_string(settings.cache_kib) + ";";
  }
  return Execute(pragmas, "apply the connection settings");
}

StatusOr<std::string> Connection::QueryText(std::string_view sql,
                                            std::string_view action) {
  CVAULT_ASSIGN_OR_RETURN(auto statement,
                          Statement::Prepare(db_.get(), sql, role_));
  CVAULT_ASSIGN_OR_RETURN(const bool has_row, statement->Step(action));
  if (!has_row) return std::string();
  return statement->ColumnText(0);
}

Status Connection::Execute(std::string_view sql, std::string_view action) {
  const std::string terminated(sql);
  const int rc =
      sqlite3_exec(db_.get(), terminated.c_str(), nullptr, nullptr, nullptr);
  if (rc == SQLITE_OK) return Status::Ok();
  return StatusFromSqlite(sqlite3_extended_errcode(db_.get()), role_, action);
}

StatusOr<StatementLease> Connection::Prepare(std::string_view sql) {
  auto it = statements_.find(std::string(sql));
  if (it == statements_.end()) {
    CVAULT_ASSIGN_OR_RETURN(auto statement,
                            Statement::Prepare(db_.get(), sql, role_));
    it = statements_
             .emplace(std::string(sql),
                      CachedStatement{std::move(statement), false})
             .first;
  }
  if (it->second.in_use) {
    return Error(Status::Internal(
        role_ + ": a cached statement was used twice at once (a bug)"));
  }
  it->second.in_use = true;
  return StatementLease(it->second.statement.get(), &it->second.in_use);
}

std::int64_t Connection::changes() const { return sqlite3_changes(db_.get()); }

bool Connection::in_transaction() const {
  return sqlite3_get_autocommit(db_.get()) == 0;
}

Status Connection::Rekey(const SecretBytes& new_key) {
  if (new_key.size() != kSqlcipherKeySize) {
    return Status::InvalidArgument(role_ + " key must be exactly " +
                                   std::to_string(kSqlcipherKeySize) + " bytes");
  }
  CVAULT_RETURN_IF_ERROR(CheckNoTransaction(*this, "change the database key"));
  {
    // sqlite3_rekey is what PRAGMA rekey = "x'...'" runs, minus SQL text:
    // the hex form lives only in the SecretBytes (and SQLCipher's own
    // buffers, which it wipes), never in a parser token.
    const SecretBytes literal = RawKeyLiteral(new_key);
    const auto text = literal.Reveal();
    const int rc = sqlite3_rekey(db_.get(), text.data(), static_cast<int>(text.size()));
    if (rc != SQLITE_OK) {
      return StatusFromSqlite(rc, role_, "change the database key");
    }
  }
  // SQLCipher 3.4.1 answers SQLITE_OK even when rewriting the pages failed
  // and was rolled back, so only opening the file anew tells whether every
  // page is now under the new key.
  StatusOr<std::unique_ptr<Connection>> check =
      OpenExisting(file_, new_key, SqlcipherSettings{}, role_);
  if (!check.has_value()) {
    return Status::Unavailable(
        role_ +
        ": the database key could not be changed (another connection "
        "may hold the write lock, or a write failed); close this "
        "connection, reopen the database and retry");
  }
  check->reset();  // closed before the checkpoint below
  // Moves the re-encrypted pages into the main file and drops the frames
  // still under the old key. Best effort: the rekey is complete without it,
  // and a later checkpoint does the same.
  static_cast<void>(CheckpointTruncate());
  return Status::Ok();
}

Status Connection::BackupTo(const std::filesystem::path& file, const SecretBytes& key) {
  CVAULT_RETURN_IF_ERROR(CheckNoTransaction(*this, "back up the database"));
  const std::string backup_role = "backup of the " + role_;
  // Made like a new database: 0600, O_EXCL (AlreadyExists), the same key
  // and pinned cipher settings, so the page size and reserve match and
  // sqlite3_backup can copy page by page.
  CVAULT_ASSIGN_OR_RETURN(
      std::unique_ptr<Connection> destination,
      Open(file, key, /*create=*/true, SqlcipherSettings{}, backup_role));
  sqlite3_backup* backup =
      sqlite3_backup_init(destination->db_.get(), "main", db_.get(), "main");
  Status copied = Status::Ok();
  if (backup == nullptr) {
    copied = StatusFromSqlite(sqlite3_extended_errcode(destination->db_.get()),
                              backup_role, "start the backup");
  } else {
    // One step copies every page under a single read transaction: a
    // consistent snapshot, while writers on other connections go on (WAL).
    const int step = sqlite3_backup_step(backup, -1);
    const int finish = sqlite3_backup_finish(backup);
    if (step != SQLITE_DONE) {
      copied = StatusFromSqlite(step, role_, "copy the database into the backup");
    } else if (finish != SQLITE_OK) {
      copied = StatusFromSqlite(finish, backup_role, "finish the backup");
    }
  }
  // Closing the only connection to the copy checkpoints its log into it.
  destination.reset();
  if (!copied.ok()) RemoveDatabaseFiles(file);
  return copied;
}

Status Connection::CheckpointTruncate() {
  CVAULT_RETURN_IF_ERROR(CheckNoTransaction(*this, "checkpoint the write-ahead log"));
  CVAULT_ASSIGN_OR_RETURN(
      auto checkpoint,
      Statement::Prepare(db_.get(), "PRAGMA wal_checkpoint(TRUNCATE)", role_));
  CVAULT_ASSIGN_OR_RETURN(const bool has_row,
                          checkpoint->Step("checkpoint the write-ahead log"));
  // The row is (busy, log frames, checkpointed frames).
  if (has_row && checkpoint->ColumnInt64(0) != 0) {
    return Status::Busy(role_ +
                        ": the write-ahead log could not be checkpointed and "
                        "truncated: another connection is reading or writing; "
                        "retry later");
  }
  return Status::Ok();
}

StatusOr<std::vector<std::string>> Connection::CheckPages() {
  CVAULT_RETURN_IF_ERROR(CheckNoTransaction(*this, "check every page"));
  CVAULT_ASSIGN_OR_RETURN(auto check,
                          Statement::Prepare(db_.get(), "PRAGMA integrity_check(100)", role_));
  std::vector<std::string> problems;
  while (true) {
    CVAULT_ASSIGN_OR_RETURN(const bool has_row, check->Step("check every page"));
    if (!has_row) break;
    std::string line = check->ColumnText(0);
    if (line != "ok") problems.push_back(std::move(line));
  }
  return problems;
}

std::string_view Connection::last_error_message() const {
  return sqlite3_errmsg(db_.get());
}

}  // namespace cvault::store::sqlcipher
