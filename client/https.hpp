// A small HTTPS JSON client on Beast: one request per connection (the companion app talks
// to the server rarely: activation). Asynchronous (a coroutine on the caller's executor, so
// a load generator can run thousands on one io_context) with a blocking wrapper for the CLI.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/context.hpp>

#include "client/tls_options.hpp"
#include "client/url.hpp"
#include "core/error.hpp"

namespace twostep::client {

struct HttpsRequest {
  std::string method = "POST";
  Url url;
  std::string body;  // sent as application/json when not empty
};

struct HttpsResponse {
  unsigned status = 0;
  std::string body;
  std::string correlation_id;  // X-Correlation-ID
  std::string retry_after;     // Retry-After, when present
  std::string peer_key_pin;    // see TlsOptions::pin_sha256
};

struct HttpsOptions {
  std::chrono::milliseconds timeout{15000};  // connect, handshake, request and response
  std::size_t body_limit = 1024 * 1024;
  std::optional<boost::asio::ip::address> local_address;  // source address to bind
  std::string user_agent = "twostep-device";
};

/// Sends `request` over a new TLS connection checked per `tls` (whose context `context`
/// must have been made from the same options). Transport failures are kUnavailable
/// "server_unreachable" (or "tls_failed"); any HTTP status is returned as a response.
boost::asio::awaitable<core::Result<HttpsResponse>> https_request(
    boost::asio::ssl::context& context, TlsOptions tls, HttpsRequest request, HttpsOptions options);

/// https_request() on a private io_context, for command-line use.
core::Result<HttpsResponse> https_request_blocking(const TlsOptions& tls, HttpsRequest request,
                                                   HttpsOptions options);

/// The API.md error body of a non-2xx response as an Error (kind from the status, code and
/// message from the body, the correlation id appended to the message so a person can quote
/// it); a body that is not the documented shape gives code "http_STATUS".
core::Error error_from_response(const HttpsResponse& response);

}  // namespace twostep::client
