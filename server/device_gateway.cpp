// The device WebSocket endpoint: upgrade hand-over, session registry, shutdown, start-up.
#include "server/device_gateway.hpp"

#include <atomic>
#include <cstdint>

#include <boost/beast/core/string.hpp>

#include "server/device_session.hpp"
#include "server/push_runtime.hpp"
#include "server/server.hpp"

namespace twostep::server {
namespace {

std::string_view without_trailing_slash(std::string_view s) {
  if (!s.empty() && s.back() == '/') s.remove_suffix(1);
  return s;
}

// The push service's running totals as Prometheus counters, and the hub's and long polls'
// sizes as gauges, brought up to date once a second by the push runtime's tick.
class PushMetrics {
 public:
  explicit PushMetrics(App& app)
      : app_(app),
        channels_(app.metrics.gauge("twostep_device_channels",
                                    "Device channels registered with this node's hub")),
        polls_(app.metrics.gauge("twostep_transaction_long_polls",
                                 "Transaction status long polls waiting")) {
    const push::PushCounters& c = app.push->counters();
    for (auto [name, source] : {std::pair{"created", &c.created}, std::pair{"refused", &c.refused},
                                std::pair{"approved", &c.approved}, std::pair{"denied", &c.denied},
                                std::pair{"fraud", &c.fraud}, std::pair{"expired", &c.expired}}) {
      totals_.push_back(
          Total{source,
                &app.metrics.counter("twostep_push_transactions_total",
                                     "Push transactions by outcome", {{"outcome", name}}),
                0});
    }
  }

  void update() {
    for (Total& t : totals_) {
      const std::uint64_t now = t.source->load(std::memory_order_relaxed);
      t.counter->increment(now - t.seen);
      t.seen = now;
    }
    channels_.set(static_cast<double>(app_.device_hub.channel_count()));
    polls_.set(static_cast<double>(app_.push_runtime->waiting_polls()));
  }

 private:
  struct Total {
    const std::atomic<std::uint64_t>* source;
    Counter* counter;
    std::uint64_t seen;
  };
  App& app_;
  Gauge& channels_;
  Gauge& polls_;
  std::vector<Total> totals_;
};

}  // namespace

bool origin_allowed(std::string_view origin, const std::vector<std::string>& allowed) {
  if (origin.empty()) return true;
  const std::string_view wanted = without_trailing_slash(origin);
  for (const std::string& entry : allowed) {
    if (beast::iequals(without_trailing_slash(entry), wanted)) return true;
  }
  return false;
}

DeviceGateway::DeviceGateway(App& app)
    : authenticated(app.metrics.gauge("twostep_device_sessions",
                                      "Authenticated device WebSocket sessions on this node")),
      dropped(app.metrics.counter("twostep_device_sessions_dropped_total",
                                  "Device sessions dropped because their outgoing queue was full")),
      app_(app) {}

PushRuntime& DeviceGateway::runtime() const { return *app_.push_runtime; }

void DeviceGateway::handle_upgrade(UpgradeRequest&& upgrade) {
  std::make_shared<DeviceSession>(shared_from_this(), std::move(upgrade))->start();
}

bool DeviceGateway::enter(const std::shared_ptr<DeviceSession>& session) {
  std::lock_guard lock(mutex_);
  if (stopping_) return false;
  sessions_.emplace(session.get(), session);
  return true;
}

void DeviceGateway::leave(const DeviceSession* session) {
  std::lock_guard lock(mutex_);
  sessions_.erase(session);
}

void DeviceGateway::shutdown() {
  std::vector<std::shared_ptr<DeviceSession>> open;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    for (const auto& [key, weak] : sessions_) {
      if (auto session = weak.lock()) open.push_back(std::move(session));
    }
  }
  for (const auto& session : open) session->going_away();
}

DeviceEndpoint::~DeviceEndpoint() { app_.push_runtime->stop(); }

std::unique_ptr<DeviceEndpoint> start_device_websocket(Server& server, App& app) {
  auto gateway = std::make_shared<DeviceGateway>(app);
  server.add_upgrade_handler(
      std::string(kDeviceWebSocketPath),
      [gateway](UpgradeRequest&& upgrade) { gateway->handle_upgrade(std::move(upgrade)); });
  server.on_shutdown([gateway] { gateway->shutdown(); });
  auto metrics = std::make_shared<PushMetrics>(app);
  app.push_runtime->start([&app, metrics] {
    app.push->expire_due();
    metrics->update();
  });
  return std::make_unique<DeviceEndpoint>(app);
}

}  // namespace twostep::server
