// cvault demo: prepares the demo's folder and key file, then tells the story
// in demo_story.cc.
#include <fmt/format.h>
#include <stdlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <system_error>
#include <vector>

#include "cli/commands.h"
#include "cli/demo_story.h"
#include "keys/root_key.h"

namespace cvault::cli {
namespace {

namespace fs = std::filesystem;

// A fresh cvault-demo-XXXXXX folder (mode 0700) under the system temp folder.
CliOr<fs::path> MakeDemoFolder() {
  std::error_code ec;
  fs::path temp = fs::temp_directory_path(ec);
  if (ec) temp = "/tmp";
  std::string pattern = (temp / "cvault-demo-XXXXXX").string();
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (::mkdtemp(buffer.data()) == nullptr) {
    return Fail(
        Status::Unavailable(fmt::format("cannot create a demo folder under {}: {}",
                                        temp.string(), std::strerror(errno))));
  }
  return fs::path(buffer.data());
}

// The folder given with --vault: created if missing, else it must be empty.
CliOr<fs::path> UseGivenFolder(const fs::path& dir) {
  std::error_code ec;
  if (fs::exists(dir, ec)) {
    if (!fs::is_directory(dir, ec) || !fs::is_empty(dir, ec)) {
      return Usage(fmt::format(
          "demo --vault: {} must not exist or must be an empty folder", dir.string()));
    }
    return dir;
  }
  fs::create_directories(dir, ec);
  if (!ec) fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  if (ec) {
    return Fail(Status::Unavailable(
        fmt::format("cannot create the demo folder {}: {}", dir.string(), ec.message())));
  }
  return dir;
}

CliOr<> RunDemo(const GlobalOptions& global) {
  fs::path root;
  if (global.vault_option != nullptr && global.vault_option->count() > 0) {
    CVAULT_CLI_ASSIGN_OR_RETURN(root, UseGivenFolder(global.vault_dir));
  } else {
    CVAULT_CLI_ASSIGN_OR_RETURN(root, MakeDemoFolder());
  }
  DemoPaths paths{root, root / "vault", root / "keys", root / "keys" / "dev-root.key",
                  root / "checkpoint.json", root / "export-charles.json"};
  std::error_code ec;
  fs::create_directory(paths.keys_dir, ec);
  if (!ec) {
    fs::permissions(paths.keys_dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  }
  if (ec) {
    return Fail(Status::Unavailable(
        fmt::format("cannot create {}: {}", paths.keys_dir.string(), ec.message())));
  }
  CVAULT_CLI_RETURN_IF_ERROR(keys::WriteNewKeyFile(paths.key_file));
  return RunDemoStory(paths);
}

}  // namespace

CliOr<RawScan> ScanRawFiles(const fs::path& dir,
                            std::span<const std::string_view> needles) {
  RawScan scan;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    std::ifstream in(it->path(), std::ios::binary);
    if (!in) {
      return Fail(Status::Unavailable(
          fmt::format("cannot read {} to scan it", it->path().string())));
    }
    std::string bytes((std::istreambuf_iterator<char>(in)),
                      std::istreambuf_iterator<char>());
    ++scan.files;
    scan.bytes += bytes.size();
    for (std::string_view needle : needles) {
      if (std::search(bytes.begin(), bytes.end(), needle.begin(), needle.end()) !=
          bytes.end()) {
        ++scan.hits;
      }
    }
  }
  if (ec) {
    return Fail(Status::Unavailable(
        fmt::format("cannot scan {}: {}", dir.string(), ec.message())));
  }
  return scan;
}

void AddDemoCommand(CLI::App& app, const GlobalOptions& global, CommandAction& action) {
  CLI::App* demo = app.add_subcommand(
      "demo",
      "Walk through a throwaway development vault (in a new temp folder, or in "
      "--vault DIR, which must be empty)");
  demo->callback([&global, &action] { action = [&global] { return RunDemo(global); }; });
}

}  // namespace cvault::cli
