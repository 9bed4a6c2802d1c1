// The few absolute URLs the companion app follows: the activation URL (https) and the device
// WebSocket URL (wss), split into what a connection needs.
#pragma once

#include <string>
#include <string_view>

#include "core/error.hpp"

namespace twostep::client {

/// An https:// or wss:// URL.
struct Url {
  std::string scheme;  // "https" or "wss", lower case
  std::string host;    // name or IP address as given, without IPv6 brackets
  std::string port;    // decimal; 443 when the URL has none
  std::string target;  // path and query, at least "/"
  bool host_is_ip = false;

  /// What the Host header carries: host (bracketed for IPv6) plus ":port" unless it is 443.
  std::string host_header() const;
  /// scheme://host[:port] (the origin, no path).
  std::string origin() const;
  /// The URL written back out.
  std::string str() const { return origin() + target; }

  friend bool operator==(const Url&, const Url&) = default;
};

/// Parses an absolute https or wss URL. Error "invalid_url" (kInvalidInput) for any other
/// scheme, user info, a fragment, a missing host or a bad port.
core::Result<Url> parse_url(std::string_view text);

/// The wss URL of the device WebSocket on the server at `url`'s origin
/// (wss://HOST[:PORT]/v1/device/ws). A wss URL is returned unchanged.
Url device_ws_url(const Url& url);

}  // namespace twostep::client
