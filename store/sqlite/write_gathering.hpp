// When the SQLite writer waits for more writes to join a batch, as PostgreSQL's commit_delay
// does (store/sqlite/sqlite_writer.hpp): only after a batch of several writes, which shows
// writes coming from several callers, and only while writes have lately been arriving less
// than the wait apart, so that one is expected to join. A caller writing on its own and a
// trickle of writes never wait.
#pragma once

#include <chrono>
#include <cstddef>

namespace twostep::store {

class WriteGathering {
 public:
  using Clock = std::chrono::steady_clock;
  /// The most writes a batch waits for.
  static constexpr std::size_t kMaxTarget = 64;

  /// `window` bounds each wait; zero never waits.
  explicit WriteGathering(std::chrono::microseconds window) : window_(window) {}

  /// Notes that a write was queued at `now`.
  void arrived(Clock::time_point now);

  /// How many queued writes the next batch should wait for, up to window(), when `queued`
  /// are queued and the last batch carried `last_batch`; zero when it should not wait.
  std::size_t target(std::size_t queued, std::size_t last_batch) const;

  std::chrono::microseconds window() const { return window_; }

 private:
  const std::chrono::microseconds window_;
  // A moving average of the time between two arrivals, over about the last eight: long
  // enough to see through the few writes one request makes back to back, short enough to
  // follow the load. It starts long: no gathering until writes have been arriving fast.
  Clock::duration mean_gap_ = std::chrono::seconds(1);
  Clock::time_point last_arrival_;
  bool arrived_before_ = false;
};

}  // namespace twostep::store
