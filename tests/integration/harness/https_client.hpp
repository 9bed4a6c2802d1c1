// A small synchronous HTTPS client for integration tests, over real TLS. One keep-alive
// connection is reused across requests (and reopened when the server closes it), JSON
// bodies go in and come out parsed, and RawConnection gives byte-level access for protocol
// abuse tests. Free of Beast and Asio, so test files compile quickly.
//
//   HttpsClient client = server.client();
//   auto r = client.post("/v1/users", {{"username", "alice"}}, {{"authorization", "Bearer " +
//   token}}); EXPECT_EQ(r.status, 201); EXPECT_EQ(r.json.at("username"), "alice");
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/value.hpp>

namespace twostep::testing {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Response {
  unsigned status = 0;
  Headers headers;  // names lower-cased, in received order
  std::string body;
  boost::json::value json;  // the parsed body when it is JSON, else null

  /// The first header with this name (any case), or "".
  std::string_view header(std::string_view name) const;
  /// error.code / error.correlation_id of an API error body, or "".
  std::string error_code() const;
  std::string error_correlation_id() const;
};

struct ClientOptions {
  /// When set, the server certificate must chain to this file and name `verify_host`
  /// (pin the server's self-signed DATA_DIR/tls/cert.pem); when empty nothing is verified.
  std::filesystem::path ca_file;
  std::string verify_host = "127.0.0.1";
  std::string host = "127.0.0.1";
  /// The local address to connect from (e.g. "127.0.0.7", any of 127.0.0.0/8 on Linux), so
  /// that one test can look like several clients to per-address limits; "" lets the
  /// system choose.
  std::string source_address;
  /// OpenSSL protocol versions, e.g. TLS1_2_VERSION; 0 keeps the library default.
  int min_tls_version = 0;
  int max_tls_version = 0;
  /// OpenSSL TLS 1.2 cipher list to offer instead of the default (e.g. "AES128-SHA256").
  std::string tls12_ciphers;
  /// Every connect, handshake, read and write must finish within this.
  std::chrono::milliseconds timeout{15000};
};

/// Thrown when a connection, handshake, read or write fails or times out.
struct ClientError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class RawConnection;

class HttpsClient {
 public:
  explicit HttpsClient(std::uint16_t port, ClientOptions options = {});
  ~HttpsClient();
  HttpsClient(HttpsClient&&) noexcept;
  HttpsClient& operator=(HttpsClient&&) noexcept;

  Response get(std::string_view target, const Headers& headers = {});
  Response del(std::string_view target, const Headers& headers = {});
  Response post(std::string_view target, const boost::json::value& body,
                const Headers& headers = {});
  Response put(std::string_view target, const boost::json::value& body,
               const Headers& headers = {});
  Response patch(std::string_view target, const boost::json::value& body,
                 const Headers& headers = {});
  /// Any method and body; `content_type` "" sends no Content-Type header.
  Response request(std::string_view method, std::string_view target, std::string body,
                   std::string_view content_type, const Headers& headers = {});

  /// The protocol of the current connection ("TLSv1.3"), connecting first if needed.
  std::string tls_version();
  /// The negotiated cipher suite ("TLS_AES_128_GCM_SHA256", "ECDHE-ECDSA-AES128-GCM-SHA256").
  std::string tls_cipher();
  /// Requests since the client last (re)connected: shows keep-alive reuse.
  int requests_on_connection() const;
  void disconnect();
  /// A separate TLS connection to the same server for byte-level tests.
  RawConnection raw() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// A TLS connection that sends exactly the bytes given.
class RawConnection {
 public:
  ~RawConnection();
  RawConnection(RawConnection&&) noexcept;

  void send(std::string_view bytes);
  /// Reads one HTTP/1.1 response (status line, headers, Content-Length body).
  Response read_response();
  /// Waits until the server closes the connection: true when it did within `timeout`.
  bool wait_closed(std::chrono::milliseconds timeout);
  /// Bytes received so far and not yet consumed (after wait_closed: everything).
  std::string received() const;

 private:
  friend class HttpsClient;
  struct Impl;
  explicit RawConnection(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// A plain TCP connection (no TLS), e.g. to stall a handshake.
class TcpConnection {
 public:
  TcpConnection(const std::string& host, std::uint16_t port);
  ~TcpConnection();
  TcpConnection(const TcpConnection&) = delete;
  TcpConnection& operator=(const TcpConnection&) = delete;
  void send(std::string_view bytes);
  /// True when the server closed the connection within `timeout`.
  bool wait_closed(std::chrono::milliseconds timeout);

 private:
  int fd_ = -1;
};

}  // namespace twostep::testing
