#include "client/https.hpp"

#include <charconv>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "client/blocking.hpp"
#include "client/net.hpp"
#include "client/tls.hpp"

namespace twostep::client {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

namespace {

constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);

core::Error unreachable(std::string code, const std::string& what,
                        const boost::system::error_code& ec) {
  return core::Error{
      core::ErrorKind::kUnavailable, std::move(code), what + ": " + ec.message(), {}, {}};
}

core::ErrorKind kind_for_status(unsigned status) {
  switch (status) {
    case 400:
      return core::ErrorKind::kInvalidInput;
    case 401:
      return core::ErrorKind::kUnauthenticated;
    case 403:
      return core::ErrorKind::kForbidden;
    case 404:
      return core::ErrorKind::kNotFound;
    case 405:
      return core::ErrorKind::kMethodNotAllowed;
    case 409:
      return core::ErrorKind::kConflict;
    case 410:
      return core::ErrorKind::kGone;
    case 413:
      return core::ErrorKind::kTooLarge;
    case 415:
      return core::ErrorKind::kUnsupportedMedia;
    case 423:
      return core::ErrorKind::kLocked;
    case 429:
      return core::ErrorKind::kRateLimited;
    case 431:
      return core::ErrorKind::kHeadersTooLarge;
    case 503:
      return core::ErrorKind::kUnavailable;
    default:
      return core::ErrorKind::kInternal;
  }
}

http::request<http::string_body> make_request(const HttpsRequest& request,
                                              const HttpsOptions& options) {
  http::request<http::string_body> req;
  req.method_string(request.method);
  req.target(request.url.target);
  req.version(11);
  req.set(http::field::host, request.url.host_header());
  req.set(http::field::user_agent, options.user_agent);
  req.set(http::field::accept, "application/json");
  req.set(http::field::connection, "close");
  if (!request.body.empty()) {
    req.set(http::field::content_type, "application/json");
    req.body() = request.body;
  }
  req.prepare_payload();
  return req;
}

}  // namespace

asio::awaitable<core::Result<HttpsResponse>> https_request(asio::ssl::context& context,
                                                           TlsOptions tls, HttpsRequest request,
                                                           HttpsOptions options) {
  auto executor = co_await asio::this_coro::executor;
  auto [resolve_ec, endpoints] = co_await resolve(request.url);
  if (resolve_ec)
    co_return std::unexpected(unreachable("server_unreachable", "resolve", resolve_ec));

  TlsStream stream(executor, context);
  auto& tcp_layer = beast::get_lowest_layer(stream);
  tcp_layer.expires_after(options.timeout);
  if (auto ec = co_await connect(tcp_layer, endpoints, options.local_address); ec) {
    co_return std::unexpected(unreachable("server_unreachable", "connect", ec));
  }
  if (auto prepared = prepare_tls_stream(stream, request.url.host, request.url.host_is_ip, tls);
      !prepared) {
    co_return std::unexpected(prepared.error());
  }
  auto [handshake_ec] = co_await stream.async_handshake(asio::ssl::stream_base::client, kNoThrow);
  if (handshake_ec)
    co_return std::unexpected(unreachable("tls_failed", "TLS handshake", handshake_ec));

  auto req = make_request(request, options);
  auto [write_ec, written] = co_await http::async_write(stream, req, kNoThrow);
  if (write_ec) co_return std::unexpected(unreachable("server_unreachable", "send", write_ec));

  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(options.body_limit);
  auto [read_ec, read] = co_await http::async_read(stream, buffer, parser, kNoThrow);
  if (read_ec) co_return std::unexpected(unreachable("server_unreachable", "receive", read_ec));

  // The connection is closed without a TLS close_notify exchange: the response is complete
  // (its length is known), and waiting for the server's close_notify would only add latency.
  HttpsResponse response;
  response.peer_key_pin = peer_key_pin(stream);
  auto& message = parser.get();
  response.status = message.result_int();
  response.body = std::move(message.body());
  response.correlation_id = std::string(message["X-Correlation-ID"]);
  response.retry_after = std::string(message[http::field::retry_after]);
  boost::system::error_code ignored;
  tcp_layer.socket().shutdown(tcp::socket::shutdown_both, ignored);
  co_return response;
}

core::Result<HttpsResponse> https_request_blocking(const TlsOptions& tls, HttpsRequest request,
                                                   HttpsOptions options) {
  auto context = make_tls_context(tls);
  if (!context) return std::unexpected(context.error());
  return run_blocking<HttpsResponse>([&](asio::io_context&) {
    return https_request(**context, tls, std::move(request), std::move(options));
  });
}

core::Error error_from_response(const HttpsResponse& response) {
  core::Error error{kind_for_status(response.status),
                    "http_" + std::to_string(response.status),
                    "the server answered " + std::to_string(response.status),
                    {},
                    {}};
  boost::system::error_code parse_ec;
  const boost::json::value body = boost::json::parse(response.body, parse_ec);
  if (!parse_ec && body.is_object()) {
    if (const auto* inner = body.as_object().if_contains("error"); inner && inner->is_object()) {
      const auto& object = inner->as_object();
      if (const auto* code = object.if_contains("code"); code && code->is_string()) {
        error.code = std::string(code->as_string());
      }
      if (const auto* message = object.if_contains("message"); message && message->is_string()) {
        error.message = std::string(message->as_string());
      }
    }
  }
  if (!response.correlation_id.empty()) {
    error.message += " (correlation id " + response.correlation_id + ")";
  }
  // Retry-After in seconds; an HTTP date (or garbage) leaves it unset.
  long long seconds = 0;
  const auto* begin = response.retry_after.data();
  const auto* end = begin + response.retry_after.size();
  if (auto [ptr, ec] = std::from_chars(begin, end, seconds); ec == std::errc{} && ptr == end) {
    error.retry_after = std::chrono::seconds(seconds);
  }
  return error;
}

}  // namespace twostep::client
