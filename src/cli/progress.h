// Progress of a long operator job (key rotation, re-indexing) on stderr: a
// redrawn bar on a terminal, one line per update when asked for lines (logs,
// tests), nothing otherwise. Single-threaded.
#ifndef CVAULT_CLI_PROGRESS_H_
#define CVAULT_CLI_PROGRESS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "cvault/operations.h"

namespace cvault::cli {

enum class ProgressStyle { kAuto, kBar, kLines, kNone };

// "auto", "bar", "lines", "none"; nullopt otherwise.
std::optional<ProgressStyle> ParseProgressStyle(std::string_view text);

class ProgressReporter {
 public:
  // kAuto becomes kBar when stderr is a terminal, else kNone.
  explicit ProgressReporter(ProgressStyle style);
  ~ProgressReporter();  // ends a bar with a newline
  ProgressReporter(const ProgressReporter&) = delete;
  ProgressReporter& operator=(const ProgressReporter&) = delete;

  void Update(const JobProgress& progress);
  // A callback for Operations calls; valid while this reporter lives.
  ProgressFn Callback();

 private:
  ProgressStyle style_;
  bool drawn_ = false;
};

// "[#####.....]  50% 1200/2400 rewrap", `width` cells of bar.
std::string FormatProgressBar(const JobProgress& progress, int width = 30);

}  // namespace cvault::cli

#endif  // CVAULT_CLI_PROGRESS_H_
