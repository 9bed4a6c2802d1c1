// The device session's conversation: handshake checks, hello/auth, welcome, read loop.
// The outgoing queue and closing are in device_outbox.cpp.
#include "server/device_session.hpp"

#include <exception>
#include <optional>
#include <type_traits>
#include <variant>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_allocator.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket.hpp>

#include "core/log.hpp"
#include "server/device_actions.hpp"
#include "server/device_gateway.hpp"
#include "server/http_codec.hpp"
#include "server/http_status.hpp"
#include "server/push_runtime.hpp"

namespace twostep::server {
namespace {

constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);
constexpr std::chrono::seconds kRefuseTimeout{5};

core::Error refusal(core::ErrorKind kind, std::string code, std::string message) {
  return core::Error{kind, std::move(code), std::move(message), {}, {}};
}

std::string internal_error_frame() {
  return push::error_frame("internal_error", "the server could not handle this frame; retry");
}

}  // namespace

DeviceSession::DeviceSession(std::shared_ptr<DeviceGateway> gateway, UpgradeRequest&& upgrade)
    : gateway_(std::move(gateway)),
      strand_(upgrade.stream.get_executor()),
      ws_(std::move(upgrade.stream)),
      request_(std::move(upgrade.request)),
      auth_timer_(strand_),
      client_ip_(std::move(upgrade.client_ip)),
      correlation_id_(std::move(upgrade.correlation_id)),
      slot_(std::move(upgrade.slot)),
      early_data_(upgrade.buffer.size() > 0) {}

DeviceSession::~DeviceSession() {
  if (!device_id_.empty()) {
    gateway_->app().device_hub.remove(*this);
    gateway_->authenticated.add(-1);
  }
  gateway_->leave(this);
}

void DeviceSession::start() {
  // The lambda's capture keeps the session alive for as long as the coroutine runs.
  asio::co_spawn(
      strand_, [self = shared_from_this()] { return self->run(); }, asio::detached);
}

// Runs `work` on the push runtime's threads and resumes on this session's strand with its
// result; an exception in `work` is rethrown here.
//
// g++ 12 destroys a prvalue argument of a co_await expression twice when it owns memory
// (reproduced with ASan: a lambda with a std::string capture). Every co_await in this file
// therefore takes named objects, moved in: never `co_await f(make_thing())`.
template <class T, class F>
asio::awaitable<T> DeviceSession::offload(F work) {
  PushRuntime& runtime = gateway_->runtime();
  auto initiate = [&runtime](auto handler, F job) {
    auto executor = asio::get_associated_executor(handler);
    runtime.post([handler = std::move(handler), job = std::move(job), executor]() mutable {
      std::exception_ptr error;
      std::optional<T> value;
      try {
        value.emplace(job());
      } catch (...) {
        error = std::current_exception();
      }
      asio::post(executor,
                 [handler = std::move(handler), error, value = std::move(value)]() mutable {
                   std::move(handler)(error, std::move(value));
                 });
    });
  };
  std::optional<T> out = co_await asio::async_initiate<decltype(asio::use_awaitable),
                                                       void(std::exception_ptr, std::optional<T>)>(
      std::move(initiate), asio::use_awaitable, std::move(work));
  co_return std::move(*out);
}

asio::awaitable<void> DeviceSession::run() {
  try {
    if (!co_await accept()) co_return;
    phase_ = Phase::kAuth;
    if (!gateway_->enter(shared_from_this())) {
      request_close(websocket::close_code::going_away, std::nullopt);
    } else {
      nonce_ = gateway_->app().random.token(16);
      enqueue(push::hello_frame(nonce_));
      pump();
      arm_auth_deadline();
    }
    for (;;) {
      if (co_await read_message()) break;
      const bool text = ws_.got_text();
      std::string message = beast::buffers_to_string(buffer_.data());
      // An idle session keeps no read buffer.
      buffer_.consume(buffer_.size());
      buffer_.shrink_to_fit();
      note_contact();
      if (closing_) continue;  // only the peer's close reply matters now
      if (!text) {
        enqueue(push::error_frame("invalid_frame", "frames must be text"));
        pump();
        continue;
      }
      co_await on_message(std::move(message));
    }
  } catch (const std::exception& e) {
    core::log(
        core::LogLevel::kError, "device session failed",
        {{"correlation_id", correlation_id_}, {"device_id", device_id_}, {"error", e.what()}});
  }
  auth_timer_.cancel();
  // The conversation is over: whatever write or close is still pending ends quietly.
  dropped_ = true;
  beast::error_code ignored;
  beast::get_lowest_layer(ws_).socket().close(ignored);
}

// An authenticated device is idle nearly all the time. While it is, the session waits for
// the socket to become readable and starts Beast's read only then: a pending read would hold
// its operation state (~2 KiB) for as long as the device stays connected. The wait is only
// safe when Beast holds no unread bytes (two frames can arrive in one record); the stream
// stops its reads at frame ends, so after a message Beast has consumed all it was given and
// whatever follows is still in OpenSSL or the socket, where the wait sees it. The wait's
// handler uses a plain allocator: Asio's recycling one would keep its block per thread.
asio::awaitable<beast::error_code> DeviceSession::read_message() {
  TlsStream& tls = ws_.next_layer();
  if (phase_ == Phase::kReady && tls.at_frame_boundary()) {
    auto ready = asio::bind_allocator(std::allocator<void>{}, kNoThrow);
    const auto [ec] = co_await tls.async_wait_readable(ready);
    if (ec) co_return ec;
  }
  const auto [ec, size] = co_await ws_.async_read(buffer_, kNoThrow);
  co_return ec;
}

asio::awaitable<bool> DeviceSession::accept() {
  const BeastRequest& request = *request_;
  if (!origin_allowed(request[http::field::origin], gateway_->app().config.allowed_origins)) {
    core::log(core::LogLevel::kInfo, "device WebSocket refused: origin not allowed",
              {{"correlation_id", correlation_id_}, {"client_ip", client_ip_}});
    core::Error refused = refusal(core::ErrorKind::kForbidden, "origin_not_allowed",
                                  "this Origin may not open the device WebSocket");
    co_await refuse(std::move(refused));
    co_return false;
  }
  if (early_data_) {
    // RFC 6455 4.1: a client sends nothing before the server's handshake response.
    core::Error refused = refusal(core::ErrorKind::kInvalidInput, "bad_request",
                                  "data was sent before the WebSocket handshake completed");
    co_await refuse(std::move(refused));
    co_return false;
  }
  configure();
  const auto ec = std::get<0>(co_await ws_.async_accept(request, kNoThrow));
  request_.reset();
  if (!ec) ws_.next_layer().follow_websocket_frames();
  if (ec) {
    core::log(core::LogLevel::kDebug, "device WebSocket handshake failed",
              {{"correlation_id", correlation_id_}, {"error", ec.message()}});
  }
  co_return !ec;
}

// Answers the upgrade request with an HTTP error (API.md's error body) and closes.
asio::awaitable<void> DeviceSession::refuse(core::Error error) {
  BeastResponse wire = to_beast_response(error_response(error, correlation_id_),
                                         request_->version(), false, correlation_id_);
  request_.reset();
  auto& connection = beast::get_lowest_layer(ws_);
  connection.expires_after(kRefuseTimeout);
  const auto write_ec = std::get<0>(co_await http::async_write(ws_.next_layer(), wire, kNoThrow));
  if (!write_ec) co_await ws_.next_layer().async_shutdown(kNoThrow);
  connection.close();
}

void DeviceSession::configure() {
  // Beast's WebSocket timeouts take over from the TCP layer's (REFERENCES.md).
  beast::get_lowest_layer(ws_).expires_never();
  auto timeouts = websocket::stream_base::timeout::suggested(beast::role_type::server);
  timeouts.keep_alive_pings = true;  // a silent phone is pinged, a dead one dropped
  ws_.set_option(timeouts);
  websocket::permessage_deflate deflate;  // off: frames carry signatures (RFC 7692 8)
  deflate.server_enable = false;
  deflate.client_enable = false;
  ws_.set_option(deflate);
  ws_.read_message_max(kMaxMessageBytes);
  ws_.text(true);
  ws_.control_callback([this](websocket::frame_type kind, std::string_view) {
    if (kind != websocket::frame_type::close) note_contact();
  });
  ws_.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& response) { response.set(http::field::server, "twostep"); }));
}

asio::awaitable<void> DeviceSession::on_message(std::string text) {
  auto frame = push::parse_device_frame(text);
  if (!frame) {
    std::string error = push::error_frame(frame.error().code, frame.error().message);
    if (phase_ == Phase::kAuth) {
      request_close({websocket::close_code::policy_error, "authentication required"},
                    std::move(error));
    } else {
      enqueue(std::move(error));
      pump();
    }
    co_return;
  }
  if (phase_ == Phase::kAuth) {
    co_await on_auth(*frame);
  } else {
    co_await on_frame(std::move(*frame));
  }
}

asio::awaitable<void> DeviceSession::on_auth(const push::DeviceFrame& frame) {
  const auto* auth = std::get_if<push::AuthFrame>(&frame);
  if (auth == nullptr) {
    request_close({websocket::close_code::policy_error, "authentication required"},
                  push::error_frame("auth_required", "the first frame must be auth"));
    co_return;
  }
  App& app = gateway_->app();
  AuthOutcome outcome;
  try {
    auto job = [&app, auth = *auth, nonce = nonce_] {
      return authenticate_device(app, auth, nonce);
    };
    outcome = co_await offload<AuthOutcome>(std::move(job));
  } catch (const std::exception& e) {
    core::log(core::LogLevel::kError, "device authentication failed",
              {{"correlation_id", correlation_id_}, {"error", e.what()}});
    request_close(websocket::close_code::internal_error, internal_error_frame());
    co_return;
  }
  if (closing_) co_return;  // the auth deadline passed meanwhile
  if (!outcome.device) {
    request_close({static_cast<websocket::close_code>(outcome.close_code), "authentication failed"},
                  std::move(outcome.error_frame));
    co_return;
  }
  device_id_ = std::move(outcome.device->device_id);
  user_id_ = std::move(outcome.device->user_id);
  auth_timer_.cancel();
  phase_ = Phase::kWelcome;
  gate_open_ = false;  // whatever the hub sends now waits until `ready` is out
  gateway_->authenticated.add(1);
  app.device_hub.add(shared_from_this());
  co_await welcome();
}

// Register-then-read (hub.hpp): pushes created from now on reach the channel, and the read
// below finds everything created before. A push in both is sent twice, which the app
// tolerates.
asio::awaitable<void> DeviceSession::welcome() {
  App& app = gateway_->app();
  Welcome welcome;
  try {
    auto job = [&app, id = device_id_] { return welcome_device(app, id); };
    welcome = co_await offload<Welcome>(std::move(job));
  } catch (const std::exception& e) {
    core::log(core::LogLevel::kError, "device welcome failed",
              {{"device_id", device_id_}, {"error", e.what()}});
    request_close(websocket::close_code::internal_error, internal_error_frame());
    co_return;
  }
  last_touch_ = std::chrono::steady_clock::now();
  if (closing_) co_return;
  if (welcome.deactivated_reason) {
    close(std::move(*welcome.deactivated_reason));
    co_return;
  }
  std::list<Outgoing> early;
  early.swap(outbox_);
  queued_bytes_ = 0;
  enqueue(push::ready_frame(welcome.push_frames.size()));
  for (auto& frame : welcome.push_frames) enqueue(std::move(frame));
  for (auto& item : early) enqueue(std::move(item.frame), std::move(item.notice_event_id));
  for (auto& notice : welcome.notices) notice_backlog_.push_back(std::move(notice));
  phase_ = Phase::kReady;
  gate_open_ = true;
  feed_notices();
  pump();
}

asio::awaitable<void> DeviceSession::on_frame(push::DeviceFrame frame) {
  App& app = gateway_->app();
  const store::AuditContext who = audit_context();
  std::optional<std::string> reply;
  try {
    if (auto* respond = std::get_if<push::RespondFrame>(&frame)) {
      auto job = [&app, id = device_id_, answer = std::move(*respond), who]() mutable {
        return answer_push(app, id, std::move(answer), who);
      };
      reply = co_await offload<std::string>(std::move(job));
    } else if (auto* not_me = std::get_if<push::NotMeFrame>(&frame)) {
      auto job = [&app, id = device_id_, answer = std::move(*not_me), who]() mutable {
        return disown_device(app, id, std::move(answer), who);
      };
      reply = co_await offload<std::optional<std::string>>(std::move(job));
    } else if (std::holds_alternative<push::RemoveFrame>(frame)) {
      auto job = [&app, id = device_id_, who] { return remove_device(app, id, who); };
      reply = co_await offload<std::optional<std::string>>(std::move(job));
    } else {
      reply = push::error_frame("already_authenticated", "this connection is authenticated");
    }
  } catch (const std::exception& e) {
    core::log(core::LogLevel::kError, "device frame failed",
              {{"device_id", device_id_}, {"error", e.what()}});
    reply = internal_error_frame();
  }
  if (reply) {
    enqueue(std::move(*reply));
    pump();
  }
}

void DeviceSession::arm_auth_deadline() {
  auth_timer_.expires_after(kAuthTimeout);
  auth_timer_.async_wait([weak = weak_from_this()](const beast::error_code& ec) {
    auto self = weak.lock();
    if (ec || !self || self->phase_ != Phase::kAuth) return;
    self->request_close({websocket::close_code::policy_error, "authentication timed out"},
                        push::error_frame("auth_timeout", "no valid auth frame in time"));
  });
}

void DeviceSession::note_contact() {
  if (phase_ != Phase::kReady) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_touch_ < kTouchInterval) return;
  last_touch_ = now;
  gateway_->runtime().post([&app = gateway_->app(), id = device_id_] { touch_device(app, id); });
}

store::AuditContext DeviceSession::audit_context() const {
  return {"device:" + device_id_, client_ip_, correlation_id_};
}

}  // namespace twostep::server
