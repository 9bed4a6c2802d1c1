// A stand-in for the twostep server in client tests: a self-signed certificate, and a TLS
// listener on 127.0.0.1 that answers plain HTTPS requests with a handler and speaks the
// device side of API.md's WebSocket (hello, auth checked with core::verify_p256, ready).
// It runs on the test's io_context, on the test's thread.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>

#include "core/crypto.hpp"

namespace twostep::client::testing {

/// A self-signed P-256 certificate and its key, PEM.
struct TestCertificate {
  std::string cert_pem;
  std::string key_pem;
  std::string pin;  // hex SHA-256 of the SubjectPublicKeyInfo (TlsOptions::pin_sha256)
};

/// subjectAltName: `dns` names and `ips`.
TestCertificate make_certificate(const std::vector<std::string>& dns,
                                 const std::vector<std::string>& ips);

/// A 201 body of POST /v1/activate per API.md, for device "dev_new" of user alice, with the
/// RFC 6238 test secret (SHA1, 6 digits, 30 s).
std::string activation_response(const std::string& ws_url);

/// Runs `io` until `done()` or until `limit` passes; returns done().
bool run_until(boost::asio::io_context& io, const std::function<bool()>& done,
               std::chrono::milliseconds limit = std::chrono::seconds(10));

using WsStream =
    boost::beast::websocket::stream<boost::asio::ssl::stream<boost::beast::tcp_stream>>;

/// One authenticated device socket, as the server sees it.
class Peer : public std::enable_shared_from_this<Peer> {
 public:
  explicit Peer(std::unique_ptr<WsStream> stream) : stream_(std::move(stream)) {}
  void send(std::string frame);
  /// Sends a close frame with `code` after the frames already queued.
  void close(int code);

  std::string device_id;
  std::vector<std::string> received;  // frames after auth, as text
  bool closed = false;

 private:
  friend class TestServer;
  void write_next();

  std::unique_ptr<WsStream> stream_;
  std::deque<std::string> outbox_;
  bool writing_ = false;
  int close_code_ = 0;  // set by close(): sent once the queue is empty
};

class TestServer {
 public:
  TestServer(boost::asio::io_context& io, const TestCertificate& certificate);
  ~TestServer();

  unsigned short port() const { return port_; }
  /// wss://HOST:PORT/v1/device/ws and https://HOST:PORT/v1/activate.
  std::string ws_url(const std::string& host = "127.0.0.1") const;
  std::string https_url(const std::string& path, const std::string& host = "127.0.0.1") const;

  struct HttpReply {
    unsigned status = 200;
    std::string body;
  };
  /// Answers plain HTTPS requests (method, target, body).
  std::function<HttpReply(const std::string&, const std::string&, const std::string&)> http;
  /// Devices it accepts: id → public key. Others get an error frame and close 4401.
  std::map<std::string, core::P256PublicKey> devices;
  /// Called for each device after `ready` was sent.
  std::function<void(std::shared_ptr<Peer>)> on_ready;
  /// Every authenticated socket so far, in order.
  std::vector<std::shared_ptr<Peer>> peers;
  int handshakes = 0;  // WebSocket upgrades accepted

 private:
  boost::asio::awaitable<void> accept_loop();
  boost::asio::awaitable<void> session(boost::asio::ip::tcp::socket socket);
  boost::asio::awaitable<void> device(std::unique_ptr<WsStream> stream);

  boost::asio::io_context& io_;
  boost::asio::ssl::context context_;
  boost::asio::ip::tcp::acceptor acceptor_;
  unsigned short port_ = 0;
  int nonces_ = 0;
};

}  // namespace twostep::client::testing
