// The device WebSocket endpoint: upgrade hand-over, session registry, shutdown, start-up.
#include "server/device_gateway.hpp"

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
  app.push_runtime->start([&app] { app.push->expire_due(); });
  return std::make_unique<DeviceEndpoint>(app);
}

}  // namespace twostep::server
