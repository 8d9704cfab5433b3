#include "cli/file_io.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <system_error>

namespace cvault::cli {
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

Status CheckOutputPath(const fs::path& path, ExistingFile existing,
                       std::string_view option) {
  std::error_code ec;
  if (path.empty() || path.filename().empty()) {
    return Status::InvalidArgument(fmt::format("{}: give a file name", option));
  }
  if (!fs::is_directory(FolderOf(path), ec)) {
    return Status::NotFound(fmt::format(
        "{}: the folder to write into does not exist; create it first", option));
  }
  fs::file_status status = fs::symlink_status(path, ec);
  if (!fs::exists(status)) return Status::Ok();
  if (fs::is_directory(status)) {
    return Status::InvalidArgument(
        fmt::format("{}: names a folder; give the path of a file to create", option));
  }
  if (existing == ExistingFile::kRefuse) {
    return Status::AlreadyExists(
        fmt::format("{}: the file already exists; choose another name or pass --force to "
                    "replace it",
                    option));
  }
  return Status::Ok();
}

Status WriteFileAtomically(const fs::path& path, std::string_view bytes, mode_t mode,
                           ExistingFile existing, std::string_view option) {
  if (Status ok = CheckOutputPath(path, existing, option); !ok.ok()) return ok;
  const fs::path folder = FolderOf(path);
  std::string pattern =
      (folder / ("." + path.filename().string() + ".tmp-XXXXXX")).string();
  // mkstemp creates the file owner-only (0600), so the bytes are never
  // readable by others, whatever `mode` is.
  FileDescriptor fd(::mkostemp(pattern.data(), O_CLOEXEC));
  if (!fd.valid()) {
    return Status::Unavailable(
        fmt::format("{}: cannot create a temporary file in the folder: {}", option,
                    ErrnoText(errno)));
  }
  TemporaryFile temporary(pattern);
  if (::fchmod(fd.get(), mode) != 0) {
    return Status::Unavailable(fmt::format("{}: cannot set the file's permissions: {}",
                                           option, ErrnoText(errno)));
  }
  int error = WriteAll(fd.get(), bytes);
  if (error == 0 && ::fsync(fd.get()) != 0) error = errno;
  if (int closed = fd.Close(); error == 0) error = closed;
  if (error != 0) {
    return Status::Unavailable(
        fmt::format("{}: writing the file failed: {}", option, ErrnoText(error)));
  }
  if (existing == ExistingFile::kRefuse) {
    error = RenameNoReplace(temporary.c_str(), path.c_str());
    if (error == EEXIST) {
      return Status::AlreadyExists(fmt::format(
          "{}: the file appeared while it was being written; nothing was replaced",
          option));
    }
  } else if (::rename(temporary.c_str(), path.c_str()) != 0) {
    error = errno;
  }
  if (error != 0) {
    return Status::Unavailable(
        fmt::format("{}: cannot move the file into place: {}", option, ErrnoText(error)));
  }
  temporary.Release();
  SyncFolder(folder);
  return Status::Ok();
}

StatusOr<std::string> ReadInputFile(const fs::path& path, std::size_t max_bytes,
                                    std::string_view option) {
  std::error_code ec;
  fs::file_status status = fs::status(path, ec);
  if (!fs::exists(status)) {
    return Error(Status::NotFound(fmt::format("{}: the file does not exist", option)));
  }
  if (!fs::is_regular_file(status)) {
    return Error(Status::InvalidArgument(fmt::format("{}: not a regular file", option)));
  }
  std::uintmax_t size = fs::file_size(path, ec);
  if (!ec && size > max_bytes) {
    return Error(Status::InvalidArgument(fmt::format(
        "{}: the file is larger than the {} bytes allowed", option, max_bytes)));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Error(Status::Unavailable(
        fmt::format("{}: cannot open the file: {}", option, ErrnoText(errno))));
  }
  std::string content((std::istreambuf_iterator<char>(in)),
                      std::istreambuf_iterator<char>());
  if (in.bad()) {
    return Error(Status::Unavailable(fmt::format("{}: reading the file failed", option)));
  }
  return content;
}

}  // namespace cvault::cli
