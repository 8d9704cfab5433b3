#include "cli/progress.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <optional>

namespace cvault::cli {

std::optional<ProgressStyle> ParseProgressStyle(std::string_view text) {
  if (text == "auto") return ProgressStyle::kAuto;
  if (text == "bar") return ProgressStyle::kBar;
  if (text == "lines") return ProgressStyle::kLines;
  if (text == "none") return ProgressStyle::kNone;
  return std::nullopt;
}

std::string FormatProgressBar(const JobProgress& p, int width) {
  const double fraction =
      p.total == 0 ? 1.0
                   : std::clamp(static_cast<double>(p.done) / static_cast<double>(p.total),
                                0.0, 1.0);
  const int filled = static_cast<int>(fraction * width);
  return fmt::format("[{}{}] {:>3}% {}/{} {}", std::string(filled, '#'),
                     std::string(width - filled, '.'), static_cast<int>(fraction * 100),
                     p.done, p.total, p.stage);
}

ProgressReporter::ProgressReporter(ProgressStyle style) : style_(style) {
  if (style_ == ProgressStyle::kAuto) {
    style_ = ::isatty(STDERR_FILENO) ? ProgressStyle::kBar : ProgressStyle::kNone;
  }
}

ProgressReporter::~ProgressReporter() {
  if (drawn_) fmt::print(stderr, "\n");
}

void ProgressReporter::Update(const JobProgress& progress) {
  switch (style_) {
    case ProgressStyle::kBar:
      fmt::print(stderr, "\r{}", FormatProgressBar(progress));
      drawn_ = true;
      break;
    case ProgressStyle::kLines:
      fmt::print(stderr, "progress {} {}/{}\n", progress.stage, progress.done,
                 progress.total);
      break;
    case ProgressStyle::kAuto:
    case ProgressStyle::kNone:
      break;
  }
  std::fflush(stderr);
}

ProgressFn ProgressReporter::Callback() {
  return [this](const JobProgress& progress) { Update(progress); };
}

}  // namespace cvault::cli
