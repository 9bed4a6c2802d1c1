// One device's WebSocket link to the server (API.md, "Device WebSocket"): connect over TLS,
// answer the hello with a signed auth, then receive push / cancel / result / notice /
// deactivated frames and send signed answers, reconnecting with backoff when the link drops.
//
// Built to be held by the thousand on one io_context (the load generator of the benchmarks):
// no thread per connection, everything on a per-connection strand, and while a connection
// waits to reconnect it holds no socket and no TLS state.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "client/backoff.hpp"
#include "client/device_key.hpp"
#include "client/protocol.hpp"
#include "client/state.hpp"
#include "client/tls_options.hpp"
#include "client/url.hpp"
#include "core/error.hpp"
#include "core/random.hpp"

namespace twostep::client {

/// Where devices connect and how they trust the server; one is shared by every connection to
/// the same server (the TLS context is the costly part).
struct ServerTarget {
  Url ws_url;
  TlsOptions tls;
  std::shared_ptr<boost::asio::ssl::context> tls_context;
};

/// A target for `ws_url` (wss://, or an https:// origin, which means its /v1/device/ws).
core::Result<std::shared_ptr<const ServerTarget>> make_server_target(const Url& ws_url,
                                                                     const TlsOptions& tls);

/// Who the device is: its id and its key.
struct DeviceIdentity {
  std::string device_id;
  std::shared_ptr<const DeviceKey> key;
};

struct ConnectionOptions {
  /// Limit for each of: TCP connect, TLS handshake, WebSocket handshake, and the auth
  /// exchange up to `ready`; also the WebSocket close handshake.
  std::chrono::seconds handshake_timeout{30};
  /// A link silent for half of this gets a ping; silent for all of it, it is dropped.
  std::chrono::seconds idle_timeout{60};
  /// Reconnect after a drop (never after 4401, 4403, `deactivated` or stop()).
  bool reconnect = true;
  BackoffPolicy backoff;
  /// Source address to bind (spreading load over 127.0.0.0/8 when ports run short).
  std::optional<boost::asio::ip::address> local_address;
  std::string user_agent = "twostep-device";
};

/// How a connection attempt ended.
struct CloseInfo {
  int close_code = 0;      // the server's WebSocket close code; 0 when there was none
  std::string reason;      // for people: what happened
  bool was_ready = false;  // the attempt got as far as `ready`
  /// No more attempts: stop() was called, the server closed with 4401 (unknown device or bad
  /// signature) or 4403 (deactivated), sent `deactivated`, or reconnecting is off.
  bool final = false;
  std::chrono::milliseconds retry_in{0};  // when not final: the delay before the next attempt
};

class DeviceConnection;

/// What a connection reports. Called on the connection's strand, one at a time per
/// connection; must not block; may call the connection's methods. One object may serve
/// many connections. The defaults ignore the event.
class DeviceEvents {
 public:
  virtual ~DeviceEvents() = default;
  /// Authenticated; the server will now send `pending` waiting push requests.
  virtual void on_ready(DeviceConnection& /*connection*/, std::int64_t /*pending*/) {}
  virtual void on_push(DeviceConnection& /*connection*/, const PushRequest& /*push*/) {}
  virtual void on_cancel(DeviceConnection& /*connection*/, const Cancel& /*cancel*/) {}
  virtual void on_result(DeviceConnection& /*connection*/, const PushResult& /*result*/) {}
  virtual void on_notice(DeviceConnection& /*connection*/, const Notice& /*notice*/) {}
  virtual void on_error(DeviceConnection& /*connection*/, const ServerError& /*error*/) {}
  /// The server deactivated this device; a close with 4403 follows and the connection stops.
  virtual void on_deactivated(DeviceConnection& /*connection*/, const Deactivated& /*why*/) {}
  /// An attempt ended; exactly one call per attempt, the last one with `info.final`.
  virtual void on_closed(DeviceConnection& /*connection*/, const CloseInfo& /*info*/) {}
};

/// One device's connection. Create with create(), then start(). Every public method is safe
/// to call from any thread. `random` (backoff jitter) and `events` must outlive it.
class DeviceConnection : public std::enable_shared_from_this<DeviceConnection> {
 public:
  enum class Status : std::uint8_t {
    kIdle,            // not started
    kConnecting,      // TCP, TLS and WebSocket handshakes
    kAuthenticating,  // waiting for hello / ready
    kReady,           // authenticated: pushes arrive, answers can be sent
    kWaiting,         // between attempts (backoff)
    kStopped,         // for good
  };

  static std::shared_ptr<DeviceConnection> create(boost::asio::any_io_executor executor,
                                                  std::shared_ptr<const ServerTarget> target,
                                                  DeviceIdentity identity,
                                                  ConnectionOptions options, core::Random& random,
                                                  DeviceEvents& events);

  /// Begins connecting (once; later calls do nothing).
  void start();
  /// Closes the link normally (1000) and stops; on_closed(final) follows.
  void stop();

  // Answers, signed with the device key. They are sent only while the connection is ready
  // and dropped otherwise: after a reconnect the server sends still-pending requests again.
  /// `number` is what the person typed; it is sent empty for deny and fraud.
  void respond(std::string txid, Decision decision, std::string number = {});
  /// "Not me" for a device_added notice.
  void not_me(std::string event_id);
  /// Removes this device's account (the server deactivates it with reason device_removed).
  void remove();

  const std::string& device_id() const { return identity_.device_id; }
  Status status() const { return status_.load(std::memory_order_relaxed); }
  /// A number for the owner's own bookkeeping (e.g. an index into its table).
  std::uint64_t tag() const { return tag_; }
  void set_tag(std::uint64_t tag) { tag_ = tag; }

  DeviceConnection(boost::asio::any_io_executor executor,
                   std::shared_ptr<const ServerTarget> target, DeviceIdentity identity,
                   ConnectionOptions options, core::Random& random, DeviceEvents& events);

 private:
  struct Session;
  struct SessionEnd;
  class Stream;

  boost::asio::awaitable<void> run();
  boost::asio::awaitable<SessionEnd> attempt();
  boost::asio::awaitable<std::optional<SessionEnd>> open(Session& session);
  boost::asio::awaitable<SessionEnd> converse(Session& session);
  SessionEnd ended_by(const boost::system::error_code& ec, const Session& session) const;
  bool handle(Session& session, const ServerFrame& frame);
  void send(std::string frame);
  void enqueue(std::string frame);
  boost::asio::awaitable<void> write_queued(std::shared_ptr<DeviceConnection> self,
                                            std::shared_ptr<Stream> stream);

  boost::asio::strand<boost::asio::any_io_executor> strand_;
  std::shared_ptr<const ServerTarget> target_;
  DeviceIdentity identity_;
  ConnectionOptions options_;
  core::Random& random_;
  DeviceEvents& events_;
  boost::asio::steady_timer timer_;
  std::shared_ptr<Stream> stream_;  // the current attempt's socket, or null
  std::deque<std::string> outbox_;
  Backoff backoff_;
  std::atomic<Status> status_{Status::kIdle};
  std::uint64_t tag_ = 0;
  bool writing_ = false;
  bool stopping_ = false;
  bool started_ = false;
};

/// A connection for an activated device's state file (its ws_url, TLS settings and key).
core::Result<std::shared_ptr<DeviceConnection>> make_device_connection(
    boost::asio::any_io_executor executor, const DeviceState& state, ConnectionOptions options,
    core::Random& random, DeviceEvents& events);

}  // namespace twostep::client
