#include "vault/log_sink.h"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/null_sink.h>

#include <mutex>
#include <string_view>
#include <utility>

namespace cvault::internal {
namespace {

LogLevel LevelOf(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace:
    case spdlog::level::debug:
      return LogLevel::kDebug;
    case spdlog::level::info:
      return LogLevel::kInfo;
    case spdlog::level::warn:
      return LogLevel::kWarning;
    default:
      return LogLevel::kError;
  }
}

// Hands the bare message (no time or level prefix: the caller's log adds
// its own) to the caller's function. The base class's mutex serialises the
// calls, so `log_` sees one line at a time.
class LogFnSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit LogFnSink(LogFn log) : log_(std::move(log)) {}

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    log_(LevelOf(msg.level), std::string_view(msg.payload.data(), msg.payload.size()));
  }
  void flush_() override {}

 private:
  LogFn log_;
};

}  // namespace

std::shared_ptr<spdlog::logger> MakeLogger(LogFn log) {
  if (!log) {
    auto logger = std::make_shared<spdlog::logger>(
        "cvault", std::make_shared<spdlog::sinks::null_sink_mt>());
    logger->set_level(spdlog::level::off);
    return logger;
  }
  auto logger = std::make_shared<spdlog::logger>(
      "cvault", std::make_shared<LogFnSink>(std::move(log)));
  logger->set_level(spdlog::level::debug);
  return logger;
}

}  // namespace cvault::internal
