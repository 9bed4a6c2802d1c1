// The wiring of one twostep process: configuration, the real clock and randomness, the
// store, the sealer for secrets at rest, the metrics registry, the authenticator, and the
// domain services built on them. `twostep serve` and the admin CLI commands both start from
// an App, so they work on the same data dir and database. Route registration is in one
// place too: register_routes() in app.cpp calls every API area's register_*_routes.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "activation/devices.hpp"
#include "core/clock.hpp"
#include "core/config.hpp"
#include "core/crypto.hpp"
#include "core/random.hpp"
#include "core/server_clock.hpp"
#include "phone/phone_service.hpp"
#include "phone/provider.hpp"
#include "push/cluster_fanout.hpp"
#include "push/hub.hpp"
#include "push/push_service.hpp"
#include "push/waiters.hpp"
#include "server/authenticator.hpp"
#include "server/metrics.hpp"
#include "server/router.hpp"
#include "store/store.hpp"

namespace twostep::server {

class PushRuntime;  // server/push_runtime.hpp

struct App {
  /// Creates the data dir (mode 0700) when missing, loads or creates the master key, opens
  /// the store (applying migrations) and builds the services. Throws core::ConfigError or
  /// store::StoreError with a message for the operator.
  explicit App(core::Config config_in);
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  /// Mutable until the server runs: `serve` fills in public_url with the bound port when it
  /// was not configured, so read config.base_url() when a request needs it, not earlier.
  core::Config config;
  /// The system clock; test builds let integration tests move it (core/server_clock.hpp).
  core::ServerClock clock;
  core::SystemRandom random;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<core::Sealer> sealer;
  MetricsRegistry metrics;
  /// Resolves credentials for non-public routes.
  std::unique_ptr<Authenticator> authenticator;

  // ---- Push approvals and the device WebSocket (push/, server/device_*) ----------------
  /// Long polls waiting for a transaction to change (GET /v1/auth/transactions/{txid}).
  push::TransactionWaiters transaction_waiters;
  /// This node's connected devices.
  push::LocalHub device_hub{transaction_waiters};
  /// On PostgreSQL, cross-node delivery through LISTEN/NOTIFY (push/cluster_fanout.hpp;
  /// its listener runs in `serve`, server/cluster_wiring.hpp); null on SQLite.
  std::unique_ptr<push::ClusterFanout> cluster_fanout;
  /// The push service's fan-out, and the path of every deactivation and transaction change:
  /// cluster_fanout when there is one, else device_hub.
  push::PushFanout* fanout = &device_hub;
  std::unique_ptr<push::PushService> push;
  /// Threads and timers for device sessions, long polls and the expiry sweep; started by
  /// start_device_websocket() (server/device_gateway.hpp), idle in CLI commands.
  std::unique_ptr<PushRuntime> push_runtime;
  /// Called after a transaction that deactivated devices has committed, so the connection
  /// hub can tell each device why and close its socket (and cancel its pushes). The push
  /// wiring replaces this no-op; handlers call it after every such commit.
  std::function<void(const std::vector<activation::Deactivation>&)> on_devices_deactivated =
      [](const std::vector<activation::Deactivation>&) {};

  // ---- Phone methods (phone/, server/phone_wiring.hpp) -----------------------------------
  /// Carries SMS and voice messages: the outbox file, or the configured webhook.
  std::unique_ptr<phone::Provider> phone_provider;
  /// Phone numbers, their verification, and sign-in codes. Its transactions ("stx…") wake
  /// the same transaction_waiters as pushes when they change.
  std::unique_ptr<phone::PhoneService> phone;

  ~App();
};

/// Adds every route of the API to `router` (the one list, in app.cpp).
void register_routes(Router& router, App& app);

}  // namespace twostep::server
