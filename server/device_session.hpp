// One device WebSocket (`wss://HOST/v1/device/ws`, API.md "Device WebSocket"): the
// handshake checks, hello/auth, `ready` with what waited for the device, then a read loop
// that hands each answer to the push runtime's threads. Everything of one session runs on
// its connection's strand; the hub reaches it only through push::DeviceChannel, whose calls
// post to that strand.
//
// Writes follow Beast's chat-multi example: one write in flight, a bounded queue behind it
// (a device that stops reading is dropped, it cannot grow memory), and a close that goes out
// after the frames queued before it. Memory per idle session is the TLS stream, Beast's
// WebSocket state and a few strings: the read buffer is freed after every message, and an
// idle device waits for readiness instead of keeping a read pending (read_message).
#pragma once

#include <chrono>
#include <cstddef>
#include <list>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "core/error.hpp"
#include "push/hub.hpp"
#include "push/protocol.hpp"
#include "server/net.hpp"
#include "server/upgrade.hpp"
#include "store/audit.hpp"

namespace twostep::server {

class DeviceGateway;
namespace websocket = boost::beast::websocket;

class DeviceSession final : public push::DeviceChannel,
                            public std::enable_shared_from_this<DeviceSession> {
 public:
  /// Limits of the outgoing queue; a device that lets more pile up is disconnected.
  static constexpr std::size_t kMaxQueuedFrames = 64;
  static constexpr std::size_t kMaxQueuedBytes = 256 * 1024;
  /// Largest message a device may send (RFC 6455 close 1009 above it).
  static constexpr std::size_t kMaxMessageBytes = 64 * 1024;
  /// Time from `hello` to a valid `auth`.
  static constexpr std::chrono::seconds kAuthTimeout{10};
  /// last_seen_at is written at most this often per connection (plus once at auth).
  static constexpr std::chrono::seconds kTouchInterval{60};

  DeviceSession(std::shared_ptr<DeviceGateway> gateway, UpgradeRequest&& upgrade);
  ~DeviceSession() override;

  /// Starts the session's coroutine on its strand.
  void start();
  /// Graceful shutdown: close with 1001 "going away". Thread-safe.
  void going_away();

  // push::DeviceChannel
  const std::string& device_id() const override { return device_id_; }
  const std::string& user_id() const override { return user_id_; }
  void send(std::string json_frame) override;
  void close(std::string reason) override;

 private:
  enum class Phase { kHandshake, kAuth, kWelcome, kReady };
  struct Outgoing {
    std::string frame;
    std::string notice_event_id;  // set for a notice this session must mark delivered
  };

  asio::awaitable<void> run();
  /// Reads the next message into buffer_ (an idle device waits without a read pending).
  asio::awaitable<beast::error_code> read_message();
  asio::awaitable<bool> accept();
  asio::awaitable<void> refuse(core::Error error);
  void configure();
  asio::awaitable<void> on_message(std::string text);
  asio::awaitable<void> on_auth(const push::DeviceFrame& frame);
  asio::awaitable<void> on_frame(push::DeviceFrame frame);
  asio::awaitable<void> welcome();
  void arm_auth_deadline();
  void note_contact();
  store::AuditContext audit_context() const;
  template <class T, class F>
  asio::awaitable<T> offload(F work);

  // The outgoing side (device_outbox.cpp); all on the strand.
  void enqueue(std::string frame, std::string notice_event_id = {});
  void feed_notices();
  void pump();
  void on_written(const beast::error_code& ec);
  void request_close(websocket::close_reason reason, std::optional<std::string> last_frame);
  void drop(std::string_view why);

  std::shared_ptr<DeviceGateway> gateway_;
  asio::any_io_executor strand_;
  websocket::stream<TlsStream> ws_;
  std::optional<BeastRequest> request_;  // until the handshake is done
  beast::flat_buffer buffer_;
  asio::steady_timer auth_timer_;
  std::string client_ip_;
  std::string correlation_id_;
  ConnectionSlot slot_;
  bool early_data_ = false;  // bytes arrived with the upgrade request
  std::string nonce_;
  std::string device_id_;
  std::string user_id_;
  Phase phase_ = Phase::kHandshake;
  std::chrono::steady_clock::time_point last_touch_{};

  // Lists, not deques: an empty std::deque still holds ~0.5 KiB, which every idle device
  // would pay twice.
  std::list<Outgoing> outbox_;
  std::list<push::Notice> notice_backlog_;  // notices waiting for room in outbox_
  std::size_t queued_bytes_ = 0;
  Outgoing writing_;
  bool write_in_flight_ = false;
  bool gate_open_ = true;  // closed between auth and `ready`, so `ready` goes first
  bool closing_ = false;
  bool close_sent_ = false;
  bool dropped_ = false;
  websocket::close_reason close_reason_;
};

}  // namespace twostep::server
