// Time comes in through Clock so tests can move it instead of sleeping; only main() makes
// a SystemClock.
#pragma once

#include <atomic>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace twostep::core {

using TimePoint = std::chrono::system_clock::time_point;

/// Wall-clock time source.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
};

/// The real clock.
class SystemClock final : public Clock {
 public:
  TimePoint now() const override { return std::chrono::system_clock::now(); }
};

/// A clock that tests set and advance by hand. Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimePoint start) : now_(start.time_since_epoch().count()) {}
  TimePoint now() const override { return TimePoint(TimePoint::duration(now_.load())); }
  void advance(std::chrono::system_clock::duration d) { now_ += d.count(); }
  void set(TimePoint t) { now_ = t.time_since_epoch().count(); }

 private:
  std::atomic<TimePoint::rep> now_;
};

/// Seconds since the Unix epoch.
std::int64_t unix_seconds(TimePoint t);
TimePoint from_unix_seconds(std::int64_t s);

/// RFC 3339 UTC with second precision: "2026-11-27T23:45:11Z".
std::string to_rfc3339(TimePoint t);
/// Parses RFC 3339 (UTC "Z" or numeric offset, optional fraction); nullopt when malformed.
std::optional<TimePoint> parse_rfc3339(std::string_view s);

}  // namespace twostep::core
