// cvault::Clock: where the vault reads the time. Inject a fake in tests to
// move time (consent expiry, refund timeframes, checkpoint times).
//
// Implementations must be thread-safe.
#ifndef CVAULT_CLOCK_H_
#define CVAULT_CLOCK_H_

#include <chrono>
#include <memory>
#include <string>

namespace cvault {

using Timestamp = std::chrono::sys_time<std::chrono::microseconds>;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Timestamp Now() const = 0;
};

// The system's UTC wall clock.
std::shared_ptr<Clock> SystemClock();

// "2026-11-26T10:15:00.000000Z".
std::string FormatTimestamp(Timestamp t);

}  // namespace cvault

#endif  // CVAULT_CLOCK_H_
