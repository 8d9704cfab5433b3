// The one way cvault (library and tool) writes a whole file, and the one way
// it reads a small one: writes go to a temporary file in the same folder,
// are synced and renamed into place, so a failure never leaves a
// half-written file; reads take only a regular file of bounded size, so a
// FIFO or a device cannot hang or flood the caller.
//
// Messages start with `what` (an option such as "--out", or "keyring file
// <path>"), never with the file's content. Free functions sharing no state:
// thread-safe. Two writers replacing one file race like any rename.
#ifndef CVAULT_COMMON_SAFE_FILE_H_
#define CVAULT_COMMON_SAFE_FILE_H_

#include <sys/types.h>

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

#include "cvault/status.h"

namespace cvault::internal {

// What writing does when something is already at the path.
enum class ExistingFile {
  kRefuse,   // AlreadyExists, even for a file that appears while writing
  kReplace,  // replace a regular file; anything else is refused
};

// Writes exactly `bytes` to `path` with permissions `mode` (umask does not
// apply; the content is never readable by others before the rename).
//   NotFound        - the folder does not exist.
//   InvalidArgument - `path` names a folder, or (kReplace) something other
//                     than a regular file: a device, FIFO, socket or link.
//   AlreadyExists   - (kRefuse) something is at `path`.
//   Unavailable     - a write, sync or rename failed (ENOSPC, EFBIG, EIO...);
//                     nothing new is left at `path`.
[[nodiscard]] Status WriteFileAtomically(const std::filesystem::path& path,
                                         std::string_view bytes, mode_t mode,
                                         ExistingFile existing, std::string_view what);

// What WriteFileAtomically checks first, for a caller that wants to know
// before it does the work whose result it will write: Ok when nothing is at
// `path`, or (kReplace) a regular file is; otherwise the error the write
// would return.
[[nodiscard]] Status CheckWriteTarget(const std::filesystem::path& path,
                                      ExistingFile existing, std::string_view what);

// The whole content of the regular file at `path`, opened without blocking
// (a FIFO is refused, not waited on). NotFound when nothing is there;
// InvalidArgument when it is not a regular file or holds more than
// `max_bytes`; Unavailable when reading fails.
[[nodiscard]] StatusOr<std::string> ReadRegularFile(const std::filesystem::path& path,
                                                    std::size_t max_bytes,
                                                    std::string_view what);

}  // namespace cvault::internal

#endif  // CVAULT_COMMON_SAFE_FILE_H_
