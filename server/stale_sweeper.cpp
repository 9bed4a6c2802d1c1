#include "server/stale_sweeper.hpp"

#include <exception>

#include "account/settings.hpp"
#include "activation/sweep.hpp"
#include "core/ids.hpp"
#include "core/log.hpp"
#include "core/thread_name.hpp"
#include "server/app.hpp"

namespace twostep::server {
namespace {

// Whether any active device is stale: checked first so that an idle organisation does not
// get a "device.stale_sweep" audit row every ten minutes.
bool any_stale(store::Tx& tx, const core::Clock& clock, int days) {
  activation::DeviceFilter filter;
  filter.status = activation::DeviceStatus::kActive;
  filter.not_seen_days = days;
  filter.limit = 1;
  auto page = activation::list_devices(tx, clock, filter);
  return page && !page->items.empty();
}

// The setting, or 0 when the sweep is off or nothing is stale.
int due_days(store::Store& store, const core::Clock& clock) {
  return store.read([&](store::Tx& tx) {
    const int days = account::load_settings(tx).stale_device_days;
    return days > 0 && any_stale(tx, clock, days) ? days : 0;
  });
}

}  // namespace

std::vector<activation::Deactivation> run_stale_sweep(store::Store& store, const core::Clock& clock,
                                                      core::Random& random,
                                                      const DeactivationSink& sink,
                                                      int max_batches) {
  std::vector<activation::Deactivation> all;
  const int days = due_days(store, clock);
  if (days == 0) return all;
  const store::AuditContext who{"system", "", core::new_id("sweep", random)};
  for (int batch = 0; batch < max_batches; ++batch) {
    auto sweep = store.write([&](store::Tx& tx) {
      return activation::sweep_stale_devices(tx, clock, who, days, false);
    });
    if (!sweep) break;  // only a bad setting could cause this; load_settings prevents it
    if (!sweep->deactivations.empty()) sink(sweep->deactivations);
    all.insert(all.end(), sweep->deactivations.begin(), sweep->deactivations.end());
    if (!sweep->more) break;
  }
  core::log(core::LogLevel::kInfo, "stale sweep",
            {{"not_seen_days", std::to_string(days)},
             {"deactivated", std::to_string(all.size())},
             {"correlation_id", who.correlation_id}});
  return all;
}

StaleSweeper::StaleSweeper(App& app, std::chrono::seconds interval)
    : thread_([this, &app, interval] { loop(app, interval); }) {}

StaleSweeper::~StaleSweeper() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void StaleSweeper::loop(App& app, std::chrono::seconds interval) {
  core::name_this_thread("stale-sweeper");
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, interval, [this] { return stopping_; })) {
    lock.unlock();
    try {
      run_stale_sweep(*app.store, app.clock, app.random,
                      [&app](const auto& done) { app.on_devices_deactivated(done); });
    } catch (const std::exception& e) {
      // A store failure ends this pass only; the next one tries again.
      core::log(core::LogLevel::kError, "stale sweep failed", {{"error", e.what()}});
    }
    lock.lock();
  }
}

}  // namespace twostep::server
