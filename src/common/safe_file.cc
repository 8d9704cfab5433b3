#include "common/safe_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <algorithm>
#include <cstring>

namespace cvault::internal {
namespace {

namespace fs = std::filesystem;

std::string ErrnoText(int error) { return std::strerror(error); }

fs::path FolderOf(const fs::path& path) {
  fs::path folder = path.parent_path();
  return folder.empty() ? fs::path(".") : folder;
}

// Owns an open file descriptor; the destructor closes it and never throws.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }

  // Closes now; close() can report a failed delayed write. Returns its errno,
  // or 0.
  int Close() {
    int result = ::close(fd_);
    fd_ = -1;
    return result == 0 ? 0 : errno;
  }

 private:
  int fd_;
};

// Removes the temporary file on every path that does not rename it into place.
class TemporaryFile {
 public:
  explicit TemporaryFile(std::string path) : path_(std::move(path)) {}
  ~TemporaryFile() {
    if (!path_.empty()) ::unlink(path_.c_str());
  }
  TemporaryFile(const TemporaryFile&) = delete;
  TemporaryFile& operator=(const TemporaryFile&) = delete;

  const char* c_str() const { return path_.c_str(); }
  void Release() { path_.clear(); }

 private:
  std::string path_;
};

int WriteAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t written = ::write(fd, bytes.data(), bytes.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    bytes.remove_prefix(static_cast<std::size_t>(written));
  }
  return 0;
}

// Renames `from` to `to` unless something is at `to` (EEXIST). renameat2
// with RENAME_NOREPLACE is atomic; where the file system lacks it, a hard link
// followed by unlinking `from` is too. Returns errno, or 0.
int RenameNoReplace(const char* from, const char* to) {
  if (::renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0) return 0;
  if (errno != EINVAL && errno != ENOSYS) return errno;
  if (::link(from, to) != 0) return errno;
  ::unlink(from);
  return 0;
}

// Makes the rename durable. Best effort: the file is in place either way.
void SyncFolder(const fs::path& folder) {
  FileDescriptor dir(::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.valid()) ::fsync(dir.get());
}

}  // namespace

// The link itself is looked at: replacing a symbolic link or a device node
// (as root, rename would) is never what a caller asked for.
Status CheckWriteTarget(const fs::path& path, ExistingFile existing,
                        std::string_view what) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return Status::Ok();
    return Status::Unavailable(
        fmt::format("{}: cannot look at the path: {}", what, ErrnoText(errno)));
  }
  if (S_ISDIR(st.st_mode)) {
    return Status::InvalidArgument(
        fmt::format("{}: names a folder; give the path of a file to create", what));
  }
  if (existing == ExistingFile::kRefuse) {
    return Status::AlreadyExists(fmt::format("{}: the file already exists", what));
  }
  if (!S_ISREG(st.st_mode)) {
    return Status::InvalidArgument(fmt::format(
        "{}: not a regular file (a device, FIFO, socket or symbolic link); only a "
        "regular file is ever replaced",
        what));
  }
  return Status::Ok();
}

Status WriteFileAtomically(const fs::path& path, std::string_view bytes, mode_t mode,
                           ExistingFile existing, std::string_view what) {
  if (path.empty() || path.filename().empty()) {
    return Status::InvalidArgument(fmt::format("{}: give a file name", what));
  }
  const fs::path folder = FolderOf(path);
  CVAULT_RETURN_IF_ERROR(CheckWriteTarget(path, existing, what));
  std::string pattern =
      (folder / ("." + path.filename().string() + ".tmp-XXXXXX")).string();
  // mkstemp creates the file owner-only (0600), so the bytes are never
  // readable by others, whatever `mode` is.
  FileDescriptor fd(::mkostemp(pattern.data(), O_CLOEXEC));
  if (!fd.valid()) {
    if (errno == ENOENT || errno == ENOTDIR) {
      return Status::NotFound(fmt::format(
          "{}: the folder to write into does not exist; create it first", what));
    }
    return Status::Unavailable(fmt::format(
        "{}: cannot create a temporary file in the folder: {}", what, ErrnoText(errno)));
  }
  TemporaryFile temporary(pattern);
  if (::fchmod(fd.get(), mode) != 0) {
    return Status::Unavailable(
        fmt::format("{}: cannot set the file's permissions: {}", what, ErrnoText(errno)));
  }
  int error = WriteAll(fd.get(), bytes);
  if (error == 0 && ::fsync(fd.get()) != 0) error = errno;
  if (int closed = fd.Close(); error == 0) error = closed;
  if (error != 0) {
    return Status::Unavailable(
        fmt::format("{}: writing the file failed: {}", what, ErrnoText(error)));
  }
  if (existing == ExistingFile::kRefuse) {
    error = RenameNoReplace(temporary.c_str(), path.c_str());
    if (error == EEXIST) {
      return Status::AlreadyExists(fmt::format(
          "{}: the file appeared while it was being written; nothing was replaced", what));
    }
  } else {
    // Once more just before the rename: the path may have changed meanwhile.
    CVAULT_RETURN_IF_ERROR(CheckWriteTarget(path, existing, what));
    if (::rename(temporary.c_str(), path.c_str()) != 0) error = errno;
  }
  if (error != 0) {
    return Status::Unavailable(
        fmt::format("{}: cannot move the file into place: {}", what, ErrnoText(error)));
  }
  temporary.Release();
  SyncFolder(folder);
  return Status::Ok();
}

StatusOr<std::string> ReadRegularFile(const fs::path& path, std::size_t max_bytes,
                                      std::string_view what) {
  // O_NONBLOCK: opening a FIFO must not wait for a writer; fstat refuses it.
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (!fd.valid()) {
    if (errno == ENOENT || errno == ENOTDIR) {
      return Error(Status::NotFound(fmt::format("{}: the file does not exist", what)));
    }
    return Error(Status::Unavailable(
        fmt::format("{}: cannot open the file: {}", what, ErrnoText(errno))));
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) {
    return Error(Status::Unavailable(
        fmt::format("{}: cannot look at the file: {}", what, ErrnoText(errno))));
  }
  if (!S_ISREG(st.st_mode)) {
    return Error(Status::InvalidArgument(fmt::format(
        "{}: not a regular file (a folder, device, FIFO or socket); give a file", what)));
  }
  const auto too_large = [&] {
    return Error(Status::InvalidArgument(fmt::format(
        "{}: the file is larger than the {} bytes allowed", what, max_bytes)));
  };
  if (static_cast<std::uintmax_t>(st.st_size) > max_bytes) return too_large();
  // Read to the bound plus one, not to st_size: the file may grow meanwhile.
  std::string content(static_cast<std::size_t>(st.st_size) + 1, '\0');
  std::size_t got = 0;
  while (true) {
    if (got == content.size()) {
      if (got > max_bytes) return too_large();
      content.resize(std::min(max_bytes + 1, content.size() * 2));
    }
    ssize_t n = ::read(fd.get(), content.data() + got, content.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      return Error(Status::Unavailable(
          fmt::format("{}: reading the file failed: {}", what, ErrnoText(errno))));
    }
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  if (got > max_bytes) return too_large();
  content.resize(got);
  return content;
}

}  // namespace cvault::internal
