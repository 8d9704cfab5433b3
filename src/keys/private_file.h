// Owner-only files for key material: reading with a permission check,
// exclusive creation, and atomic replacement that survives a crash.
//
// Free functions; thread-safe (they share no state). Two writers replacing
// the same file race like any rename: the last one wins.
#ifndef CVAULT_KEYS_PRIVATE_FILE_H_
#define CVAULT_KEYS_PRIVATE_FILE_H_

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string_view>

#include "cvault/status.h"

namespace cvault::keys {

// Reads up to buffer.size() bytes of `path` into `buffer`; returns how many
// were read (buffer.size() when the file is at least that long, so pass one
// byte more than the largest valid content to detect an oversized file).
// `what` names the file in messages ("key file", "keyring file").
//   NotFound   - the file does not exist.
//   KeyFailure - not a regular file, or group/other may read or write it
//                (the message names the path and mode and says chmod 600).
//   Unavailable - any other I/O error.
StatusOr<std::size_t> ReadOwnerOnlyFile(const std::filesystem::path& path,
                                        std::string_view what,
                                        std::span<std::uint8_t> buffer);

// Creates `path` with mode 0600 through the one atomic write
// (common/safe_file.h): a synced temporary file renamed into place, never
// over anything. AlreadyExists if the path exists; NotFound if its directory
// does not; on a failed write nothing is left at `path`.
[[nodiscard]] Status CreateOwnerOnlyFile(const std::filesystem::path& path,
                                         std::span<const std::uint8_t> bytes);

enum class ReplaceMode {
  kMustNotExist,  // fail with AlreadyExists if the target exists (link(2))
  kReplace,       // atomically replace the target (rename(2))
};

// Writes `bytes` to `dir`/`file_name` through the one atomic write
// (common/safe_file.h), mode 0600. Readers see the old content or the new,
// never a mix; kReplace replaces only a regular file.
[[nodiscard]] Status WriteOwnerOnlyFileAtomically(const std::filesystem::path& dir,
                                                  std::string_view file_name,
                                                  std::span<const std::uint8_t> bytes,
                                                  ReplaceMode mode);

// Creates `dir` (and missing parents) with mode 0700 for the last component.
// An existing directory is left as it is.
[[nodiscard]] Status EnsurePrivateDirectory(const std::filesystem::path& dir);

}  // namespace cvault::keys

#endif  // CVAULT_KEYS_PRIVATE_FILE_H_
