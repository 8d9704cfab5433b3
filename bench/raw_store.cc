#include "bench/raw_store.h"

#include <fmt/format.h>

#include <array>
#include <fstream>
#include <utility>

#include "cvault/secret_bytes.h"

namespace cvault::bench {
namespace {

// The vault's default page cache (EmbeddedStore::cache_kib).
constexpr std::uint32_t kCacheKib = 8192;


}  // namespace

SecretBytes RawKeyLiteral(const SecretBytes& key) {
  constexpr char kHex[] = "0123456789abcdef";
  const auto in = key.Reveal();
  SecretBytes literal(3 + 2 * in.size());
  auto out = literal.RevealMutable();
  out[0] = 'x';
  out[1] = '\'';
  for (std::size_t i = 0; i < in.size(); ++i) {
    out[2 + 2 * i] = static_cast<std::uint8_t>(kHex[in[i] >> 4]);
    out[3 + 2 * i] = static_cast<std::uint8_t>(kHex[in[i] & 0x0f]);
  }
  out[out.size() - 1] = '\'';
  return literal;
}

void BindText(sqlite3_stmt* s, int index, std::string_view text) {
  sqlite3_bind_text(s, index, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
}

void BindBlob(sqlite3_stmt* s, int index, std::span<const std::uint8_t> bytes) {
  sqlite3_bind_blob(s, index, bytes.data(), static_cast<int>(bytes.size()),
                    SQLITE_STATIC);
}

std::string ColumnText(sqlite3_stmt* s, int column) {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(s, column));
  if (text == nullptr) return "";
  return std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(s, column)));
}

StatusOr<std::unique_ptr<RawStore>> RawStore::Create(const std::filesystem::path& file,
                                                     Durability durability,
                                                     std::string_view schema_sql) {
  if (std::filesystem::exists(file)) {
    return Error(
        Status::AlreadyExists("baseline database already exists: " + file.string()));
  }
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(
      file.c_str(), &raw,
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  std::unique_ptr<RawStore> store(new RawStore(raw, file));
  if (rc != SQLITE_OK) return Error(store->Failure("open the baseline database"));
  {
    const SecretBytes key = SecretBytes::Random(32);
    const SecretBytes literal = RawKeyLiteral(key);
    const auto text = literal.Reveal();
    if (sqlite3_key(raw, text.data(), static_cast<int>(text.size())) != SQLITE_OK) {
      return Error(store->Failure("key the baseline database"));
    }
  }
  CVAULT_RETURN_IF_ERROR(store->Exec("PRAGMA cipher_page_size = 4096;"));
  CVAULT_RETURN_IF_ERROR(store->Exec("PRAGMA journal_mode = WAL;"));
  CVAULT_RETURN_IF_ERROR(store->Exec(fmt::format(
      "PRAGMA synchronous = {}; PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON;"
      "PRAGMA temp_store = MEMORY; PRAGMA cache_size = -{};",
      durability == Durability::kFull ? "FULL" : "NORMAL", kCacheKib)));
  CVAULT_RETURN_IF_ERROR(store->Exec(std::string(schema_sql)));
  CVAULT_ASSIGN_OR_RETURN(store->begin_, store->Prepare("BEGIN IMMEDIATE"));
  CVAULT_ASSIGN_OR_RETURN(store->commit_, store->Prepare("COMMIT"));
  CVAULT_ASSIGN_OR_RETURN(store->rollback_, store->Prepare("ROLLBACK"));
  return store;
}

RawStore::RawStore(sqlite3* db, std::filesystem::path file)
    : db_(db), file_(std::move(file)) {}

RawStore::~RawStore() {
  begin_.reset();
  commit_.reset();
  rollback_.reset();
  sqlite3_close_v2(db_);
}

Status RawStore::Failure(std::string_view what) const {
  return Status::Unavailable(
      fmt::format("baseline: cannot {}: {}", what,
                  db_ != nullptr ? sqlite3_errmsg(db_) : "no memory"));
}

Status RawStore::Exec(const std::string& sql) {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    std::string text = message != nullptr ? message : "unknown error";
    sqlite3_free(message);
    return Status::Unavailable("baseline: statement failed: " + text);
  }
  return Status::Ok();
}

StatusOr<RawStatement> RawStore::Prepare(std::string_view sql) {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &s, nullptr) !=
      SQLITE_OK) {
    return Error(Failure("prepare a statement"));
  }
  return RawStatement(s);
}

Status RawStore::Run(sqlite3_stmt* s) {
  const int rc = sqlite3_step(s);
  sqlite3_reset(s);
  return rc == SQLITE_DONE ? Status::Ok() : Failure("run a statement");
}

StatusOr<bool> RawStore::Step(sqlite3_stmt* s) {
  const int rc = sqlite3_step(s);
  if (rc == SQLITE_ROW) return true;
  sqlite3_reset(s);
  if (rc == SQLITE_DONE) return false;
  return Error(Failure("step a query"));
}

Status RawStore::Begin() { return Run(begin_.get()); }
Status RawStore::Commit() { return Run(commit_.get()); }
void RawStore::Rollback() { (void)Run(rollback_.get()); }

Status RawStore::TruncateLog() { return Exec("PRAGMA wal_checkpoint(TRUNCATE);"); }

Status RawStore::CheckEncrypted() const {
  std::array<char, 16> header{};
  std::ifstream in(file_, std::ios::binary);
  in.read(header.data(), header.size());
  if (!in || std::string_view(header.data(), 15) == "SQLite format 3") {
    return Status::Integrity("baseline: " + file_.string() + " is not encrypted");
  }
  return Status::Ok();
}

std::int64_t RawStore::changes() const { return sqlite3_changes(db_); }

}  // namespace cvault::bench
