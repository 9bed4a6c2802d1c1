// The server's clock: the system clock, which integration tests of a test build can move
// forward. Idle and absolute session timeouts, code expiries and lockouts are enforced by
// the server process, so a test that wants to see them end must move the server's own
// time; it cannot wait an hour.
//
// Only a build compiled with TWOSTEP_TESTING (the Debug builds: dev and tsan presets, see
// TWOSTEP_TEST_HOOKS in the top CMakeLists.txt) reads the offset: the environment variable
// TWOSTEP_TEST_CLOCK_FILE names a file holding a whole number of seconds (may be negative)
// that is added to the system time. The file is stat()ed on each reading and re-read only
// when its modification time or size changed. A release build ignores the variable
// entirely and is exactly SystemClock.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>

#include "core/clock.hpp"

namespace twostep::core {

class ServerClock final : public Clock {
 public:
  /// Reads TWOSTEP_TEST_CLOCK_FILE once (test builds only).
  ServerClock();
  TimePoint now() const override;

  /// True when this build honours TWOSTEP_TEST_CLOCK_FILE.
  static bool test_hooks_enabled();

 private:
  std::int64_t offset_seconds() const;

  std::string file_;  // "" when not set or not a test build
  mutable std::mutex mutex_;
  mutable std::atomic<std::int64_t> offset_{0};
  mutable std::int64_t seen_mtime_ns_ = -1;
  mutable std::int64_t seen_size_ = -1;
};

}  // namespace twostep::core
