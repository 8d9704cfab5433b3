#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>
#include <system_error>

#include "store/ledger_log.h"

namespace cvault::store {
namespace {

Status SyncDirectory(const std::filesystem::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Status::Unavailable("cannot open the vault folder to sync it");
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return Status::Unavailable("cannot sync the vault folder");
  return Status::Ok();
}

// Opens the file for reading and appending and takes its lock, which every
// reader and writer of every process holds while it touches the file.
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

// Whether `tail`, the file's last bytes after its last newline, is a whole
// line: the log's lines are JSON values, and no proper prefix of one is.
bool IsWholeLine(std::string_view tail) {
  return nlohmann::json::accept(tail.begin(), tail.end());
}

Status LedgerIo(std::string_view what, const std::filesystem::path& file, int err) {
  return Status::Unavailable(fmt::format("cannot {} the erasure ledger {}: {}", what,
                                         file.string(), std::strerror(err)));
}

class FileLedgerLog final : public LedgerLog {
 public:
  explicit FileLedgerLog(std::filesystem::path file) : file_(std::move(file)) {}

  StatusOr<std::vector<std::string>> ReadAfter(std::uint64_t from) override {
    if (from == 0 && lines_ > 0) {
      // A second reader from the start (Operations::Check verifying every
      // line again): a reader of its own, so this one keeps its place.
      FileLedgerLog whole(file_);
      return whole.ReadAfter(0);
    }
    CVAULT_RETURN_IF_ERROR(CheckFrom(from));
    int fd = OpenLocked(file_, /*create=*/false);
    if (fd == -ENOENT) {
      if (lines_ > 0) return Error(Shortened());
      return std::vector<std::string>();  // nothing appended yet
    }
    if (fd < 0) return Error(LedgerIo("read", file_, -fd));
    auto lines = ReadNewLines(fd);
    ::close(fd);  // releases the lock
    return lines;
  }

  StatusOr<std::vector<std::string>> AppendAfter(std::uint64_t from,
                                                 const MakeLine& make) override {
    CVAULT_RETURN_IF_ERROR(CheckFrom(from));
    std::error_code ec;
    const bool created = !std::filesystem::exists(file_, ec);
    int fd = OpenLocked(file_, /*create=*/true);
    if (fd < 0) return Error(LedgerIo("open", file_, -fd));
    auto newer = ReadNewLines(fd);
    if (!newer) {
      ::close(fd);
      return newer;
    }
    auto line = make(*newer);
    if (!line) {
      ::close(fd);
      return Error(line.error());
    }
    const std::string text = *line + "\n";
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
    ++lines_;
    return newer;
  }

 private:
  Status CheckFrom(std::uint64_t from) const {
    if (from != lines_) {
      return Status::Internal("the erasure ledger was read out of order");
    }
    return Status::Ok();
  }

  Status Shortened() const {
    return Status::Integrity(
        "the erasure ledger is shorter than when this process last read it: it was "
        "truncated or replaced; restore it from its own copy before opening the vault");
  }

  // The whole lines past offset_ in the locked file `fd`.
  StatusOr<std::vector<std::string>> ReadNewLines(int fd) {
    struct stat st {};
    if (::fstat(fd, &st) != 0) return Error(LedgerIo("read", file_, errno));
    const auto size = static_cast<std::uint64_t>(st.st_size);
    if (size < offset_) return Error(Shortened());
    std::string text(size - offset_, '\0');
    std::size_t got = 0;
    while (got < text.size()) {
      ssize_t n = ::pread(fd, text.data() + got, text.size() - got,
                          static_cast<off_t>(offset_ + got));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return Error(LedgerIo("read", file_, n < 0 ? errno : EIO));
      got += static_cast<std::size_t>(n);
    }
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start < text.size()) {
      std::size_t end = text.find('\n', start);
      if (end == std::string::npos) {
        const std::string_view tail(text.data() + start, text.size() - start);
        if (!IsWholeLine(tail)) {
          // A torn append: its writer died before the vault committed the
          // erasure (the line is written first), and no writer is active
          // while we hold the lock. Drop it.
          if (::ftruncate(fd, static_cast<off_t>(offset_)) != 0) {
            return Error(
                Status::Unavailable("cannot drop the erasure ledger's torn last line"));
          }
          break;
        }
        // Whole but for its newline (an editor, a copy, a write that stopped
        // one byte short): a line like any other, whose MAC the ledger
        // checks. The newline makes the next append start a line of its own.
        if (::write(fd, "\n", 1) != 1 || ::fsync(fd) != 0) {
          return Error(Status::Unavailable("cannot end the erasure ledger's last line"));
        }
        end = text.size();
      }
      lines.emplace_back(text.data() + start, end - start);
      offset_ += end - start + 1;
      ++lines_;
      start = end + 1;
    }
    return lines;
  }

  std::filesystem::path file_;
  std::uint64_t offset_ = 0;  // bytes of whole lines read so far
  std::uint64_t lines_ = 0;   // lines read (or appended) so far
};

}  // namespace

std::unique_ptr<LedgerLog> OpenFileLedgerLog(std::filesystem::path file) {
  return std::make_unique<FileLedgerLog>(std::move(file));
}

}  // namespace cvault::store
