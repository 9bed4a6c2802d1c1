// The HTTPS server: a TLS listener, one coroutine per connection (HTTP/1.1 keep-alive, a
// deadline on every read and write, size limits), routing, authentication and handlers on
// a worker pool, and graceful shutdown. Free of Beast and Asio so that main and tests can
// include it cheaply; the network code lives in server.cpp and session.cpp.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/clock.hpp"
#include "core/config.hpp"
#include "core/random.hpp"
#include "server/authenticator.hpp"
#include "server/metrics.hpp"
#include "server/router.hpp"

namespace twostep::server {

struct UpgradeRequest;  // server/upgrade.hpp
struct TlsFiles;        // server/certificate.hpp
/// Takes over a connection whose request asked to upgrade on a registered path. Runs on
/// the connection's strand; must not block.
using UpgradeHandler = std::function<void(UpgradeRequest&&)>;

struct ServerOptions {
  /// Stop gracefully on SIGTERM and SIGINT, and run the on_reload hooks on SIGHUP (off for
  /// servers embedded in tests).
  bool handle_signals = true;
  /// How long in-flight requests may take to finish after shutdown begins.
  std::chrono::milliseconds shutdown_grace{5000};
};

class Server {
 public:
  /// Binds the listener (so port() is known at once) and loads the TLS certificate,
  /// creating a self-signed one in DATA_DIR/tls on first run. `router`, `authenticator`,
  /// `metrics` and `random` must outlive the server. Throws core::ConfigError when the
  /// address cannot be bound or the certificate cannot be loaded.
  Server(const core::Config& config, const Router& router, Authenticator& authenticator,
         MetricsRegistry& metrics, core::Random& random, const core::Clock& clock,
         ServerOptions options = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// The bound port (the real one when the configured port was 0).
  std::uint16_t port() const;
  /// The bound address, e.g. "127.0.0.1" or "::".
  std::string address() const;

  /// Routes upgrade requests (Upgrade: websocket) for exactly `path` to `handler`.
  void add_upgrade_handler(std::string path, UpgradeHandler handler);
  /// Called once on an I/O thread when graceful shutdown begins, e.g. to close WebSocket
  /// sessions with "going away". Register before run().
  void on_shutdown(std::function<void()> hook);
  /// Called on a worker thread on each SIGHUP (with handle_signals), e.g. to reload the
  /// configuration and the certificate. Register before run().
  void on_reload(std::function<void()> hook);
  /// Loads `files` into a new TLS context that new connections use; open connections keep
  /// the one they started with. Throws core::ConfigError when the files do not load, and
  /// the old context stays in force. Thread-safe.
  void replace_tls(const TlsFiles& files);

  /// Serves on config.io_threads threads (this one included) until shutdown completes.
  void run();
  /// Begins graceful shutdown: stop accepting, finish in-flight requests (bounded by
  /// ServerOptions::shutdown_grace), close idle keep-alive connections. Thread-safe.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace twostep::server
