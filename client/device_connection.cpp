#include "client/device_connection.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "client/net.hpp"
#include "client/tls.hpp"
#include "core/log.hpp"

namespace twostep::client {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using asio::ip::tcp;

namespace {

constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kMaxMessage = 64 * 1024;
// Answers are few and small; a server that stops reading cannot make the queue grow.
constexpr std::size_t kMaxQueuedFrames = 64;
constexpr int kCloseUnauthenticated = 4401;
constexpr int kCloseDeactivated = 4403;

void log_escaped(std::exception_ptr error) {
  if (!error) return;
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    core::log(core::LogLevel::kError, "device connection failed", {{"error", e.what()}});
  }
}

}  // namespace

class DeviceConnection::Stream : public websocket::stream<TlsStream> {
 public:
  using websocket::stream<TlsStream>::stream;
};

struct DeviceConnection::SessionEnd {
  int close_code = 0;
  std::string reason;
  bool terminal = false;  // no further attempt makes sense
  bool was_ready = false;
};

struct DeviceConnection::Session {
  std::shared_ptr<Stream> stream;
  beast::flat_buffer buffer;
  bool auth_sent = false;
  bool ready = false;
  bool deactivated = false;
};

core::Result<std::shared_ptr<const ServerTarget>> make_server_target(const Url& ws_url,
                                                                     const TlsOptions& tls) {
  auto context = make_tls_context(tls);
  if (!context) return std::unexpected(context.error());
  return std::make_shared<const ServerTarget>(ServerTarget{device_ws_url(ws_url), tls, *context});
}

std::shared_ptr<DeviceConnection> DeviceConnection::create(
    asio::any_io_executor executor, std::shared_ptr<const ServerTarget> target,
    DeviceIdentity identity, ConnectionOptions options, core::Random& random,
    DeviceEvents& events) {
  return std::make_shared<DeviceConnection>(std::move(executor), std::move(target),
                                            std::move(identity), std::move(options), random,
                                            events);
}

DeviceConnection::DeviceConnection(asio::any_io_executor executor,
                                   std::shared_ptr<const ServerTarget> target,
                                   DeviceIdentity identity, ConnectionOptions options,
                                   core::Random& random, DeviceEvents& events)
    : strand_(asio::make_strand(std::move(executor))),
      target_(std::move(target)),
      identity_(std::move(identity)),
      options_(std::move(options)),
      random_(random),
      events_(events),
      timer_(strand_),
      backoff_(options_.backoff) {}

void DeviceConnection::start() {
  asio::dispatch(strand_, [self = shared_from_this()] {
    if (self->started_ || self->stopping_) return;
    self->started_ = true;
    asio::co_spawn(self->strand_, self->run(), log_escaped);
  });
}

void DeviceConnection::stop() {
  asio::dispatch(strand_, [self = shared_from_this()] {
    if (self->stopping_) return;
    self->stopping_ = true;
    if (!self->started_) {
      self->status_ = Status::kStopped;
      return;
    }
    self->timer_.cancel();
    auto stream = self->stream_;
    if (!stream) return;
    if (stream->is_open()) {
      // The pending read then ends with websocket::error::closed.
      stream->async_close(websocket::close_code::normal, [stream](beast::error_code) {});
    } else {
      beast::get_lowest_layer(*stream).close();  // still handshaking: abandon it
    }
  });
}

void DeviceConnection::respond(std::string txid, Decision decision, std::string number) {
  asio::dispatch(strand_, [self = shared_from_this(), txid = std::move(txid), decision,
                           number = std::move(number)]() mutable {
    if (decision != Decision::kApprove) number.clear();
    auto signature = self->identity_.key->sign_base64url(push_message(txid, decision, number));
    if (signature) self->send(respond_frame(txid, decision, number, *signature));
  });
}

void DeviceConnection::not_me(std::string event_id) {
  asio::dispatch(strand_, [self = shared_from_this(), event_id = std::move(event_id)] {
    auto signature = self->identity_.key->sign_base64url(not_me_message(event_id));
    if (signature) self->send(not_me_frame(event_id, *signature));
  });
}

void DeviceConnection::remove() {
  asio::dispatch(strand_, [self = shared_from_this()] { self->send(remove_frame()); });
}

// Queues a frame for the current link (on the strand). Only answers made while ready are
// kept; the auth frame goes straight through the session.
void DeviceConnection::send(std::string frame) {
  if (!stream_ || status_ != Status::kReady || outbox_.size() >= kMaxQueuedFrames) return;
  enqueue(std::move(frame));
}

void DeviceConnection::enqueue(std::string frame) {
  outbox_.push_back(std::move(frame));
  if (writing_) return;
  writing_ = true;
  asio::co_spawn(strand_, write_queued(shared_from_this(), stream_), log_escaped);
}

// One write in flight per socket: this loop drains the queue and ends. A failed write ends
// it too; the reader sees the same failure and ends the attempt.
asio::awaitable<void> DeviceConnection::write_queued(std::shared_ptr<DeviceConnection> /*self*/,
                                                     std::shared_ptr<Stream> stream) {
  while (stream_ == stream && !outbox_.empty()) {
    const std::string frame = std::move(outbox_.front());
    outbox_.pop_front();
    auto [ec, written] = co_await stream->async_write(asio::buffer(frame), kNoThrow);
    if (ec) break;
  }
  if (stream_ == stream) writing_ = false;
}

asio::awaitable<void> DeviceConnection::run() {
  auto self = shared_from_this();  // keeps the connection alive while it runs
  for (;;) {
    SessionEnd end = co_await attempt();
    if (stream_) beast::get_lowest_layer(*stream_).close();  // cancels a pending write
    stream_.reset();
    outbox_.clear();
    writing_ = false;
    if (end.was_ready) backoff_.reset();
    CloseInfo info{end.close_code, std::move(end.reason), end.was_ready, false, {}};
    info.final = stopping_ || end.terminal || !options_.reconnect;
    if (!info.final) info.retry_in = backoff_.next(random_);
    status_ = info.final ? Status::kStopped : Status::kWaiting;
    events_.on_closed(*this, info);
    if (info.final) co_return;
    timer_.expires_after(info.retry_in);
    co_await timer_.async_wait(kNoThrow);
    if (stopping_) {
      status_ = Status::kStopped;
      events_.on_closed(*this, CloseInfo{0, "stopped", false, true, {}});
      co_return;
    }
  }
}

asio::awaitable<DeviceConnection::SessionEnd> DeviceConnection::attempt() {
  status_ = Status::kConnecting;
  Session session;
  if (auto failed = co_await open(session)) co_return std::move(*failed);
  co_return co_await converse(session);
}

namespace {

void configure(websocket::stream<TlsStream>& stream, const ConnectionOptions& options) {
  auto timeout = websocket::stream_base::timeout::suggested(beast::role_type::client);
  timeout.handshake_timeout = options.handshake_timeout;
  timeout.idle_timeout = options.idle_timeout;
  timeout.keep_alive_pings = true;  // pings keep NATs open and the server's last_seen_at fresh
  stream.set_option(timeout);
  websocket::permessage_deflate deflate;
  deflate.client_enable = false;
  deflate.server_enable = false;
  stream.set_option(deflate);
  stream.read_message_max(kMaxMessage);
  stream.text(true);
  stream.set_option(websocket::stream_base::decorator(
      [agent = options.user_agent](websocket::request_type& request) {
        request.set(beast::http::field::user_agent, agent);
      }));
}

}  // namespace

// TCP, TLS and WebSocket handshakes; nullopt when the link is up. One deadline on the TCP
// layer covers all of it and the auth exchange after it, until `ready` lifts it.
asio::awaitable<std::optional<DeviceConnection::SessionEnd>> DeviceConnection::open(
    Session& session) {
  const ServerTarget& target = *target_;
  auto [resolve_ec, endpoints] = co_await resolve(target.ws_url);
  if (resolve_ec) co_return SessionEnd{0, "resolve: " + resolve_ec.message(), false, false};
  if (stopping_) co_return SessionEnd{0, "stopped", true, false};

  session.stream = std::make_shared<Stream>(strand_, *target.tls_context);
  stream_ = session.stream;
  Stream& stream = *session.stream;
  auto& tcp_layer = beast::get_lowest_layer(stream);
  tcp_layer.expires_after(options_.handshake_timeout);
  if (auto ec = co_await connect(tcp_layer, endpoints, options_.local_address); ec) {
    co_return SessionEnd{0, "connect: " + ec.message(), false, false};
  }
  auto prepared = prepare_tls_stream(stream.next_layer(), target.ws_url.host,
                                     target.ws_url.host_is_ip, target.tls);
  if (!prepared) co_return SessionEnd{0, prepared.error().message, true, false};
  auto [tls_ec] =
      co_await stream.next_layer().async_handshake(asio::ssl::stream_base::client, kNoThrow);
  if (tls_ec) co_return SessionEnd{0, "TLS handshake: " + tls_ec.message(), false, false};
  configure(stream, options_);
  auto [ws_ec] =
      co_await stream.async_handshake(target.ws_url.host_header(), target.ws_url.target, kNoThrow);
  if (ws_ec) co_return SessionEnd{0, "WebSocket handshake: " + ws_ec.message(), false, false};
  co_return std::nullopt;
}

// Reads frames until the link ends, and says how it ended.
asio::awaitable<DeviceConnection::SessionEnd> DeviceConnection::converse(Session& session) {
  Stream& stream = *session.stream;
  status_ = Status::kAuthenticating;
  for (;;) {
    auto [ec, size] = co_await stream.async_read(session.buffer, kNoThrow);
    if (ec) co_return ended_by(ec, session);
    const auto data = session.buffer.cdata();
    auto frame =
        parse_server_frame(std::string_view(static_cast<const char*>(data.data()), data.size()));
    // An idle device keeps no read buffer (thousands of them per process).
    session.buffer.consume(session.buffer.size());
    session.buffer.shrink_to_fit();
    if (!frame) {
      co_return SessionEnd{0, "protocol error: " + frame.error().message, false, session.ready};
    }
    if (!handle(session, *frame)) {
      co_return SessionEnd{0, "protocol error: unexpected frame", false, session.ready};
    }
  }
}

DeviceConnection::SessionEnd DeviceConnection::ended_by(const beast::error_code& ec,
                                                        const Session& session) const {
  SessionEnd end{0, ec.message(), session.deactivated, session.ready};
  if (ec == websocket::error::closed) {
    const websocket::close_reason& reason = session.stream->reason();
    end.close_code = reason.code;
    end.reason = "closed by the server (" + std::to_string(reason.code);
    if (!reason.reason.empty())
      end.reason += ": " + std::string(reason.reason.data(), reason.reason.size());
    end.reason += ")";
    end.terminal =
        end.terminal || reason.code == kCloseUnauthenticated || reason.code == kCloseDeactivated;
  }
  if (stopping_) end.reason = "stopped";
  return end;
}

// Acts on one frame; false for a frame that breaks the protocol's order.
bool DeviceConnection::handle(Session& session, const ServerFrame& frame) {
  if (const auto* hello = std::get_if<Hello>(&frame)) {
    if (session.auth_sent) return false;
    auto signature = identity_.key->sign_base64url(auth_message(identity_.device_id, hello->nonce));
    if (!signature) return false;
    session.auth_sent = true;
    enqueue(auth_frame(identity_.device_id, *signature));
    return true;
  }
  if (const auto* ready = std::get_if<Ready>(&frame)) {
    if (!session.auth_sent || session.ready) return false;
    session.ready = true;
    status_ = Status::kReady;
    beast::get_lowest_layer(*session.stream)
        .expires_never();  // the WebSocket idle timeout rules now
    events_.on_ready(*this, ready->pending);
    return true;
  }
  if (const auto* error = std::get_if<ServerError>(&frame)) {
    events_.on_error(*this, *error);
    return true;
  }
  if (const auto* deactivated = std::get_if<Deactivated>(&frame)) {
    session.deactivated = true;
    events_.on_deactivated(*this, *deactivated);
    return true;
  }
  if (std::holds_alternative<UnknownFrame>(frame)) return true;
  if (!session.ready) return false;  // pushes, results and notices come only after auth
  if (const auto* push = std::get_if<PushRequest>(&frame)) events_.on_push(*this, *push);
  if (const auto* cancel = std::get_if<Cancel>(&frame)) events_.on_cancel(*this, *cancel);
  if (const auto* result = std::get_if<PushResult>(&frame)) events_.on_result(*this, *result);
  if (const auto* notice = std::get_if<Notice>(&frame)) events_.on_notice(*this, *notice);
  return true;
}

core::Result<std::shared_ptr<DeviceConnection>> make_device_connection(
    asio::any_io_executor executor, const DeviceState& state, ConnectionOptions options,
    core::Random& random, DeviceEvents& events) {
  auto url = parse_url(state.ws_url);
  if (!url) return std::unexpected(url.error());
  auto target = make_server_target(*url, state.tls);
  if (!target) return std::unexpected(target.error());
  auto key = DeviceKey::from_pem(state.private_key_pem.unsafe_string_view());
  if (!key) return std::unexpected(key.error());
  DeviceIdentity identity{state.device_id, std::make_shared<const DeviceKey>(std::move(*key))};
  return DeviceConnection::create(std::move(executor), std::move(*target), std::move(identity),
                                  std::move(options), random, events);
}

}  // namespace twostep::client
