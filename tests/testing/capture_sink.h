// Keeps every line of the vault's operational log (Options::log), so tests
// can assert what never reached it. Thread-safe.
#ifndef CVAULT_TESTS_TESTING_CAPTURE_SINK_H_
#define CVAULT_TESTS_TESTING_CAPTURE_SINK_H_

#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "cvault/options.h"

namespace cvault::testing {

class CaptureSink final {
 public:
  void Append(std::string_view line) {
    std::lock_guard lock(mu_);
    text_.append(line);
    text_.push_back('\n');
  }
  std::string Text() {
    std::lock_guard lock(mu_);
    return text_;
  }

 private:
  std::mutex mu_;
  std::string text_;
};

// An Options::log that writes every level into `sink`.
inline LogFn CaptureLog(std::shared_ptr<CaptureSink> sink) {
  return
      [sink = std::move(sink)](LogLevel, std::string_view line) { sink->Append(line); };
}

}  // namespace cvault::testing

#endif  // CVAULT_TESTS_TESTING_CAPTURE_SINK_H_
