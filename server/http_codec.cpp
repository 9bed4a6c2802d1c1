// Request framing checks and message translation.
#include "server/http_codec.hpp"

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/rfc7230.hpp>

#include "core/log.hpp"
#include "server/url.hpp"

namespace twostep::server {
namespace {

std::size_t count_fields(const BeastRequest& request, http::field name) {
  auto [first, last] = request.equal_range(name);
  return static_cast<std::size_t>(std::distance(first, last));
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

bool has_token(std::string_view list, std::string_view token) {
  for (auto item : http::token_list(list)) {
    if (beast::iequals(item, token)) return true;
  }
  return false;
}

bool is_token_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool valid_header(std::string_view name, std::string_view value) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!is_token_char(c)) return false;
  }
  return value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace

std::string framing_problem(const BeastRequest& request) {
  const unsigned version = request.version();
  if (version != 10 && version != 11) return "unsupported HTTP version";
  const std::size_t lengths = count_fields(request, http::field::content_length);
  const std::size_t encodings = count_fields(request, http::field::transfer_encoding);
  if (lengths > 1) return "more than one Content-Length";
  if (lengths == 1 && !all_digits(request[http::field::content_length])) {
    return "malformed Content-Length";
  }
  if (encodings > 0) {
    if (lengths > 0) return "both Content-Length and Transfer-Encoding";
    if (version == 10) return "Transfer-Encoding in HTTP/1.0";
    std::string_view coding = request[http::field::transfer_encoding];
    if (encodings > 1 || !beast::iequals(coding, "chunked")) {
      return "unsupported Transfer-Encoding";
    }
  }
  if (version == 11 && count_fields(request, http::field::host) != 1) {
    return "HTTP/1.1 needs exactly one Host";
  }
  if (request.target().empty() || request.target().front() != '/') {
    return "the request target must be a path";
  }
  return {};
}

bool is_websocket_upgrade(const BeastRequest& request) {
  return request.method() == http::verb::get &&
         has_token(request[http::field::connection], "upgrade") &&
         beast::iequals(request[http::field::upgrade], "websocket");
}

Target split_target(std::string_view target) {
  std::size_t q = target.find('?');
  if (q == std::string_view::npos) return {target, {}};
  return {target.substr(0, q), target.substr(q + 1)};
}

std::optional<HttpRequest> to_http_request(BeastRequest&& request, std::string client_ip,
                                           std::string correlation_id) {
  Target target = split_target(request.target());
  auto query = parse_query(target.query);
  if (!query) return std::nullopt;
  HttpRequest out;
  out.method = std::string(request.method_string());
  out.path = percent_decode(target.path).value_or(std::string(target.path));
  out.query = std::move(*query);
  out.headers.reserve(static_cast<std::size_t>(std::distance(request.begin(), request.end())));
  for (const auto& field : request) {
    out.headers.emplace_back(lower(field.name_string()), std::string(field.value()));
  }
  out.body = std::move(request.body());
  out.client_ip = std::move(client_ip);
  out.correlation_id = std::move(correlation_id);
  return out;
}

BeastResponse to_beast_response(HttpResponse&& response, unsigned version, bool keep_alive,
                                std::string_view correlation_id) {
  BeastResponse out;
  out.version(version);
  out.result(response.status);
  bool has_cache_control = false;
  for (const auto& [name, value] : response.headers) {
    if (!valid_header(name, value)) {
      core::log(core::LogLevel::kError, "handler header dropped",
                {{"correlation_id", std::string(correlation_id)}});
      continue;
    }
    has_cache_control = has_cache_control || beast::iequals(name, "cache-control");
    out.insert(name, value);
  }
  out.set("X-Correlation-ID", correlation_id);
  out.set(http::field::strict_transport_security, "max-age=63072000");
  out.set("X-Content-Type-Options", "nosniff");
  if (!has_cache_control) out.set(http::field::cache_control, "no-store");
  const bool bodyless = response.status == 204 || response.status == 304 ||
                        (response.status >= 100 && response.status < 200);
  if (!bodyless) {
    if (!response.content_type.empty()) out.set(http::field::content_type, response.content_type);
    out.body() = std::move(response.body);
  }
  out.keep_alive(keep_alive);
  out.prepare_payload();
  return out;
}

}  // namespace twostep::server
