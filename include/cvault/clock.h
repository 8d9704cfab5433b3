// cvault::Clock: where the vault reads the time. Inject a fake in tests to
// move time (consent expiry, refund timeframes, checkpoint times).
//
// Implementations must be thread-safe.
#ifndef CVAULT_CLOCK_H_
#define CVAULT_CLOCK_H_

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "cvault/status.h"
#include "cvault/visibility.h"

namespace cvault {

using Timestamp = std::chrono::sys_time<std::chrono::microseconds>;

class CVAULT_EXPORT Clock {
 public:
  virtual ~Clock() = default;
  virtual Timestamp Now() const = 0;
};

// The system's UTC wall clock.
CVAULT_EXPORT std::shared_ptr<Clock> SystemClock();

// "2026-11-26T10:15:00.000000Z".
CVAULT_EXPORT std::string FormatTimestamp(Timestamp t);

// Parses UTC times: "2026-11-26T10:15:00Z", with optional fractional
// seconds (up to 6 digits), or a date "2026-11-26" (midnight UTC).
// InvalidArgument naming `field` otherwise.
CVAULT_EXPORT StatusOr<Timestamp> ParseTimestamp(std::string_view text,
                                                 std::string_view field = "time");

}  // namespace cvault

#endif  // CVAULT_CLOCK_H_
