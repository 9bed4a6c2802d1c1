// Protocol abuse: oversize headers, ambiguous framing (request smuggling shapes), garbage,
// pipelining, Expect: 100-continue, chunked bodies, and clients that are slow or silent.
#include <gtest/gtest.h>

#include <thread>

#include "tests/integration/harness/server_test.hpp"

namespace twostep::testing {
namespace {

using namespace std::chrono_literals;
using ProtocolTest = ServerTest;

TEST_F(ProtocolTest, HeadersOver8KiBAre431) {
  Response r = client().get("/healthz", {{"X-Padding", std::string(9 * 1024, 'a')}});
  EXPECT_EQ(r.status, 431u);
  EXPECT_EQ(r.error_code(), "headers_too_large");
  EXPECT_EQ(r.error_correlation_id(), r.header("x-correlation-id"));
  // Just under the limit is fine.
  EXPECT_EQ(client().get("/healthz", {{"X-Padding", std::string(7 * 1024, 'a')}}).status, 200u);
}

TEST_F(ProtocolTest, AmbiguousFramingIs400AndClosesTheConnection) {
  const std::string shapes[] = {
      // Content-Length with Transfer-Encoding, in both orders.
      "POST /v1/users HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: "
      "chunked\r\n\r\n0\r\n\r\n",
      "POST /v1/users HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: "
      "5\r\n\r\n0\r\n\r\n",
      // Duplicate Content-Length, equal or not, and as a list.
      "POST /v1/users HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\n{}",
      "POST /v1/users HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
      "POST /v1/users HTTP/1.1\r\nHost: x\r\nContent-Length: 2, 2\r\n\r\n{}",
      // Chunked in HTTP/1.0, other codings, repeated Transfer-Encoding.
      "POST /v1/users HTTP/1.0\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
      "POST /v1/users HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
      "POST /v1/users HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\nContent-Length: "
      "2\r\n\r\n{}",
      "POST /v1/users HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: "
      "chunked\r\n\r\n0\r\n\r\n",
      // HTTP/1.1 without exactly one Host, absolute-form target, unknown version.
      "GET /healthz HTTP/1.1\r\n\r\n",
      "GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
      "GET https://localhost/healthz HTTP/1.1\r\nHost: x\r\n\r\n",
      "GET /healthz HTTP/1.2\r\nHost: x\r\n\r\n",
      // Not HTTP at all.
      "HELLO\r\n\r\n",
  };
  for (const auto& shape : shapes) {
    RawConnection raw = client().raw();
    raw.send(shape);
    Response r = raw.read_response();
    EXPECT_EQ(r.status, 400u) << shape;
    EXPECT_EQ(r.error_code(), "bad_request") << shape;
    EXPECT_EQ(r.error_correlation_id(), r.header("x-correlation-id"));
    EXPECT_TRUE(raw.wait_closed(5s)) << shape;
  }
}

TEST_F(ProtocolTest, PipelinedRequestsAreAnsweredInOrder) {
  RawConnection raw = client().raw();
  raw.send(
      "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Correlation-ID: first\r\n\r\n"
      "GET /nope HTTP/1.1\r\nHost: x\r\nX-Correlation-ID: second\r\n\r\n");
  Response a = raw.read_response();
  Response b = raw.read_response();
  EXPECT_EQ(a.status, 200u);
  EXPECT_EQ(a.header("x-correlation-id"), "first");
  EXPECT_EQ(b.status, 404u);
  EXPECT_EQ(b.header("x-correlation-id"), "second");
}

TEST_F(ProtocolTest, ExpectContinueGetsAnInterimResponseBeforeTheBody) {
  RawConnection raw = client().raw();
  raw.send(
      "POST /v1/users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Content-Length: 2\r\nExpect: 100-continue\r\n\r\n");
  EXPECT_EQ(raw.read_response().status, 100u);
  raw.send("{}");
  EXPECT_EQ(raw.read_response().status, 401u);
}

TEST_F(ProtocolTest, ChunkedBodyIsReadAndLimited) {
  RawConnection small = client().raw();
  small.send(
      "POST /v1/users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n");
  EXPECT_EQ(small.read_response().status, 401u);

  RawConnection big = client().raw();
  std::string chunk(16 * 1024, 'a');
  std::string wire =
      "POST /v1/users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Transfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 5; ++i) wire += "4000\r\n" + chunk + "\r\n";
  wire += "0\r\n\r\n";
  big.send(wire);
  Response r = big.read_response();
  EXPECT_EQ(r.status, 413u);
  EXPECT_EQ(r.error_code(), "body_too_large");
  EXPECT_TRUE(big.wait_closed(5s));
}

// Short deadlines so the slow-client tests take seconds.
class SlowClientTest : public ServerTest {
 protected:
  ServerProcessOptions server_options() const override {
    ServerProcessOptions options;
    options.config_toml = "read_timeout_seconds = 2\nidle_timeout_seconds = 2\n";
    return options;
  }
};

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

TEST_F(SlowClientTest, TricklingHeadersAreCutAtTheReadDeadlineWhileOthersAreServed) {
  RawConnection slow = client().raw();
  HttpsClient other = server().client();
  const auto start = std::chrono::steady_clock::now();
  slow.send("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ");
  double closed_after = -1;
  // One byte every 250 ms: each byte arrives well within any per-read timeout, so only a
  // deadline on the whole header stops it. Writes start failing once the server is gone.
  while (seconds_since(start) < 8) {
    try {
      slow.send("a");
    } catch (const ClientError&) {
      closed_after = seconds_since(start);
      break;
    }
    ASSERT_EQ(other.get("/healthz").status, 200u);
    std::this_thread::sleep_for(250ms);
  }
  ASSERT_GT(closed_after, 0) << "the trickling client was never disconnected";
  EXPECT_GE(closed_after, 1.9);
  EXPECT_LE(closed_after, 4.0);
  EXPECT_GE(other.requests_on_connection(), 6);
}

TEST_F(SlowClientTest, IdleKeepAliveConnectionIsClosedAfterTheIdleTimeout) {
  RawConnection raw = client().raw();
  raw.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_EQ(raw.read_response().status, 200u);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(raw.wait_closed(6s));
  EXPECT_GE(seconds_since(start), 1.5);
}

TEST_F(SlowClientTest, SilentClientsAreClosedBeforeAndAfterTheHandshake) {
  const auto start = std::chrono::steady_clock::now();
  TcpConnection no_handshake("127.0.0.1", server().port());
  RawConnection no_request = client().raw();
  EXPECT_TRUE(no_handshake.wait_closed(6s));
  EXPECT_TRUE(no_request.wait_closed(6s));
  EXPECT_GE(seconds_since(start), 1.5);
  EXPECT_EQ(client().get("/healthz").status, 200u);
}

TEST_F(SlowClientTest, SlowBodyIsCutAtTheSameDeadline) {
  RawConnection slow = client().raw();
  const auto start = std::chrono::steady_clock::now();
  slow.send(
      "POST /v1/users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Content-Length: 100\r\n\r\n{");
  EXPECT_TRUE(slow.wait_closed(6s));
  EXPECT_GE(seconds_since(start), 1.5);
  EXPECT_LE(seconds_since(start), 4.0);
}

}  // namespace
}  // namespace twostep::testing
