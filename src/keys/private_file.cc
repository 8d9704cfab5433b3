#include "keys/private_file.h"

#include <fcntl.h>
#include <fmt/core.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>

#include "common/safe_file.h"
#include "crypto/bytes.h"

namespace cvault::keys {
namespace {

// Owns a file descriptor; closing never throws.
class UniqueFd {
 public:
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { Close(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  // Returns the close(2) result so that writers can report a failed flush.
  int Close() {
    if (fd_ < 0) return 0;
    int rc = ::close(fd_);
    fd_ = -1;
    return rc;
  }

 private:
  int fd_;
};

std::string ErrnoText(int err) { return std::generic_category().message(err); }

Status IoError(std::string_view action, const std::filesystem::path& path, int err) {
  return Status::Unavailable(
      fmt::format("cannot {} {}: {}", action, path.string(), ErrnoText(err)));
}

}  // namespace

StatusOr<std::size_t> ReadOwnerOnlyFile(const std::filesystem::path& path,
                                        std::string_view what,
                                        std::span<std::uint8_t> buffer) {
  // O_NONBLOCK so that a FIFO planted at the path cannot hang the open; the
  // type check below refuses it.
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (!fd.valid()) {
    int err = errno;
    if (err == ENOENT || err == ENOTDIR) {
      return Error(
          Status::NotFound(fmt::format("{} {} does not exist", what, path.string())));
    }
    return Error(IoError(fmt::format("open {}", what), path, err));
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) {
    return Error(IoError(fmt::format("stat {}", what), path, errno));
  }
  if (!S_ISREG(st.st_mode)) {
    return Error(Status::KeyFailure(
        fmt::format("{} {} is not a regular file", what, path.string())));
  }
  if ((st.st_mode & 077) != 0) {
    return Error(Status::KeyFailure(
        fmt::format("{} {} has mode {:04o}: it must not be readable or writable by group "
                    "or others; run `chmod 600 {}`",
                    what, path.string(), st.st_mode & 07777, path.string())));
  }
  std::size_t total = 0;
  while (total < buffer.size()) {
    ssize_t n = ::read(fd.get(), buffer.data() + total, buffer.size() - total);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Error(IoError(fmt::format("read {}", what), path, errno));
    }
    if (n == 0) break;
    total += static_cast<std::size_t>(n);
  }
  return total;
}

Status CreateOwnerOnlyFile(const std::filesystem::path& path,
                           std::span<const std::uint8_t> bytes) {
  return internal::WriteFileAtomically(path, crypto::AsString(bytes), S_IRUSR | S_IWUSR,
                                       internal::ExistingFile::kRefuse, path.string());
}

Status WriteOwnerOnlyFileAtomically(const std::filesystem::path& dir,
                                    std::string_view file_name,
                                    std::span<const std::uint8_t> bytes,
                                    ReplaceMode mode) {
  const std::filesystem::path target = dir / file_name;
  return internal::WriteFileAtomically(target, crypto::AsString(bytes), S_IRUSR | S_IWUSR,
                                       mode == ReplaceMode::kMustNotExist
                                           ? internal::ExistingFile::kRefuse
                                           : internal::ExistingFile::kReplace,
                                       target.string());
}

Status EnsurePrivateDirectory(const std::filesystem::path& dir) {
  std::error_code ec;
  if (std::filesystem::is_directory(dir, ec)) return Status::Ok();
  const std::filesystem::path parent = dir.parent_path();
  if (!parent.empty()) {
    std::filesystem::create_directories(parent, ec);
    if (ec) {
      return Status::Unavailable(
          fmt::format("cannot create directory {}: {}", parent.string(), ec.message()));
    }
  }
  if (::mkdir(dir.c_str(), S_IRWXU) != 0 && errno != EEXIST) {
    return IoError("create directory", dir, errno);
  }
  if (!std::filesystem::is_directory(dir, ec)) {
    return Status::FailedPrecondition(
        fmt::format("{} exists but is not a directory", dir.string()));
  }
  return Status::Ok();
}

}  // namespace cvault::keys
