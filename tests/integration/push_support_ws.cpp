// The scripted device WebSocket client.
#include <stdexcept>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "client/protocol.hpp"
#include "push_support.hpp"

namespace twostep::itest {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace json = boost::json;

std::string Frame::str(std::string_view key) const {
  const auto* v = json.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

struct TestDevice::Impl {
  Impl() : ws(io, tls) {}

  // Runs the io_context until `done` or the deadline.
  void run_until(const bool& done, std::chrono::steady_clock::time_point deadline) {
    io.restart();
    while (!done && io.run_one_until(deadline) > 0) {
    }
  }

  template <class Start>
  beast::error_code await(Start start, std::chrono::milliseconds timeout = 10s) {
    beast::error_code result = asio::error::timed_out;
    bool done = false;
    start([&](beast::error_code ec, auto&&...) {
      result = ec;
      done = true;
    });
    run_until(done, std::chrono::steady_clock::now() + timeout);
    if (!done) {
      // Abort the operation and let its handler run while `done` and `result` still exist.
      beast::get_lowest_layer(ws).close();
      run_until(done, std::chrono::steady_clock::now() + 60s);
    }
    return result;
  }

  asio::io_context io;
  asio::ssl::context tls{asio::ssl::context::tls_client};
  websocket::stream<beast::ssl_stream<beast::tcp_stream>> ws;
  beast::flat_buffer buffer;
  bool reading = false;
  bool read_done = false;
  bool ended = false;
  beast::error_code read_ec;
};

TestDevice::TestDevice(std::uint16_t port, std::string device_id,
                       std::shared_ptr<client::DeviceKey> key)
    : port_(port), device_id_(std::move(device_id)), key_(std::move(key)) {}
TestDevice::~TestDevice() = default;
TestDevice::TestDevice(TestDevice&&) noexcept = default;
TestDevice& TestDevice::operator=(TestDevice&&) noexcept = default;

unsigned TestDevice::open(const std::string& origin, int receive_buffer) {
  impl_ = std::make_unique<Impl>();
  auto& ws = impl_->ws;
  auto& tcp = beast::get_lowest_layer(ws);
  const asio::ip::tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), port_);
  if (receive_buffer > 0) {
    // Set before connecting, so the window the server sees is small from the start.
    tcp.socket().open(endpoint.protocol());
    tcp.socket().set_option(asio::socket_base::receive_buffer_size(receive_buffer));
  }
  if (impl_->await([&](auto handler) { tcp.async_connect(endpoint, handler); })) return 0;
  if (impl_->await([&](auto handler) {
        ws.next_layer().async_handshake(asio::ssl::stream_base::client, handler);
      })) {
    return 0;
  }
  ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
  ws.set_option(websocket::stream_base::decorator([origin](websocket::request_type& request) {
    if (!origin.empty()) request.set(http::field::origin, origin);
  }));
  websocket::response_type response;
  const std::string host = "127.0.0.1:" + std::to_string(port_);
  const auto ec = impl_->await(
      [&](auto handler) { ws.async_handshake(response, host, "/v1/device/ws", handler); });
  if (ec) return response.result_int();
  return 101;
}

std::optional<Frame> TestDevice::authenticate() {
  if (open() != 101) return std::nullopt;
  auto hello = next();
  if (!hello || hello->type != "hello") return std::nullopt;
  send_text(
      client::auth_frame(device_id_, sign(client::auth_message(device_id_, hello->str("nonce")))));
  return next();
}

int TestDevice::connect() {
  auto ready = authenticate();
  if (!ready || ready->type != "ready") return -1;
  return static_cast<int>(ready->json.at("pending").as_int64());
}

std::optional<Frame> TestDevice::next(std::chrono::milliseconds timeout) {
  if (!impl_) return Frame{true, 0, {}, {}, {}};
  Impl& d = *impl_;
  if (d.ended) return Frame{true, d.ws.reason().code, {}, {}, {}};
  if (!d.reading) {
    d.reading = true;
    d.read_done = false;
    d.ws.async_read(d.buffer, [&d](beast::error_code ec, std::size_t) {
      d.read_ec = ec;
      d.read_done = true;
      d.reading = false;
    });
  }
  d.run_until(d.read_done, std::chrono::steady_clock::now() + timeout);
  if (!d.read_done) return std::nullopt;
  d.read_done = false;
  if (d.read_ec) {
    d.ended = true;
    return Frame{true, d.read_ec == websocket::error::closed ? d.ws.reason().code : 0, {}, {}, {}};
  }
  Frame frame;
  frame.text = beast::buffers_to_string(d.buffer.data());
  d.buffer.consume(d.buffer.size());
  boost::system::error_code ec;
  auto value = json::parse(frame.text, ec);
  if (ec || !value.is_object()) throw std::runtime_error("not a JSON object: " + frame.text);
  frame.json = value.as_object();
  frame.type = frame.str("type");
  return frame;
}

std::optional<Frame> TestDevice::next_of(std::string_view type, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left <= 0ms) return std::nullopt;
    auto frame = next(left);
    if (!frame || frame->closed) return std::nullopt;
    if (frame->type == type) return frame;
  }
}

std::optional<Frame> TestDevice::until_closed(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left <= 0ms) return std::nullopt;
    auto frame = next(left);
    if (!frame) return std::nullopt;
    if (frame->closed) return frame;
  }
}

bool TestDevice::silent_for(std::chrono::milliseconds quiet) { return !next(quiet).has_value(); }

bool TestDevice::send_text(const std::string& text) {
  if (!impl_ || impl_->ended) return false;
  auto& ws = impl_->ws;
  ws.text(true);
  return !impl_->await([&](auto handler) { ws.async_write(asio::buffer(text), handler); });
}

bool TestDevice::send_raw(const std::string& bytes) {
  if (!impl_ || impl_->ended) return false;
  auto& tls = impl_->ws.next_layer();
  return !impl_->await([&](auto handler) { asio::async_write(tls, asio::buffer(bytes), handler); },
                       60s);
}

std::string TestDevice::sign(const std::string& message) const {
  auto signature = key_->sign_base64url(message);
  if (!signature) throw std::runtime_error("signing failed");
  return *signature;
}

void TestDevice::respond(const std::string& txid, const std::string& decision,
                         const std::string& number) {
  const auto parsed = client::parse_decision(decision);
  if (!parsed) throw std::runtime_error("bad decision " + decision);
  send_text(client::respond_frame(txid, *parsed, number,
                                  sign(client::push_message(txid, *parsed, number))));
}

void TestDevice::not_me(const std::string& event_id) {
  send_text(client::not_me_frame(event_id, sign(client::not_me_message(event_id))));
}

}  // namespace twostep::itest
