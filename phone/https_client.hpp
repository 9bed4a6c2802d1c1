// A small HTTPS client for the webhook provider: one POST per fresh TLS connection, with
// certificate and host name verification and a deadline on the whole exchange. It is
// written on OpenSSL directly because domain modules may not use Beast or Asio (STYLE.md).
#pragma once

#include <chrono>
#include <cstdint>
#include <expected>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>

namespace twostep::phone::detail {

/// Where to POST: from an "https://host[:port][/path]" URL (IPv6 hosts in brackets).
struct HttpsTarget {
  std::string host;
  std::uint16_t port = 443;
  std::string path = "/";
};

/// The target, or why not, when `url` is not an https URL this client can reach
/// (other schemes, user info, a fragment, a bad port, an empty host).
std::expected<HttpsTarget, std::string> parse_https_url(std::string_view url);

using Header = std::pair<std::string, std::string>;

class HttpsClient {
 public:
  /// Trusts the certificates in `ca_file` (PEM), or the system's store when it is empty.
  /// TLS 1.2 or later. Throws std::runtime_error when the trust store cannot be loaded.
  explicit HttpsClient(const std::filesystem::path& ca_file);
  ~HttpsClient();
  HttpsClient(const HttpsClient&) = delete;
  HttpsClient& operator=(const HttpsClient&) = delete;

  /// POSTs `body` as application/json and returns the response's status code, or what went
  /// wrong (resolution, connection, certificate, timeout, malformed response). The whole
  /// exchange after name resolution must finish within `timeout`. Thread-safe.
  std::expected<int, std::string> post(const HttpsTarget& target, std::span<const Header> headers,
                                       std::string_view body,
                                       std::chrono::milliseconds timeout) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace twostep::phone::detail
