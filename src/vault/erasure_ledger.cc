#include "vault/erasure_ledger.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "crypto/bytes.h"
#include "crypto/hash.h"
#include "crypto/kdf.h"

namespace cvault::internal {
namespace {

using nlohmann::json;

constexpr char kContext[] = "cvledger";
constexpr std::uint64_t kSubjectKeyId = 1;
constexpr std::uint64_t kMacKeyId = 2;

std::string_view KindName(LedgerEntry::Kind kind) {
  return kind == LedgerEntry::Kind::kErasure ? "erasure" : "hold_purged";
}

json BodyOf(const LedgerEntry& e) {
  json body = {{"v", 1},
               {"seq", e.seq},
               {"kind", KindName(e.kind)},
               {"id", e.id},
               {"at_us", e.at_us}};
  if (!e.subject.empty()) body["subject"] = e.subject;
  if (e.hold_until_us) body["hold_until_us"] = *e.hold_until_us;
  return body;
}

Status Damaged(std::size_t line, std::string_view what) {
  return Status::Integrity("erasure ledger line " + std::to_string(line) + " " +
                           std::string(what) +
                           ": the ledger was altered or damaged; restore it from its "
                           "own copy before opening the vault");
}

StatusOr<LedgerEntry> ParseBody(const json& body, std::size_t line) {
  LedgerEntry e;
  try {
    if (body.at("v").get<int>() != 1) return Error(Damaged(line, "has an unknown version"));
    e.seq = body.at("seq").get<std::uint64_t>();
    const std::string kind = body.at("kind").get<std::string>();
    if (kind == "erasure") {
      e.kind = LedgerEntry::Kind::kErasure;
    } else if (kind == "hold_purged") {
      e.kind = LedgerEntry::Kind::kHoldPurged;
    } else {
      return Error(Damaged(line, "has an unknown kind"));
    }
    e.id = body.at("id").get<std::string>();
    e.at_us = body.at("at_us").get<std::int64_t>();
    if (body.contains("subject")) e.subject = body.at("subject").get<std::string>();
    if (body.contains("hold_until_us")) {
      e.hold_until_us = body.at("hold_until_us").get<std::int64_t>();
    }
  } catch (const json::exception&) {
    return Error(Damaged(line, "is missing a field or has one of the wrong type"));
  }
  if (e.kind == LedgerEntry::Kind::kErasure && e.subject.empty()) {
    return Error(Damaged(line, "records an erasure without a subject"));
  }
  return e;
}

Status SyncDirectory(const std::filesystem::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Status::Unavailable("cannot open the vault folder to sync it");
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return Status::Unavailable("cannot sync the vault folder");
  return Status::Ok();
}

// Opens the ledger for reading and appending and takes its lock, which
// every reader and writer of every process holds while it touches the file.
// Returns the descriptor, or -errno (-ENOENT when it does not exist and
// `create` is false).
int OpenLocked(const std::filesystem::path& file, bool create) {
  int flags = O_RDWR | O_APPEND | O_CLOEXEC | O_NOFOLLOW | (create ? O_CREAT : 0);
  int fd;
  do {
    fd = ::open(file.c_str(), flags, 0600);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) return -errno;
  while (::flock(fd, LOCK_EX) != 0) {
    if (errno == EINTR) continue;
    int err = errno;
    ::close(fd);
    return -err;
  }
  return fd;
}

Status LedgerIo(std::string_view what, const std::filesystem::path& file, int err) {
  return Status::Unavailable(fmt::format("cannot {} the erasure ledger {}: {}", what,
                                         file.string(), std::strerror(err)));
}

}  // namespace

StatusOr<ErasureLedger> ErasureLedger::Open(std::filesystem::path file,
                                            const SecretBytes& ledger_key) {
  CVAULT_ASSIGN_OR_RETURN(auto subject_key,
                          crypto::DeriveSubkey(ledger_key, kSubjectKeyId, kContext));
  CVAULT_ASSIGN_OR_RETURN(auto mac_key, crypto::DeriveSubkey(ledger_key, kMacKeyId, kContext));
  ErasureLedger ledger(file, std::move(subject_key), std::move(mac_key));
  CVAULT_RETURN_IF_ERROR(ledger.Refresh());
  return ledger;
}

Status ErasureLedger::Refresh() {
  int fd = OpenLocked(file_, /*create=*/false);
  if (fd == -ENOENT) return Status::Ok();  // no erasure yet
  if (fd < 0) return LedgerIo("read", file_, -fd);
  Status s = ReadNewLines(fd);
  ::close(fd);  // releases the lock
  return s;
}

Status ErasureLedger::ReadNewLines(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return LedgerIo("read", file_, errno);
  const auto size = static_cast<std::uint64_t>(st.st_size);
  if (size < offset_) {
    return Status::Integrity(
        "the erasure ledger is shorter than when this process last read it: it was "
        "truncated or replaced; restore it from its own copy before opening the vault");
  }
  std::string text(size - offset_, '\0');
  std::size_t got = 0;
  while (got < text.size()) {
    ssize_t n = ::pread(fd, text.data() + got, text.size() - got,
                        static_cast<off_t>(offset_ + got));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return LedgerIo("read", file_, n < 0 ? errno : EIO);
    got += static_cast<std::size_t>(n);
  }
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) {
      // A torn append: its writer died before the vault committed the
      // erasure (the line is written first), and no writer is active while
      // we hold the lock. Drop it.
      if (::ftruncate(fd, static_cast<off_t>(offset_)) != 0) {
        return Status::Unavailable("cannot drop the erasure ledger's torn last line");
      }
      break;
    }
    const std::size_t line_no = entries_.size() + 1;
    std::string_view line(text.data() + start, end - start);
    json parsed = json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded() || !parsed.is_object() || !parsed.contains("mac") ||
        !parsed["mac"].is_string()) {
      return Damaged(line_no, "is not a ledger entry");
    }
    const std::string mac = parsed["mac"].get<std::string>();
    parsed.erase("mac");
    CVAULT_ASSIGN_OR_RETURN(LedgerEntry entry, ParseBody(parsed, line_no));
    if (entry.seq != line_no) return Damaged(line_no, "is out of sequence");
    if (BodyOf(entry).dump() != parsed.dump() || Mac(parsed.dump()) != mac) {
      return Damaged(line_no, "fails its MAC");
    }
    last_mac_ = mac;
    entries_.push_back(std::move(entry));
    start = end + 1;
    offset_ += line.size() + 1;
  }
  return Status::Ok();
}

std::string ErasureLedger::SubjectOf(std::string_view customer_id) const {
  return crypto::ToHex(crypto::KeyedBlake2b256(subject_key_, crypto::AsBytes(customer_id)));
}

std::string ErasureLedger::Mac(std::string_view body) const {
  std::string message = last_mac_;
  message += '|';
  message += body;
  return crypto::ToHex(crypto::KeyedBlake2b256(mac_key_, crypto::AsBytes(message)));
}

StatusOr<LedgerEntry> ErasureLedger::Append(LedgerEntry entry) {
  std::error_code ec;
  const bool created = !std::filesystem::exists(file_, ec);
  int fd = OpenLocked(file_, /*create=*/true);
  if (fd < 0) return Error(LedgerIo("open", file_, -fd));
  // Lines other processes appended since this one last read come first:
  // the new line continues their sequence and MAC chain.
  Status caught_up = ReadNewLines(fd);
  if (!caught_up.ok()) {
    ::close(fd);
    return Error(caught_up);
  }
  entry.seq = entries_.size() + 1;
  json line = BodyOf(entry);
  const std::string mac = Mac(line.dump());
  line["mac"] = mac;
  const std::string text = line.dump() + "\n";

  std::size_t written = 0;
  while (written < text.size()) {
    ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      // A partial line is torn; the next reader holding the lock drops it.
      ::close(fd);
      return Error(Status::Unavailable("cannot append to the erasure ledger"));
    }
    written += static_cast<std::size_t>(n);
  }
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return Error(Status::Unavailable("cannot sync the erasure ledger"));
  if (created) CVAULT_RETURN_IF_ERROR(SyncDirectory(file_.parent_path()));
  offset_ += text.size();
  last_mac_ = mac;
  entries_.push_back(entry);
  return entry;
}

}  // namespace cvault::internal
