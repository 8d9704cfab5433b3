// Files the cvault tool reads and writes on the caller's behalf (exports,
// checkpoints, public keys). The bytes go through the library's one atomic
// write (common/safe_file.h); on top of it the tool never writes over the
// vault's own files, whatever --force says. Messages name the option, never
// the path or the file's content.
//
// Stateless functions; the tool is single-threaded.
#ifndef CVAULT_CLI_FILE_IO_H_
#define CVAULT_CLI_FILE_IO_H_

#include <sys/types.h>

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "cvault/status.h"

namespace cvault::cli {

// A file a command writes where the caller said (--out FILE).
struct OutputFile {
  std::filesystem::path path;
  std::string option = "--out";  // names the option in messages
  bool force = false;            // replace an existing regular file
  // Folders whose files belong to the vault (the vault and keys folders),
  // and single files that do (the root key file). Nothing in them, nor any
  // other name for one of their files (a link), is ever written.
  std::vector<std::filesystem::path> vault_folders;
  std::vector<std::filesystem::path> vault_files;
};

// Checks, before any work is done, that `out` can be written: its folder
// exists, it is not a folder, it is none of the vault's own files, and
// (without force) nothing is there yet, or (with force) a regular file is.
// NotFound, InvalidArgument or AlreadyExists.
[[nodiscard]] Status CheckOutputPath(const OutputFile& out);

// Checks `out` again and writes exactly `bytes` to it atomically with
// permissions `mode`. On failure nothing new is left at the path.
[[nodiscard]] Status WriteOutputFile(const OutputFile& out, std::string_view bytes,
                                     mode_t mode);

// The whole content of the regular file at `path`. NotFound when it does not
// exist; InvalidArgument when it is not a regular file (a FIFO or device is
// refused at once) or is larger than `max_bytes`; Unavailable when reading
// fails.
[[nodiscard]] StatusOr<std::string> ReadInputFile(const std::filesystem::path& path,
                                                  std::size_t max_bytes,
                                                  std::string_view option);

}  // namespace cvault::cli

#endif  // CVAULT_CLI_FILE_IO_H_
