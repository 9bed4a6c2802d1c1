// The device WebSocket endpoint's wiring: the upgrade handler for /v1/device/ws, the
// registry of open device sessions (so graceful shutdown can close them with 1001), the
// Origin allow-list, and start_device_websocket(), which `twostep serve` calls once the
// Server exists. Free of Beast, so cli_serve.cpp includes it cheaply.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "server/app.hpp"
#include "server/metrics.hpp"

namespace twostep::server {

class DeviceSession;
class PushRuntime;
class Server;
struct UpgradeRequest;

/// The path of the device WebSocket.
inline constexpr std::string_view kDeviceWebSocketPath = "/v1/device/ws";

/// True when a handshake with this `Origin` header may proceed: no Origin (a native app, not
/// a browser) or one equal, ignoring ASCII case, to an entry of `allowed` (a trailing '/'
/// on either side is ignored). Everything else, "null" included, is refused: a web page
/// must not open a device socket with its visitor's network position (CSWSH).
bool origin_allowed(std::string_view origin, const std::vector<std::string>& allowed);

class DeviceGateway : public std::enable_shared_from_this<DeviceGateway> {
 public:
  explicit DeviceGateway(App& app);

  App& app() const { return app_; }
  PushRuntime& runtime() const;

  /// Takes over an upgraded connection (the Server's upgrade handler; on its strand).
  void handle_upgrade(UpgradeRequest&& upgrade);
  /// Graceful shutdown: every open session closes with 1001; later sessions are refused.
  void shutdown();

  /// A session registers after its WebSocket handshake; false when shutting down (the
  /// session then closes at once).
  bool enter(const std::shared_ptr<DeviceSession>& session);
  void leave(const DeviceSession* session);

  /// twostep_device_sessions: authenticated device sessions on this node.
  Gauge& authenticated;
  /// twostep_device_sessions_dropped_total: sessions dropped for not reading their frames.
  Counter& dropped;

 private:
  App& app_;
  std::mutex mutex_;
  bool stopping_ = false;
  std::unordered_map<const DeviceSession*, std::weak_ptr<DeviceSession>> sessions_;
};

/// Keeps the push runtime running; destroy it after Server::run() returns and before the
/// Server itself, so that no queued work outlives the connections it refers to.
class DeviceEndpoint {
 public:
  explicit DeviceEndpoint(App& app) : app_(app) {}
  ~DeviceEndpoint();
  DeviceEndpoint(const DeviceEndpoint&) = delete;
  DeviceEndpoint& operator=(const DeviceEndpoint&) = delete;

 private:
  App& app_;
};

/// Registers /v1/device/ws and the shutdown hook on `server`, and starts the push runtime
/// (device session work, long-poll timers, the expiry sweep once a second).
[[nodiscard]] std::unique_ptr<DeviceEndpoint> start_device_websocket(Server& server, App& app);

}  // namespace twostep::server
