// Translation between Beast's messages and the handler-facing HttpRequest/HttpResponse, and
// the checks that refuse ambiguous request framing (request smuggling shapes).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "server/http.hpp"
#include "server/net.hpp"

namespace twostep::server {

/// Why the framing of this request header must be refused with 400 and the connection
/// closed, or "" when it is unambiguous: HTTP/1.0 or 1.1 only; at most one Content-Length,
/// a plain number; Transfer-Encoding only "chunked", never with Content-Length or in
/// HTTP/1.0; exactly one Host in HTTP/1.1; an origin-form target ("/path?query").
std::string framing_problem(const BeastRequest& request);

/// GET with `Connection: upgrade` and `Upgrade: websocket`.
bool is_websocket_upgrade(const BeastRequest& request);

struct Target {
  std::string_view path;   // still percent-encoded
  std::string_view query;  // without '?'
};
Target split_target(std::string_view target);

/// The handler-facing request; nullopt when the query string is malformed.
std::optional<HttpRequest> to_http_request(BeastRequest&& request, std::string client_ip,
                                           std::string correlation_id);

/// The wire response with the headers every response carries (X-Correlation-ID, HSTS,
/// nosniff, Cache-Control: no-store unless the handler chose one). Handler headers with
/// invalid names or CR/LF in values are dropped (and logged) rather than sent.
BeastResponse to_beast_response(HttpResponse&& response, unsigned version, bool keep_alive,
                                std::string_view correlation_id);

}  // namespace twostep::server
