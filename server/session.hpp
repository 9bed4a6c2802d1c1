// One HTTPS connection: TLS handshake, then HTTP/1.1 requests one after another, each read
// under a deadline, routed, limited, dispatched to the worker pool and answered; or handed
// over to an upgrade handler. Runs as one coroutine on the connection's strand.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "core/error.hpp"
#include "server/connection_slot.hpp"
#include "server/net.hpp"
#include "server/server_context.hpp"
#include "server/tls_io.hpp"

namespace twostep::server {

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(ServerContext& ctx, tcp::socket socket, ConnectionSlot slot);

  /// Serves the connection until it closes or is handed over. Spawn it on the socket's
  /// strand; it keeps the session alive while it runs.
  asio::awaitable<void> run();
  /// Finish soon: an idle connection closes at once, a busy one after its response.
  /// Thread-safe.
  void shutdown();

 private:
  enum class Next { kKeepAlive, kClose, kCloseNow, kHandedOver };
  // What one request/response exchange has learned so far, for its response and log line.
  struct Exchange {
    std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
    std::string correlation_id;
    std::string method;
    std::string_view route = "unmatched";
    unsigned version = 11;
  };
  using Parser = RequestParser;

  asio::awaitable<bool> handshake();
  asio::awaitable<bool> wait_for_request();
  asio::awaitable<Next> serve_request();
  asio::awaitable<Next> route_request(Parser& parser, Exchange& ex);
  asio::awaitable<Next> read_body(Parser& parser, Exchange& ex, std::uint64_t limit);
  asio::awaitable<Next> on_read_error(beast::error_code ec, Exchange& ex);
  asio::awaitable<Next> reply_error(
      Exchange& ex, core::Error error, Next next,
      std::vector<std::pair<std::string, std::string>> extra_headers = {});
  asio::awaitable<Next> send(HttpResponse response, Exchange& ex, Next next);
  asio::awaitable<void> close(bool graceful);
  void hand_over(const UpgradeHandler& handler, BeastRequest request, Exchange& ex);

  ServerContext& ctx_;
  asio::any_io_executor executor_;  // the connection's strand
  std::string client_ip_;           // before stream_: read from the socket it takes over
  // Before stream_: the context this connection was made with, kept alive after a reload
  // (SIGHUP) swaps in a new one.
  std::shared_ptr<boost::asio::ssl::context> tls_;
  TlsStream stream_;
  beast::flat_buffer buffer_;
  ConnectionSlot slot_;
  bool interruptible_ = false;  // waiting for the handshake or the next request
  bool stopping_ = false;
  bool handed_over_ = false;
};

}  // namespace twostep::server
