// State shared by the listener and every connection of one Server. Internal to the network
// code (Asio types).
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/asio/ssl/context.hpp>
#include <boost/asio/thread_pool.hpp>

#include "core/config.hpp"
#include "core/random.hpp"
#include "server/authenticator.hpp"
#include "server/connection_slot.hpp"
#include "server/pending_calls.hpp"
#include "server/request_log.hpp"
#include "server/router.hpp"
#include "server/server.hpp"

namespace twostep::server {

class Session;

/// Live HTTP sessions, so that shutdown can close the idle ones.
class SessionRegistry {
 public:
  void add(const std::shared_ptr<Session>& session);
  void remove(const Session* session);
  std::vector<std::shared_ptr<Session>> snapshot();

 private:
  std::mutex mutex_;
  std::unordered_map<const Session*, std::weak_ptr<Session>> sessions_;
};

struct ServerContext {
  ServerContext(const core::Config& config_in, const Router& router_in,
                Authenticator& authenticator_in, MetricsRegistry& metrics, core::Random& random_in)
      : config(config_in),
        router(router_in),
        authenticator(authenticator_in),
        random(random_in),
        log(metrics),
        workers(config_in.worker_threads),
        read_timeout(config_in.read_timeout_seconds),
        idle_timeout(config_in.idle_timeout_seconds),
        write_timeout(config_in.read_timeout_seconds) {}

  core::Config config;
  const Router& router;
  Authenticator& authenticator;
  core::Random& random;
  RequestLog log;
  boost::asio::thread_pool workers;  // authentication and handlers; never the I/O threads
  /// The context new connections use; a reload swaps it (tls_context / set_tls_context).
  std::shared_ptr<boost::asio::ssl::context> tls;
  std::mutex tls_mutex;
  std::shared_ptr<boost::asio::ssl::context> tls_context() {
    std::lock_guard lock(tls_mutex);
    return tls;
  }
  void set_tls_context(std::shared_ptr<boost::asio::ssl::context> next) {
    std::lock_guard lock(tls_mutex);
    tls = std::move(next);
  }
  std::map<std::string, UpgradeHandler, std::less<>> upgrades;
  PendingCalls calls;
  std::shared_ptr<ConnectionLimiter> connections;
  SessionRegistry sessions;
  std::atomic<bool> stopping{false};
  std::chrono::seconds read_timeout;   // TLS handshake, and request headers + body
  std::chrono::seconds idle_timeout;   // between keep-alive requests
  std::chrono::seconds write_timeout;  // one response
};

/// Request headers larger than this are answered with 431 (Beast's default, made explicit).
inline constexpr std::uint32_t kHeaderLimit = 8 * 1024;

}  // namespace twostep::server
