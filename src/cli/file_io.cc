#include "cli/file_io.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <optional>
#include <system_error>

#include "common/safe_file.h"

namespace cvault::cli {
namespace {

namespace fs = std::filesystem;

using internal::ExistingFile;

// A file's identity: the same inode on the same device, whatever the path.
struct FileId {
  dev_t device = 0;
  ino_t inode = 0;
  bool operator==(const FileId&) const = default;
};

// The identity of what `path` leads to (symbolic links followed), if any.
std::optional<FileId> IdOf(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  return FileId{st.st_dev, st.st_ino};
}

fs::path FolderOf(const fs::path& path) {
  fs::path folder = path.parent_path();
  return folder.empty() ? fs::path(".") : folder;
}

// Whether `path` is, or would be created as, one of the vault's own files:
// compared by device and inode, so another spelling, a symbolic link or a
// hard link to one is caught too.
bool IsVaultFile(const OutputFile& out) {
  const std::optional<FileId> folder = IdOf(FolderOf(out.path));
  const std::optional<FileId> target = IdOf(out.path);
  for (const fs::path& vault_folder : out.vault_folders) {
    const std::optional<FileId> id = IdOf(vault_folder);
    if (!id) continue;
    if (folder == id) return true;
    if (!target) continue;
    std::error_code ec;
    for (const fs::directory_entry& entry : fs::directory_iterator(vault_folder, ec)) {
      if (IdOf(entry.path()) == target) return true;
    }
  }
  for (const fs::path& file : out.vault_files) {
    if (target && IdOf(file) == target) return true;
  }
  return false;
}

ExistingFile ExistingFor(const OutputFile& out) {
  return out.force ? ExistingFile::kReplace : ExistingFile::kRefuse;
}

}  // namespace

Status CheckOutputPath(const OutputFile& out) {
  std::error_code ec;
  if (out.path.empty() || out.path.filename().empty()) {
    return Status::InvalidArgument(fmt::format("{}: give a file name", out.option));
  }
  if (!fs::is_directory(FolderOf(out.path), ec)) {
    return Status::NotFound(fmt::format(
        "{}: the folder to write into does not exist; create it first", out.option));
  }
  if (IsVaultFile(out)) {
    return Status::InvalidArgument(fmt::format(
        "{}: names one of the vault's own files, or a file in the vault or keys folder "
        "(databases, erasure ledger, keyring, root key file); write it elsewhere",
        out.option));
  }
  Status target = internal::CheckWriteTarget(out.path, ExistingFor(out), out.option);
  if (target.code() == StatusCode::kAlreadyExists) {
    return Status::AlreadyExists(
        fmt::format("{}: the file already exists; choose another name or pass --force to "
                    "replace it",
                    out.option));
  }
  return target;
}

Status WriteOutputFile(const OutputFile& out, std::string_view bytes, mode_t mode) {
  CVAULT_RETURN_IF_ERROR(CheckOutputPath(out));
  return internal::WriteFileAtomically(out.path, bytes, mode, ExistingFor(out), out.option);
}

StatusOr<std::string> ReadInputFile(const fs::path& path, std::size_t max_bytes,
                                    std::string_view option) {
  return internal::ReadRegularFile(path, max_bytes, option);
}

}  // namespace cvault::cli
