// The story `cvault demo` tells: a fresh development vault, customers added,
// read with masking, a denial for want of consent, consent given to a notice
// and withdrawn, refused input, rectification, a refund granted for a defect
// support could not fix and one denied for a change of mind, a bulk import,
// and an auditor verifying the log, each step checked. Single-threaded.
#ifndef CVAULT_CLI_DEMO_STORY_H_
#define CVAULT_CLI_DEMO_STORY_H_

#include <cstdint>
#include <filesystem>
#include <span>
#include <string_view>

#include "cli/exit_codes.h"

namespace cvault::cli {

struct DemoPaths {
  std::filesystem::path root;             // the demo's own folder
  std::filesystem::path vault_dir;        // root/vault
  std::filesystem::path keys_dir;         // root/keys
  std::filesystem::path key_file;         // root/keys/dev-root.key
  std::filesystem::path checkpoint_file;  // root/checkpoint.json
  std::filesystem::path export_file;      // root/export-charles.json
};

// Runs the story on an empty `paths.root`, printing it to stdout. A step that
// does not behave as the story says fails the demo.
CliOr<> RunDemoStory(const DemoPaths& paths);

struct RawScan {
  std::uint64_t files = 0;
  std::uint64_t bytes = 0;
  std::uint64_t hits = 0;  // needles found, counted once per file
};

// Searches every regular file under `dir`, byte for byte, for each needle.
CliOr<RawScan> ScanRawFiles(const std::filesystem::path& dir,
                            std::span<const std::string_view> needles);

}  // namespace cvault::cli

#endif  // CVAULT_CLI_DEMO_STORY_H_
