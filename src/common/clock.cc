#include "cvault/clock.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

namespace cvault {
namespace {

class SystemUtcClock final : public Clock {
 public:
  Timestamp Now() const override {
    return std::chrono::time_point_cast<std::chrono::microseconds>(
        std::chrono::system_clock::now());
  }
};

}  // namespace

std::shared_ptr<Clock> SystemClock() {
  static const std::shared_ptr<Clock> clock = std::make_shared<SystemUtcClock>();
  return clock;
}

std::string FormatTimestamp(Timestamp t) {
  auto seconds = std::chrono::floor<std::chrono::seconds>(t);
  auto micros = (t - seconds).count();
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:06d}Z", seconds, micros);
}

}  // namespace cvault
