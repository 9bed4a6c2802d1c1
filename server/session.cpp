// The connection coroutine. Order of checks for each request (documented in docs and the
// report): header size (431) → framing (400) → upgrade hand-over → route (404/405) → body
// size (413) → body read → query (400) → authentication (401/403) → handler. Limits come
// before authentication so an unauthenticated client cannot make the server read more
// than a route allows, and authentication runs on the worker pool with the store.
#include "server/session.hpp"

#include <boost/asio/use_awaitable.hpp>

#include "core/log.hpp"
#include "server/correlation.hpp"
#include "server/dispatch.hpp"
#include "server/http_codec.hpp"
#include "server/http_status.hpp"
#include "server/tls_io.hpp"
#include "server/upgrade.hpp"

namespace twostep::server {
namespace {

constexpr std::size_t kReadChunk = 4096;
constexpr std::chrono::seconds kTlsShutdownTimeout{2};
// Lingering close (as nginx's lingering_close): how long and how much of a refused
// request's remaining bytes the server reads and discards before closing.
constexpr std::chrono::seconds kLingerTimeout{2};
constexpr std::size_t kLingerMaxBytes = 8 * 1024 * 1024;

std::string peer_address(const tcp::socket& socket) {
  boost::system::error_code ec;
  auto endpoint = socket.remote_endpoint(ec);
  if (ec) return "unknown";
  auto address = endpoint.address();
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6()).to_string();
  }
  return address.to_string();
}

bool is_http_parse_error(const beast::error_code& ec) {
  return ec.category() == make_error_code(http::error::bad_target).category() &&
         ec != http::error::end_of_stream && ec != http::error::partial_message;
}

core::Error error(core::ErrorKind kind, std::string code, std::string message) {
  return core::Error{kind, std::move(code), std::move(message), {}, {}};
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

}  // namespace

Session::Session(ServerContext& ctx, tcp::socket socket, ConnectionSlot slot)
    : ctx_(ctx),
      executor_(socket.get_executor()),
      client_ip_(peer_address(socket)),
      tls_(ctx.tls_context()),
      stream_(std::move(socket), tls_->native_handle()),
      slot_(std::move(slot)) {}

void Session::shutdown() {
  asio::post(executor_, [self = shared_from_this()] {
    self->stopping_ = true;
    if (self->interruptible_ && !self->handed_over_) self->stream_.cancel();
  });
}

asio::awaitable<void> Session::run() {
  auto self = shared_from_this();
  try {
    if (co_await handshake()) {
      Next next = Next::kKeepAlive;
      while (next == Next::kKeepAlive) {
        if (!co_await wait_for_request()) break;
        next = co_await serve_request();
      }
      if (next != Next::kHandedOver) co_await close(next != Next::kCloseNow);
    } else {
      co_await close(false);
    }
  } catch (const std::exception& e) {
    core::log(core::LogLevel::kError, "connection failed",
              {{"client_ip", client_ip_}, {"error", e.what()}});
  }
  ctx_.sessions.remove(this);
}

asio::awaitable<bool> Session::handshake() {
  interruptible_ = true;
  stream_.expires_after(ctx_.read_timeout);
  beast::error_code ec = co_await tls_handshake(stream_);
  interruptible_ = false;
  if (ec) {
    core::log(core::LogLevel::kDebug, "TLS handshake failed",
              {{"client_ip", client_ip_}, {"error", ec.message()}});
  }
  co_return !ec && !stopping_;
}

// Waits up to the idle timeout for the first byte of the next request.
asio::awaitable<bool> Session::wait_for_request() {
  if (stopping_) co_return false;
  if (buffer_.size() > 0) co_return true;
  interruptible_ = true;
  stream_.expires_after(ctx_.idle_timeout);
  beast::error_code ec = co_await read_some(stream_, buffer_, kReadChunk);
  interruptible_ = false;
  co_return !ec;
}

asio::awaitable<Session::Next> Session::serve_request() {
  Exchange ex;
  Parser parser;
  parser.header_limit(kHeaderLimit);
  parser.body_limit(boost::none);  // the route's limit is applied once the route is known
  // One deadline covers the header and the body: a client sending a byte at a time
  // cannot stretch a request beyond it.
  stream_.expires_after(ctx_.read_timeout);
  beast::error_code ec = co_await read_header(stream_, buffer_, parser);
  if (ec) co_return co_await on_read_error(ec, ex);
  BeastRequest& request = parser.get();
  ex.version = request.version();
  ex.method = std::string(request.method_string());
  ex.correlation_id = correlation_id_for(request["x-correlation-id"], ctx_.random);
  if (std::string problem = framing_problem(request); !problem.empty()) {
    co_return co_await reply_error(
        ex, error(core::ErrorKind::kInvalidInput, "bad_request", "malformed request: " + problem),
        Next::kClose);
  }
  co_return co_await route_request(parser, ex);
}

asio::awaitable<Session::Next> Session::route_request(Parser& parser, Exchange& ex) {
  const BeastRequest& header = parser.get();
  const Target target = split_target(header.target());
  if (is_websocket_upgrade(header)) {
    auto upgrade = ctx_.upgrades.find(target.path);
    if (upgrade != ctx_.upgrades.end()) {
      hand_over(upgrade->second, parser.release(), ex);
      co_return Next::kHandedOver;
    }
  }
  // A request whose body we do not read leaves the connection unusable: close it.
  const Next after_miss = parser.is_done() ? Next::kKeepAlive : Next::kClose;
  auto matched = ctx_.router.match(header.method_string(), target.path);
  if (auto* miss = std::get_if<Router::Miss>(&matched)) {
    if (*miss == Router::Miss::kNotFound) {
      co_return co_await reply_error(
          ex, error(core::ErrorKind::kNotFound, "not_found", "no such resource"), after_miss);
    }
    // Built outside the co_await: g++ 12 miscompiles initializer lists inside one.
    std::vector<std::pair<std::string, std::string>> allow;
    allow.emplace_back("Allow", join(ctx_.router.allowed_methods(target.path)));
    co_return co_await reply_error(ex,
                                   error(core::ErrorKind::kMethodNotAllowed, "method_not_allowed",
                                         "method " + ex.method + " is not allowed here"),
                                   after_miss, std::move(allow));
  }
  auto& match = std::get<Router::Match>(matched);
  const Route& route = *match.route;
  ex.route = route.pattern;
  const std::uint64_t limit =
      route.options.body_limit != 0 ? route.options.body_limit : ctx_.config.body_limit;
  if (Next next = co_await read_body(parser, ex, limit); next != Next::kKeepAlive) {
    co_return next;
  }
  const bool keep_alive = parser.get().keep_alive();
  auto request = to_http_request(parser.release(), client_ip_, ex.correlation_id);
  if (!request) {
    co_return co_await reply_error(
        ex, error(core::ErrorKind::kInvalidInput, "invalid_query", "the query string is malformed"),
        keep_alive ? Next::kKeepAlive : Next::kClose);
  }
  request->params = std::move(match.params);
  auto result = co_await async_call(ctx_, route, *request, executor_, asio::use_awaitable);
  const Next next = keep_alive ? Next::kKeepAlive : Next::kClose;
  if (!result) co_return co_await reply_error(ex, std::move(result.error()), next);
  co_return co_await send(std::move(*result), ex, next);
}

// kKeepAlive when the whole body is in the parser; otherwise what to do with the connection
// after the error that was already sent.
asio::awaitable<Session::Next> Session::read_body(Parser& parser, Exchange& ex,
                                                  std::uint64_t limit) {
  if (parser.is_done()) co_return Next::kKeepAlive;
  const core::Error too_large =
      error(core::ErrorKind::kTooLarge, "body_too_large",
            "the request body exceeds " + std::to_string(limit) + " bytes");
  if (auto length = parser.content_length(); length && *length > limit) {
    co_return co_await reply_error(ex, too_large, Next::kClose);
  }
  if (beast::iequals(parser.get()[http::field::expect], "100-continue")) {
    stream_.expires_after(ctx_.write_timeout);
    if (co_await write_continue(stream_, ex.version)) co_return Next::kCloseNow;
    stream_.expires_after(ctx_.read_timeout);
  }
  parser.body_limit(limit);
  beast::error_code ec = co_await server::read_body(stream_, buffer_, parser);
  if (ec == http::error::body_limit) co_return co_await reply_error(ex, too_large, Next::kClose);
  if (ec) co_return co_await on_read_error(ec, ex);
  co_return Next::kKeepAlive;
}

asio::awaitable<Session::Next> Session::on_read_error(beast::error_code ec, Exchange& ex) {
  if (ex.correlation_id.empty()) ex.correlation_id = correlation_id_for({}, ctx_.random);
  if (ec == http::error::header_limit) {
    co_return co_await reply_error(
        ex,
        error(core::ErrorKind::kHeadersTooLarge, "headers_too_large",
              "the request headers exceed " + std::to_string(kHeaderLimit) + " bytes"),
        Next::kClose);
  }
  if (is_http_parse_error(ec)) {
    co_return co_await reply_error(
        ex, error(core::ErrorKind::kInvalidInput, "bad_request", "malformed request"),
        Next::kClose);
  }
  // A deadline, a closed connection or a TLS failure: nobody to answer.
  if (ec == beast::error::timeout) {
    core::log(core::LogLevel::kInfo, "read deadline reached, connection closed",
              {{"client_ip", client_ip_}});
  }
  co_return Next::kCloseNow;
}

asio::awaitable<Session::Next> Session::reply_error(
    Exchange& ex, core::Error err, Next next,
    std::vector<std::pair<std::string, std::string>> extra_headers) {
  if (err.kind == core::ErrorKind::kInternal) {
    core::log(core::LogLevel::kError, "internal error",
              {{"correlation_id", ex.correlation_id},
               {"route", std::string(ex.route)},
               {"code", err.code},
               {"error", err.message}});
  }
  HttpResponse response = error_response(err, ex.correlation_id);
  for (auto& header : extra_headers) response.headers.push_back(std::move(header));
  co_return co_await send(std::move(response), ex, next);
}

asio::awaitable<Session::Next> Session::send(HttpResponse response, Exchange& ex, Next next) {
  const bool keep_alive = next == Next::kKeepAlive && !stopping_ && !ctx_.stopping;
  BeastResponse wire =
      to_beast_response(std::move(response), ex.version, keep_alive, ex.correlation_id);
  stream_.expires_after(ctx_.write_timeout);
  beast::error_code ec = co_await write_response(stream_, wire);
  ctx_.log.record({ex.method, ex.route, wire.result_int(),
                   std::chrono::steady_clock::now() - ex.start, ex.correlation_id, client_ip_});
  if (ec) co_return Next::kCloseNow;
  if (!keep_alive) co_return next == Next::kCloseNow ? Next::kCloseNow : Next::kClose;
  co_return Next::kKeepAlive;
}

asio::awaitable<void> Session::close(bool graceful) {
  if (graceful) {
    stream_.expires_after(kTlsShutdownTimeout);
    co_await tls_close_notify(stream_);
    // The client may still be sending a request we refused (a body over the limit).
    // Closing with unread bytes makes the kernel send a reset, which can destroy the
    // answer before the client reads it; so half-close and drain for a bounded time.
    if (!stopping_ && !ctx_.stopping) {
      stream_.expires_after(kLingerTimeout);
      co_await drain_after_close(stream_, kLingerMaxBytes);
    }
  }
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
  stream_.close();
}

void Session::hand_over(const UpgradeHandler& handler, BeastRequest request, Exchange& ex) {
  stream_.expires_never();
  handed_over_ = true;
  UpgradeRequest upgrade{std::move(stream_), std::move(request), std::move(buffer_),
                         client_ip_,         ex.correlation_id,  std::move(slot_)};
  try {
    handler(std::move(upgrade));
  } catch (const std::exception& e) {
    core::log(core::LogLevel::kError, "upgrade handler failed",
              {{"correlation_id", ex.correlation_id}, {"error", e.what()}});
  }
}

}  // namespace twostep::server
