// Files the cvault tool reads and writes on the caller's behalf (exports,
// public keys). Writes are atomic: a temporary file in the same folder, made
// durable, then renamed into place, so a failure never leaves a half-written
// file. Messages name the option, never the path or the file's content.
//
// Stateless functions; the tool is single-threaded.
#ifndef CVAULT_CLI_FILE_IO_H_
#define CVAULT_CLI_FILE_IO_H_

#include <sys/types.h>

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

#include "cvault/status.h"

namespace cvault::cli {

// What writing does when a file is already at the path.
enum class ExistingFile { kRefuse, kReplace };

// Checks, before any work is done, that `path` can be written: its folder
// exists, it is not a folder, and (with kRefuse) nothing is there yet.
// NotFound, InvalidArgument or AlreadyExists; `option` (e.g. "--out") names
// the option in messages.
[[nodiscard]] Status CheckOutputPath(const std::filesystem::path& path,
                                     ExistingFile existing, std::string_view option);

// Writes exactly `bytes` to `path` with permissions `mode` (umask does not
// apply). With kRefuse an existing file is never replaced, even one created
// after CheckOutputPath (AlreadyExists). On failure nothing new is left at
// `path` and the temporary file is removed.
[[nodiscard]] Status WriteFileAtomically(const std::filesystem::path& path,
                                         std::string_view bytes, mode_t mode,
                                         ExistingFile existing, std::string_view option);

// The whole content of the regular file at `path`. NotFound when it does not
// exist; InvalidArgument when it is not a regular file or is larger than
// `max_bytes`; Unavailable when reading fails.
[[nodiscard]] StatusOr<std::string> ReadInputFile(const std::filesystem::path& path,
                                                  std::size_t max_bytes,
                                                  std::string_view option);

}  // namespace cvault::cli

#endif  // CVAULT_CLI_FILE_IO_H_
