#include "client/url.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

namespace twostep::client {
namespace {

core::Error invalid_url(std::string message) {
  return core::Error{core::ErrorKind::kInvalidInput, "invalid_url", std::move(message), "url", {}};
}

bool valid_port(std::string_view port) {
  if (port.empty() || port.size() > 5) return false;
  int value = 0;
  for (char c : port) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  return value > 0 && value <= 65535;
}

}  // namespace

std::string Url::host_header() const {
  const bool v6 = host.find(':') != std::string::npos;
  std::string out = v6 ? "[" + host + "]" : host;
  if (port != "443") out += ":" + port;
  return out;
}

std::string Url::origin() const { return scheme + "://" + host_header(); }

core::Result<Url> parse_url(std::string_view text) {
  auto parsed = boost::urls::parse_absolute_uri(text);
  if (!parsed) return std::unexpected(invalid_url("not an absolute URL"));
  const boost::urls::url_view& view = *parsed;
  Url url;
  url.scheme = view.scheme();
  for (char& c : url.scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (url.scheme != "https" && url.scheme != "wss") {
    return std::unexpected(invalid_url("the URL must be https:// or wss://"));
  }
  if (view.has_userinfo()) return std::unexpected(invalid_url("the URL must not carry user info"));
  if (view.has_fragment()) return std::unexpected(invalid_url("the URL must not carry a fragment"));
  switch (view.host_type()) {
    case boost::urls::host_type::name:
      url.host = view.host();
      break;
    case boost::urls::host_type::ipv4:
    case boost::urls::host_type::ipv6:
      url.host = view.host_address();
      url.host_is_ip = true;
      break;
    default:
      return std::unexpected(invalid_url("the URL has no usable host"));
  }
  if (url.host.empty()) return std::unexpected(invalid_url("the URL has no host"));
  url.port = view.has_port() ? std::string(view.port()) : "443";
  if (!valid_port(url.port)) return std::unexpected(invalid_url("the URL has a bad port"));
  url.target = view.encoded_path();
  if (url.target.empty()) url.target = "/";
  if (view.has_query()) url.target += "?" + std::string(view.encoded_query());
  return url;
}

Url device_ws_url(const Url& url) {
  if (url.scheme == "wss") return url;
  Url ws = url;
  ws.scheme = "wss";
  ws.target = "/v1/device/ws";
  return ws;
}

}  // namespace twostep::client
