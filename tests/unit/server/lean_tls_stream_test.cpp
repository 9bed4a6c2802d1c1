#include "server/lean_tls_stream.hpp"

#include <gtest/gtest.h>

#include <array>
#include <future>
#include <string>
#include <thread>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>

#include "server/tls13_records.hpp"
#include "tests/unit/server/tls_test_peer.hpp"

namespace twostep::server {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using boost::system::error_code;
using testing::TlsTestClient;
using testing::TlsTestServer;

constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);

// One accepted, handshaken connection with its client.
class LeanTlsStreamTest : public ::testing::Test {
 protected:
  void connect() {
    open();
    std::jthread client([this] { client_->handshake(); });
    ASSERT_FALSE(server_handshake());
  }

  // A new connection: the client connected, nothing sent yet.
  void open() {
    client_.emplace(server_.port());
    stream_.emplace(server_.accept());
  }

  error_code server_handshake(std::optional<std::chrono::milliseconds> deadline = {}) {
    if (deadline) stream_->expires_after(*deadline);
    auto done = asio::co_spawn(
        server_.io(),
        [this]() -> asio::awaitable<error_code> {
          co_return std::get<0>(co_await stream_->async_handshake(kNoThrow));
        },
        asio::use_future);
    EXPECT_TRUE(server_.run_until(done));
    return done.get();
  }

  // Runs one read_some of up to `size` bytes on the server.
  std::pair<error_code, std::string> server_read(std::size_t size = 4096) {
    auto done = asio::co_spawn(
        server_.io(),
        [this, size]() -> asio::awaitable<std::pair<error_code, std::string>> {
          std::string data(size, '\0');
          auto [ec, n] = co_await stream_->async_read_some(asio::buffer(data), kNoThrow);
          data.resize(n);
          co_return std::pair{ec, data};
        },
        asio::use_future);
    EXPECT_TRUE(server_.run_until(done));
    return done.get();
  }

  error_code server_write(const std::string& text) {
    auto done = asio::co_spawn(
        server_.io(),
        [this, &text]() -> asio::awaitable<error_code> {
          co_return std::get<0>(co_await asio::async_write(*stream_, asio::buffer(text), kNoThrow));
        },
        asio::use_future);
    EXPECT_TRUE(server_.run_until(done));
    return done.get();
  }

  TlsTestServer server_;
  std::optional<TlsTestClient> client_;
  std::optional<LeanTlsStream> stream_;
};

TEST_F(LeanTlsStreamTest, HandshakesAndExchangesDataWithAnOpenSslClient) {
  connect();
  client_->write("hello");
  auto [ec, data] = server_read();
  EXPECT_FALSE(ec);
  EXPECT_EQ(data, "hello");
  // A header and a payload in two buffers leave as one record: one SSL_read gets both.
  auto written = asio::co_spawn(
      server_.io(),
      [this]() -> asio::awaitable<error_code> {
        const std::array<asio::const_buffer, 2> parts{asio::buffer("head", 4),
                                                      asio::buffer("payload", 7)};
        co_return std::get<0>(co_await asio::async_write(*stream_, parts, kNoThrow));
      },
      asio::use_future);
  ASSERT_TRUE(server_.run_until(written));
  EXPECT_FALSE(written.get());
  EXPECT_EQ(client_->read_some(), "headpayload");
}

TEST_F(LeanTlsStreamTest, ResultsReadyAtOnceAreNotDeliveredInsideTheInitiatingCall) {
  connect();
  client_->write("abc");
  auto [ec, first] = server_read(1);  // "bc" stays decrypted inside OpenSSL
  ASSERT_EQ(first, "a");
  bool initiating = true;
  bool inline_call = false;
  std::string rest(8, '\0');
  stream_->async_read_some(asio::buffer(rest), [&](error_code, std::size_t n) {
    inline_call = initiating;
    rest.resize(n);
  });
  initiating = false;
  server_.io().restart();
  server_.io().run_for(1s);
  EXPECT_FALSE(inline_call);
  EXPECT_EQ(rest, "bc");
}

TEST_F(LeanTlsStreamTest, ARecordArrivingInPiecesIsReadWhenComplete) {
  connect();
  client_->encrypt("split record");
  const std::string record = client_->take_output();
  std::string got(64, '\0');
  std::optional<error_code> result;
  stream_->async_read_some(asio::buffer(got), [&](error_code ec, std::size_t n) {
    result = ec;
    got.resize(n);
  });
  client_->send_raw(record.substr(0, record.size() / 2));
  server_.io().restart();
  // The read takes in the first half and waits for the rest.
  const auto half = std::chrono::steady_clock::now() + 300ms;
  while (std::chrono::steady_clock::now() < half) server_.io().run_one_for(10ms);
  EXPECT_FALSE(result.has_value());
  const auto end = std::chrono::steady_clock::now() + 5s;
  client_->send_raw(record.substr(record.size() / 2));
  while (!result && std::chrono::steady_clock::now() < end) server_.io().run_one_for(10ms);
  ASSERT_TRUE(result.has_value());
  EXPECT_FALSE(*result);
  EXPECT_EQ(got, "split record");
}

TEST_F(LeanTlsStreamTest, AReadAndALargeWriteProceedTogether) {
  connect();
  const std::string big(4 * 1024 * 1024, 'x');  // more than the socket buffers hold
  auto written = asio::co_spawn(
      server_.io(),
      [this, &big]() -> asio::awaitable<error_code> {
        co_return std::get<0>(co_await asio::async_write(*stream_, asio::buffer(big), kNoThrow));
      },
      asio::use_future);
  auto read = asio::co_spawn(
      server_.io(),
      [this]() -> asio::awaitable<std::string> {
        std::string data(16, '\0');
        auto [ec, n] = co_await stream_->async_read_some(asio::buffer(data), kNoThrow);
        data.resize(n);
        co_return data;
      },
      asio::use_future);
  std::string received;
  std::jthread client([&] {
    received = client_->read_exactly(big.size());
    client_->write("done");
  });
  ASSERT_TRUE(server_.run_until(written));
  ASSERT_TRUE(server_.run_until(read));
  client.join();
  EXPECT_FALSE(written.get());
  EXPECT_EQ(read.get(), "done");
  EXPECT_EQ(received.size(), big.size());
}

TEST_F(LeanTlsStreamTest, APendingReadFailsWithTimeoutAtTheDeadline) {
  connect();
  stream_->expires_after(50ms);
  auto [ec, data] = server_read();
  EXPECT_EQ(ec, boost::beast::error::timeout);
  EXPECT_FALSE(stream_->socket().is_open());
}

TEST_F(LeanTlsStreamTest, ADeadlinePassingWithNothingPendingLeavesTheConnectionOpen) {
  connect();
  stream_->expires_after(10ms);
  asio::steady_timer pause(server_.io(), 50ms);
  auto paused = pause.async_wait(asio::use_future);
  ASSERT_TRUE(server_.run_until(paused));
  EXPECT_TRUE(stream_->socket().is_open());
  stream_->expires_never();
  client_->write("late");
  auto [ec, data] = server_read();
  EXPECT_FALSE(ec);
  EXPECT_EQ(data, "late");
}

TEST_F(LeanTlsStreamTest, CloseNotifyIsEndOfStreamAndABareTcpCloseIsTruncation) {
  connect();
  client_->close_notify();
  EXPECT_EQ(server_read().first, asio::error::eof);

  connect();
  client_->half_close();
  EXPECT_EQ(server_read().first, asio::ssl::error::stream_truncated);
}

TEST_F(LeanTlsStreamTest, ShutdownSendsCloseNotifyOnce) {
  connect();
  auto closed = asio::co_spawn(
      server_.io(),
      [this]() -> asio::awaitable<std::pair<error_code, error_code>> {
        auto [first] = co_await stream_->async_shutdown(kNoThrow);
        auto [second] = co_await stream_->async_shutdown(kNoThrow);
        stream_->close();
        co_return std::pair{first, second};
      },
      asio::use_future);
  ASSERT_TRUE(server_.run_until(closed));
  auto [first, second] = closed.get();
  EXPECT_FALSE(first);
  EXPECT_FALSE(second);
  EXPECT_EQ(client_->read_some(), "");
  EXPECT_EQ(client_->last_error(), SSL_ERROR_ZERO_RETURN);
}

// A server closing a WebSocket on its own (1009, 4401…) tears down without waiting for the
// client's close frame. The client's answer and its close_notify may arrive in two pieces:
// closing the socket between them would reset the connection, and the reset can destroy
// the close frame the client has not read yet.
TEST_F(LeanTlsStreamTest, WebSocketTeardownDrainsUntilThePeerClosesInsteadOfResetting) {
  connect();
  std::promise<error_code> teardown;
  auto torn = teardown.get_future();
  async_teardown(boost::beast::role_type::server, *stream_,
                 [&teardown](error_code ec) { teardown.set_value(ec); });
  bool reset = true;
  std::jthread client([&] {
    client_->write("the client's close frame");
    std::this_thread::sleep_for(100ms);
    client_->close_notify();
    std::this_thread::sleep_for(100ms);
    reset = client_->ended_by_reset();
    client_->half_close();
  });
  ASSERT_TRUE(server_.run_until(torn));
  client.join();
  EXPECT_FALSE(torn.get());
  EXPECT_FALSE(reset);
}

TEST_F(LeanTlsStreamTest, WebSocketTeardownGivesUpOnAPeerThatNeverClosesAfterFiveSeconds) {
  connect();  // the client never answers, never closes
  std::promise<error_code> teardown;
  auto torn = teardown.get_future();
  const auto start = std::chrono::steady_clock::now();
  async_teardown(boost::beast::role_type::server, *stream_,
                 [&teardown](error_code ec) { teardown.set_value(ec); });
  ASSERT_TRUE(server_.run_until(torn));
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_FALSE(torn.get());  // close_notify went out; the drain's end is not an error
  EXPECT_GE(took, 4500ms);
  EXPECT_LT(took, 9s);
  EXPECT_FALSE(stream_->socket().is_open());
}

TEST_F(LeanTlsStreamTest, AStalledHandshakeEndsAtTheDeadline) {
  open();  // the client never sends its ClientHello
  EXPECT_EQ(server_handshake(50ms), boost::beast::error::timeout);
}

TEST_F(LeanTlsStreamTest, ATls13ConnectionIsHandedOverToTheRecordLayer) {
  connect();
  EXPECT_EQ(SSL_version(client_->native_handle()), TLS1_3_VERSION);
  EXPECT_TRUE(stream_->handed_over());
  EXPECT_EQ(stream_->native_handle(), nullptr);  // OpenSSL's connection is freed
  client_->write("ping");
  EXPECT_EQ(server_read().second, "ping");
  const std::string big(40000, 'z');  // three records
  EXPECT_FALSE(server_write(big));
  EXPECT_EQ(client_->read_exactly(big.size()), big);
}

TEST_F(LeanTlsStreamTest, ATls12ConnectionStaysWithOpenSsl) {
  client_.emplace(server_.port(), TLS1_2_VERSION);
  stream_.emplace(server_.accept());
  std::jthread client([this] { client_->handshake(); });
  ASSERT_FALSE(server_handshake());
  client.join();
  EXPECT_FALSE(stream_->handed_over());
  EXPECT_NE(stream_->native_handle(), nullptr);
  client_->write("ping");
  EXPECT_EQ(server_read().second, "ping");
  EXPECT_FALSE(server_write("pong"));
  EXPECT_EQ(client_->read_some(), "pong");
}

void count_key_updates(int write_p, int, int content_type, const void* data, std::size_t size, SSL*,
                       void* counter) {
  if (write_p == 0 && content_type == SSL3_RT_HANDSHAKE && size > 0 &&
      *static_cast<const unsigned char*>(data) == SSL3_MT_KEY_UPDATE) {
    ++*static_cast<int*>(counter);
  }
}

TEST_F(LeanTlsStreamTest, AClientKeyUpdateIsFollowedAndARequestedOneAnswered) {
  connect();
  int received_updates = 0;
  SSL_set_msg_callback(client_->native_handle(), count_key_updates);
  SSL_set_msg_callback_arg(client_->native_handle(), &received_updates);
  ASSERT_EQ(SSL_key_update(client_->native_handle(), SSL_KEY_UPDATE_REQUESTED), 1);
  client_->write("under new keys");  // the KeyUpdate goes first
  EXPECT_EQ(server_read().second, "under new keys");
  EXPECT_FALSE(server_write("answer"));
  EXPECT_EQ(client_->read_some(), "answer");
  EXPECT_EQ(received_updates, 1);
  client_->write("still fine");
  EXPECT_EQ(server_read().second, "still fine");
}

TEST_F(LeanTlsStreamTest, ATamperedRecordFailsTheReadAndTheClientIsToldWhy) {
  connect();
  client_->encrypt("tampered");
  std::string record = client_->take_output();
  record[8] = static_cast<char>(record[8] ^ 0x01);
  client_->send_raw(record);
  EXPECT_EQ(server_read().first, tls13::RecordError::kBadRecordMac);
  EXPECT_EQ(client_->read_some(), "");
  EXPECT_EQ(client_->last_error(), SSL_ERROR_SSL);  // the bad_record_mac alert
}

}  // namespace
}  // namespace twostep::server
