// The background stale-device sweep: when the organisation sets stale_device_days (0 = off),
// devices not seen for that many days are deactivated with reason `stale`, exactly as the
// admin's POST /v1/authenticators/deactivate-stale would, with the actor "system". It runs on
// one sleeping thread of its own, every ten minutes by default, and only in `twostep serve`.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "activation/devices.hpp"
#include "core/clock.hpp"
#include "core/random.hpp"
#include "store/store.hpp"

namespace twostep::server {

struct App;

/// Told about each batch of deactivations after it committed.
using DeactivationSink = std::function<void(const std::vector<activation::Deactivation>&)>;

/// One pass: reads the setting and, when it is on and some active device is stale,
/// deactivates stale devices in bounded batches (at most `max_batches` of the sweep's
/// default size) and audits each batch. Returns every deactivation it made.
std::vector<activation::Deactivation> run_stale_sweep(store::Store& store, const core::Clock& clock,
                                                      core::Random& random,
                                                      const DeactivationSink& sink,
                                                      int max_batches = 20);

class StaleSweeper {
 public:
  static constexpr std::chrono::seconds kDefaultInterval{600};

  /// Starts the thread; the first pass runs one interval after start. `app` must outlive
  /// the sweeper.
  explicit StaleSweeper(App& app, std::chrono::seconds interval = kDefaultInterval);
  /// Stops the thread, waiting for a pass in progress to end.
  ~StaleSweeper();
  StaleSweeper(const StaleSweeper&) = delete;
  StaleSweeper& operator=(const StaleSweeper&) = delete;

 private:
  void loop(App& app, std::chrono::seconds interval);

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace twostep::server
