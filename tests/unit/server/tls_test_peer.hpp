// Test fixtures for server/lean_tls_stream: a blocking OpenSSL client on a real loopback
// socket whose record bytes the test can send whole, in pieces or not at all, and a server
// side (certificate, context, acceptor) whose io_context the test drives.
#pragma once

#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <string_view>

#include <openssl/ssl.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include "server/lean_tls_stream.hpp"
#include "tests/unit/core/temp_dir.hpp"

namespace twostep::server::testing {

/// A TLS client over a blocking socket, with memory BIOs between OpenSSL and the socket.
class TlsTestClient {
 public:
  /// `max_version`: the newest TLS version offered (TLS1_3_VERSION, TLS1_2_VERSION).
  explicit TlsTestClient(unsigned short port, int max_version = TLS1_3_VERSION);
  ~TlsTestClient();
  TlsTestClient(const TlsTestClient&) = delete;
  TlsTestClient& operator=(const TlsTestClient&) = delete;

  void handshake();
  /// Encrypts `data` (one record when ≤ 16 KiB) without sending it.
  void encrypt(std::string_view data);
  /// Encrypted bytes not sent yet.
  std::string take_output();
  void send_raw(std::string_view bytes);
  /// encrypt + send.
  void write(std::string_view data);
  /// One SSL_read: "" at the end of the stream (see last_error()).
  std::string read_some();
  /// Reads until `size` bytes arrived or the stream ended.
  std::string read_exactly(std::size_t size);
  int last_error() const { return last_error_; }
  SSL* native_handle() { return ssl_; }
  void close_notify();
  /// TCP FIN without close_notify (unlike close, no reset for unread bytes).
  void half_close();
  void close_tcp();
  /// Reads raw bytes until the peer's FIN; true when the peer reset the connection instead
  /// (a reset arriving after the FIN shows as the socket's pending error).
  bool ended_by_reset();

 private:
  bool feed();

  int fd_ = -1;
  SSL_CTX* context_ = nullptr;
  SSL* ssl_ = nullptr;
  BIO* in_ = nullptr;
  BIO* out_ = nullptr;
  int last_error_ = 0;
};

/// The server side: a self-signed certificate, the server's own TLS context and a listener.
class TlsTestServer {
 public:
  TlsTestServer();
  unsigned short port() const { return acceptor_.local_endpoint().port(); }
  /// Accepts one connection (a client must be connecting) as a LeanTlsStream.
  LeanTlsStream accept();
  boost::asio::io_context& io() { return io_; }
  /// Runs the io_context until `result` is ready (at most 10 s); false if it never was.
  template <class T>
  bool run_until(std::future<T>& result) {
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    io_.restart();
    while (result.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
      if (std::chrono::steady_clock::now() > end) return false;
      io_.run_one_for(std::chrono::milliseconds(10));
    }
    return true;
  }

 private:
  twostep::testing::TempDir dir_;
  std::shared_ptr<boost::asio::ssl::context> context_;
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
};

}  // namespace twostep::server::testing
