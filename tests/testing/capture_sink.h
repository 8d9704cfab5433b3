// An spdlog sink that keeps every formatted line, so tests can assert what
// never reached the operational log. Thread-safe (spdlog's mutex sink base).
#ifndef CVAULT_TESTS_TESTING_CAPTURE_SINK_H_
#define CVAULT_TESTS_TESTING_CAPTURE_SINK_H_

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <mutex>
#include <string>

namespace cvault::testing {

class CaptureSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  std::string Text() {
    std::lock_guard lock(this->mutex_);
    return text_;
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t buf;
    this->formatter_->format(msg, buf);
    text_.append(buf.data(), buf.size());
  }
  void flush_() override {}

 private:
  std::string text_;
};

// A logger at trace level that writes into `sink`.
inline std::shared_ptr<spdlog::logger> CaptureLogger(std::shared_ptr<CaptureSink> sink) {
  auto logger = std::make_shared<spdlog::logger>("cvault-test", std::move(sink));
  logger->set_level(spdlog::level::trace);
  return logger;
}

}  // namespace cvault::testing

#endif  // CVAULT_TESTS_TESTING_CAPTURE_SINK_H_
