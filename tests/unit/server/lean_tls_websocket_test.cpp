// The idle-device read rule (DeviceSession::read_message) on a real TLS connection: after a
// message, Beast holds nothing unread, so waiting for readiness cannot stall a message that
// arrived in the same record.
#include <gtest/gtest.h>

#include <string>
#include <thread>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>

#include "server/lean_tls_stream.hpp"
#include "server/ws_frame_boundary.hpp"
#include "tests/unit/server/tls_test_peer.hpp"

namespace twostep::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
using boost::system::error_code;

constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);

// A client text frame: masked (RFC 6455 requires it) with an all-zero key.
std::string client_frame(const std::string& text, bool fin = true, bool continuation = false) {
  std::string frame;
  frame += static_cast<char>((fin ? 0x80 : 0x00) | (continuation ? 0x0 : 0x1));
  if (text.size() < 126) {
    frame += static_cast<char>(0x80 | text.size());
  } else {
    frame += static_cast<char>(0x80 | 126);
    frame += static_cast<char>(text.size() >> 8);
    frame += static_cast<char>(text.size() & 0xFF);
  }
  frame += std::string(4, '\0');
  return frame + text;
}

std::string observe_all(FrameBoundary& frames, const std::string& bytes, std::size_t step) {
  std::string seen;
  for (std::size_t at = 0; at < bytes.size();) {
    const std::size_t n = frames.limit(std::min(step, bytes.size() - at));
    frames.observe(reinterpret_cast<const unsigned char*>(bytes.data() + at), n);
    seen += bytes.substr(at, n);
    at += n;
    if (at < bytes.size() && frames.at_boundary()) seen += '|';
  }
  return seen;
}

TEST(FrameBoundary, StopsAtEachFrameEnd) {
  const std::string one = client_frame("one");
  const std::string long_one = client_frame(std::string(300, 'x'));
  FrameBoundary frames;
  EXPECT_TRUE(frames.at_boundary());
  EXPECT_EQ(observe_all(frames, one + long_one + one, 4096), one + "|" + long_one + "|" + one);
  EXPECT_TRUE(frames.at_boundary());
  FrameBoundary bytewise;
  EXPECT_EQ(observe_all(bytewise, one + one, 1), one + "|" + one);
  EXPECT_TRUE(bytewise.at_boundary());
  FrameBoundary partial;
  observe_all(partial, one.substr(0, 3), 4096);
  EXPECT_FALSE(partial.at_boundary());
}

TEST(FrameBoundary, ReadsSixtyFourBitLengthsAndEmptyFrames) {
  std::string huge = {static_cast<char>(0x82), static_cast<char>(127), 0, 0, 0, 0, 0, 1, 0, 0};
  FrameBoundary frames;
  frames.observe(reinterpret_cast<const unsigned char*>(huge.data()), huge.size());
  EXPECT_EQ(frames.limit(1 << 20), 65536u);                // the payload length, unmasked
  const std::string empty = {static_cast<char>(0x89), 0};  // an empty ping
  FrameBoundary second;
  second.observe(reinterpret_cast<const unsigned char*>(empty.data()), empty.size());
  EXPECT_TRUE(second.at_boundary());
}

TEST(LeanTlsWebSocket, TwoMessagesInOneRecordAreBothRead) {
  testing::TlsTestServer server;
  testing::TlsTestClient client(server.port());
  websocket::stream<LeanTlsStream> ws(server.accept());
  std::jthread peer([&] {
    client.handshake();
    client.write(
        "GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
        "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
    std::string response;
    while (response.find("\r\n\r\n") == std::string::npos) {
      std::string part = client.read_some();
      if (part.empty()) return;
      response += part;
    }
    // One record: a fragmented message, a ping, and a second message.
    client.write(client_frame("fir", false) + client_frame("st", true, true) +
                 std::string{static_cast<char>(0x89), static_cast<char>(0x80), 0, 0, 0, 0} +
                 client_frame("second"));
  });
  auto messages = asio::co_spawn(
      server.io(),
      [&]() -> asio::awaitable<std::vector<std::string>> {
        std::vector<std::string> out;
        auto [accepted] = co_await ws.next_layer().async_handshake(kNoThrow);
        if (accepted) co_return out;
        auto [ec] = co_await ws.async_accept(kNoThrow);
        if (ec) co_return out;
        ws.next_layer().follow_websocket_frames();
        beast::flat_buffer buffer;
        for (int i = 0; i < 2; ++i) {
          if (ws.next_layer().at_frame_boundary()) {
            auto [wait_ec] = co_await ws.next_layer().async_wait_readable(kNoThrow);
            if (wait_ec) co_return out;
          }
          auto [read_ec, n] = co_await ws.async_read(buffer, kNoThrow);
          if (read_ec) co_return out;
          out.push_back(beast::buffers_to_string(buffer.data()));
          buffer.consume(n);
          EXPECT_TRUE(ws.next_layer().at_frame_boundary());
        }
        co_return out;
      },
      asio::use_future);
  ASSERT_TRUE(server.run_until(messages));
  EXPECT_EQ(messages.get(), (std::vector<std::string>{"first", "second"}));
}

}  // namespace
}  // namespace twostep::server
