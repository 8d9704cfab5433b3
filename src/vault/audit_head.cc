#include "vault/audit_head.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <charconv>
#include <cstring>

#include "crypto/bytes.h"

namespace cvault::internal {
namespace {

// "cvault-audit-head/1 <20-digit sequence> <64 hex>\n": always the same
// length, so a write in place replaces the whole record.
constexpr char kMagic[] = "cvault-audit-head/1";
constexpr std::size_t kHashHex = 64;
constexpr std::size_t kRecordSize = sizeof(kMagic) - 1 + 1 + 20 + 1 + kHashHex + 1;

Status Damaged(const std::filesystem::path& file, std::string_view what) {
  return Status::Integrity(fmt::format(
      "{}: {}; it records the last audit entry this vault committed. Run `cvault check`, "
      "then remove the file to accept the database as it is",
      file.string(), what));
}

}  // namespace

StatusOr<std::optional<AuditHead>> AuditHeadFile::Read(const std::filesystem::path& file) {
  struct stat st {};
  if (::lstat(file.c_str(), &st) != 0) {
    if (errno == ENOENT) return std::optional<AuditHead>();
    return Error(Status::Unavailable(
        fmt::format("{}: cannot be read: {}", file.string(), std::strerror(errno))));
  }
  if (!S_ISREG(st.st_mode)) return Error(Damaged(file, "not a regular file"));
  if (static_cast<std::size_t>(st.st_size) != kRecordSize) {
    return Error(Damaged(file, "not of the expected size"));
  }
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    return Error(Status::Unavailable(
        fmt::format("{}: cannot be read: {}", file.string(), std::strerror(errno))));
  }
  std::string text(kRecordSize, '\0');
  const ssize_t n = ::pread(fd, text.data(), text.size(), 0);
  ::close(fd);
  if (n != static_cast<ssize_t>(kRecordSize)) return Error(Damaged(file, "cut short"));
  const std::string_view record(text);
  const std::size_t magic = sizeof(kMagic) - 1;
  if (record.substr(0, magic) != kMagic || record[magic] != ' ' || record[magic + 21] != ' ' ||
      record.back() != '\n') {
    return Error(Damaged(file, "not an audit head record"));
  }
  AuditHead head;
  const std::string_view digits = record.substr(magic + 1, 20);
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), head.sequence);
  if (ec != std::errc() || end != digits.data() + digits.size()) {
    return Error(Damaged(file, "its sequence is not a number"));
  }
  head.hash_hex = std::string(record.substr(magic + 22, kHashHex));
  if (head.hash_hex.find_first_not_of("0123456789abcdef") != std::string::npos) {
    return Error(Damaged(file, "its hash is not hex"));
  }
  return std::optional<AuditHead>(std::move(head));
}

Status AuditHeadFile::CheckAgainst(const AuditHead& head, store::VaultTransaction& tx) {
  CVAULT_ASSIGN_OR_RETURN(auto last, tx.LastAudit());
  const std::uint64_t end = last ? last->sequence : 0;
  if (end < head.sequence) {
    return Status::Integrity(fmt::format(
        "vault database (vault.db): its audit log ends at entry {}, but this vault committed "
        "entry {} (vault/{}): committed transactions are missing (a damaged or lost "
        "write-ahead log vault.db-wal, or an older copy of vault.db). Restore the newest "
        "backup with `cvault restore`; to accept the database as it is, run `cvault check` "
        "and remove vault/{}",
        end, head.sequence, kAuditHeadFile, kAuditHeadFile));
  }
  CVAULT_ASSIGN_OR_RETURN(auto rows, tx.ReadAudit(head.sequence, 1));
  if (rows.empty() || crypto::ToHex(rows.front().entry_hash) != head.hash_hex) {
    return Status::Integrity(fmt::format(
        "vault database (vault.db): its audit entry {} is not the one this vault committed "
        "(vault/{}): the database was rolled back and written again, or replaced. Restore "
        "the newest backup with `cvault restore`",
        head.sequence, kAuditHeadFile));
  }
  return Status::Ok();
}

AuditHeadFile::~AuditHeadFile() {
  if (fd_ >= 0) ::close(fd_);
}

Status AuditHeadFile::OpenForWriting(const std::filesystem::path& file) {
  std::lock_guard lock(mu_);
  if (fd_ >= 0) return Status::Ok();
  fd_ = ::open(file.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd_ < 0) {
    return Status::Unavailable(
        fmt::format("{}: cannot be written: {}", file.string(), std::strerror(errno)));
  }
  return Status::Ok();
}

bool AuditHeadFile::Record(std::uint64_t sequence, std::span<const std::uint8_t> hash) {
  std::lock_guard lock(mu_);
  if (fd_ < 0 || sequence <= written_) return true;
  const std::string hex = crypto::ToHex(hash);
  if (hex.size() != kHashHex) return false;
  const std::string record = fmt::format("{} {:020} {}\n", kMagic, sequence, hex);
  if (::pwrite(fd_, record.data(), record.size(), 0) != static_cast<ssize_t>(record.size())) {
    return false;
  }
  written_ = sequence;
  return true;
}

}  // namespace cvault::internal
