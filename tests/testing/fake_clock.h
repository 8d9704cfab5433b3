// A clock tests can move. Thread-safe.
#ifndef CVAULT_TESTS_TESTING_FAKE_CLOCK_H_
#define CVAULT_TESTS_TESTING_FAKE_CLOCK_H_

#include <atomic>
#include <chrono>

#include "cvault/clock.h"

namespace cvault::testing {

class FakeClock final : public Clock {
 public:
  // 2026-01-15T09:00:00Z by default.
  explicit FakeClock(std::int64_t start_us = 1768467600LL * 1000000)
      : now_us_(start_us) {}
  Timestamp Now() const override {
    return Timestamp(std::chrono::microseconds(now_us_.load()));
  }
  void Advance(std::chrono::microseconds by) { now_us_ += by.count(); }
  void Set(Timestamp at) { now_us_ = at.time_since_epoch().count(); }

 private:
  std::atomic<std::int64_t> now_us_;
};

}  // namespace cvault::testing

#endif  // CVAULT_TESTS_TESTING_FAKE_CLOCK_H_
