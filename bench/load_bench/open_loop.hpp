// An open-loop load (the role wrk2 plays elsewhere; it is not in Debian): round trip i is due at
// start + i / rate, whatever happened to the ones before it, so a slow server shows up as queueing
// delay instead of a lower request rate (no coordinated omission). Several workers take the round
// trips in order; each sample is measured from the moment it was due.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

namespace twostep::bench {

using Clock = std::chrono::steady_clock;

/// What one round trip reports: when it finished, what the answer was, when its push
/// reached the device (push round trips), or why it failed.
struct Sample {
  Clock::time_point finished;
  std::optional<Clock::time_point> delivered;
  std::string error;    // empty on success
  std::string outcome;  // counted by kind when set, e.g. "approved", "replayed_code"
};

/// One worker's way of running round trip `index`, started at `sent`.
using RoundTrip = std::function<Sample(std::size_t index, Clock::time_point sent)>;

struct OpenLoopPlan {
  double rate = 200;         // round trips started per second
  std::size_t count = 4000;  // round trips in all
  std::size_t workers = 32;  // threads, each with its own RoundTrip (its own connection)
};

/// Everything the round trips reported, gathered from any thread.
class SampleLog {
 public:
  /// Round trip due at `due`, sent at `sent`, reported `sample`.
  void add(Clock::time_point due, Clock::time_point sent, const Sample& sample);
  /// The figures described at run_open_loop, the loop having started at `start`.
  boost::json::object summary(const OpenLoopPlan& plan, Clock::time_point start);

 private:
  std::mutex mutex_;
  std::vector<double> total_, service_, to_device_;
  std::vector<std::string> errors_;
  std::map<std::string, std::size_t> outcomes_;
  std::size_t late_ = 0;
  Clock::time_point last_finished_;
};

/// Runs the plan; `make_worker` is called once per worker thread, on that thread. Returns
/// {"rate", "count", "ok", "failed", "first_errors", "outcomes": {kind: n},
///  "total_ms": {p50, p90, p99, max}, "service_ms" (from the actual send), "to_device_ms",
///  "late_starts" (due but no worker free for more than 1 ms), "seconds" (first due to last
///  finished), "achieved_per_s"}.
boost::json::object run_open_loop(const OpenLoopPlan& plan,
                                  const std::function<RoundTrip()>& make_worker);

}  // namespace twostep::bench
