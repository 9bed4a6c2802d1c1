// The device WebSocket's guard rails over real TLS: Origin allow-list, authentication and
// its close codes, message size cap, malformed frames, the auth deadline, and graceful
// shutdown (SPEC.md quality bars; API.md "Device WebSocket").
#include <fstream>
#include <future>
#include <iostream>

#include <gtest/gtest.h>

#include "client/protocol.hpp"
#include "push_support.hpp"

namespace twostep::itest {
namespace {

// Opens a connection and returns the hello frame's nonce ("" on failure).
std::string open_for_auth(TestDevice& device) {
  if (device.open() != 101) return {};
  auto hello = device.next();
  return hello && hello->type == "hello" ? hello->str("nonce") : std::string();
}

TEST(PushWebSocket, ForeignBrowserOriginIsRefusedBeforeTheUpgrade) {
  Environment env({"https://portal.example.com"});
  env.admin.create_user("alice");
  TestDevice phone = env.admin.activate_device("alice");
  EXPECT_EQ(phone.open("https://evil.example"), 403u);
  EXPECT_EQ(phone.open("null"), 403u);
  EXPECT_EQ(phone.open("https://portal.example.com"), 101u);
  EXPECT_EQ(phone.open(), 101u) << "no Origin: a native app";
  auto hello = phone.next();
  ASSERT_TRUE(hello);
  EXPECT_EQ(hello->type, "hello");
  EXPECT_GE(hello->str("nonce").size(), 20u);
}

TEST(PushWebSocket, EachConnectionGetsAFreshNonce) {
  Environment env;
  env.admin.create_user("alice");
  TestDevice phone = env.admin.activate_device("alice");
  const std::string first = open_for_auth(phone);
  const std::string second = open_for_auth(phone);
  ASSERT_FALSE(first.empty());
  EXPECT_NE(first, second);
}

TEST(PushWebSocket, UnknownDeviceAndBadSignaturesClose4401) {
  Environment env;
  env.admin.create_user("alice");
  TestDevice phone = env.admin.activate_device("alice");
  TestDevice other = env.admin.activate_device("alice", "Other");

  std::string nonce = open_for_auth(phone);
  phone.send_text(
      client::auth_frame("dev_unknown", phone.sign(client::auth_message("dev_unknown", nonce))));
  auto error = phone.next();
  ASSERT_TRUE(error);
  EXPECT_EQ(error->str("code"), "unknown_device");
  EXPECT_EQ(phone.until_closed()->close_code, 4401);

  nonce = open_for_auth(phone);  // signed by another device's key
  phone.send_text(
      client::auth_frame(phone.id(), other.sign(client::auth_message(phone.id(), nonce))));
  EXPECT_EQ(phone.next()->str("code"), "invalid_signature");
  EXPECT_EQ(phone.until_closed()->close_code, 4401);

  const std::string stale_nonce = nonce;  // a signature over an earlier connection's nonce
  open_for_auth(phone);
  phone.send_text(
      client::auth_frame(phone.id(), phone.sign(client::auth_message(phone.id(), stale_nonce))));
  EXPECT_EQ(phone.next()->str("code"), "invalid_signature");
  EXPECT_EQ(phone.until_closed()->close_code, 4401);
}

TEST(PushWebSocket, TheFirstFrameMustBeAuth) {
  Environment env;
  env.admin.create_user("alice");
  TestDevice phone = env.admin.activate_device("alice");
  open_for_auth(phone);
  phone.send_text(R"({"type":"remove"})");
  auto error = phone.next();
  ASSERT_TRUE(error);
  EXPECT_EQ(error->str("code"), "auth_required");
  EXPECT_EQ(phone.until_closed()->close_code, 1008);
  EXPECT_EQ(phone.connect(), 0) << "nothing was removed";
}

// The header of a masked text frame announcing `length` payload bytes (64-bit length form),
// with no payload after it: the server must refuse it from the header alone.
std::string oversize_frame_header(std::uint64_t length) {
  std::string header = "\x81\xff";
  for (int shift = 56; shift >= 0; shift -= 8) {
    header += static_cast<char>((length >> shift) & 0xff);
  }
  return header + std::string(4, '\0');  // the masking key
}

TEST(PushWebSocket, OversizeMessageClosesWith1009) {
  Environment env;
  env.admin.create_user("alice");
  TestDevice phone = env.admin.activate_device("alice");
  ASSERT_EQ(phone.connect(), 0);
  ASSERT_TRUE(phone.send_raw(oversize_frame_header(64 * 1024 + 1)));
  auto closed = phone.until_closed();
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->close_code, 1009);
  // Before authentication as well, and for any size up to what a 64-bit length can say.
  open_for_auth(phone);
  ASSERT_TRUE(phone.send_raw(oversize_frame_header(std::uint64_t{1} << 62)));
  EXPECT_EQ(phone.until_closed()->close_code, 1009);
  // A message just under the cap is read and answered.
  ASSERT_EQ(phone.connect(), 0);
  phone.send_text(std::string(60 * 1024, ' '));
  EXPECT_EQ(phone.next()->str("code"), "invalid_frame");
}

// `count` masked (all-zero key) fragments of one text message, 1 KiB each, none final:
// the first is a text frame, the rest continuations.
std::string unfinished_fragments(int count, bool first) {
  std::string out;
  for (int i = 0; i < count; ++i) {
    out += (first && i == 0) ? '\x01' : '\x00';
    out += std::string("\xfe\x04\x00", 3);  // masked, 16-bit length 1024
    out += std::string(4, '\0') + std::string(1024, ' ');
  }
  return out;
}

// VmRSS of a process in KiB (0 when unreadable).
long rss_kib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.starts_with("VmRSS:")) return std::stol(line.substr(6));
  }
  return 0;
}

TEST(PushWebSocket, EndlessFragmentsCloseWith1009AndMemoryStaysFlat) {
  Environment env;
  env.admin.create_user("alice");
  TestDevice phone = env.admin.activate_device("alice");
  ASSERT_EQ(phone.connect(), 0);
  const long before = rss_kib(env.server.pid());
  // Up to 8 MiB in 1 KiB fragments of one message that never ends: the server must stop
  // at the 64 KiB message cap instead of collecting them.
  int sent_kib = 0;
  std::optional<Frame> closed;
  for (bool first = true; sent_kib < 8 * 1024 && !closed; first = false) {
    if (!phone.send_raw(unfinished_fragments(4, first))) break;
    sent_kib += 4;
    // Read between small batches, as a real client would, so the close frame is read
    // before more of our bytes make the server's close a reset.
    if (auto frame = phone.next(20ms); frame && frame->closed) closed = frame;
  }
  ASSERT_TRUE(closed) << "still open after " << sent_kib << " KiB";
  // The server sends close 1009 when the message passes the cap, but the fragment that
  // crossed it is still unread when Beast closes the socket, so the kernel may send a reset
  // that overtakes the close frame (seen about once in a few dozen runs): a dropped link (0)
  // is the same refusal seen from here. What must hold is that it ends at the cap.
  EXPECT_TRUE(closed->close_code == 1009 || closed->close_code == 0) << closed->close_code;
  EXPECT_LE(sent_kib, 64 + 8);
  const long growth = rss_kib(env.server.pid()) - before;
  std::cout << "fragments: " << sent_kib << " KiB written before the close (code "
            << closed->close_code << "); server RSS grew " << growth << " KiB\n";
  EXPECT_LT(growth, 4 * 1024) << "the server kept the fragments";
  EXPECT_EQ(phone.connect(), 0) << "the device can connect again";
}

TEST(PushWebSocket, MalformedFramesGetAnErrorAndTheLinkStays) {
  Environment env;
  env.admin.create_user("alice");
  TestDevice phone = env.admin.activate_device("alice");
  ASSERT_EQ(phone.connect(), 0);
  for (const std::string bad :
       {R"(not json)", R"([1,2])", R"({"type":"teleport"})", R"({"type":"respond","txid":7})",
        R"({"type":"respond","txid":"ptx_x","decision":"maybe","signature":"AA"})"}) {
    phone.send_text(bad);
    auto error = phone.next();
    ASSERT_TRUE(error) << bad;
    EXPECT_EQ(error->type, "error") << bad;
    EXPECT_FALSE(error->str("code").empty()) << bad;
  }
  const Response created = env.app.push("alice");
  ASSERT_EQ(created.status, 202u);
  EXPECT_TRUE(phone.next_of("push")) << "still connected and served";
}

TEST(PushWebSocket, ADeviceThatStopsReadingIsDroppedNotBuffered) {
  Environment env;
  env.admin.create_user("alice");
  TestDevice phone = env.admin.activate_device("alice");
  // Authenticate on a socket with a tiny receive window, then never read: every malformed
  // frame gets an error frame back, which soon has nowhere to go but the server's queue.
  ASSERT_EQ(phone.open({}, 4096), 101u);
  const std::string nonce = phone.next()->str("nonce");
  phone.send_text(
      client::auth_frame(phone.id(), phone.sign(client::auth_message(phone.id(), nonce))));
  // Masked one-byte text frames ("x"), written in bulk below the WebSocket layer.
  std::string frames;
  for (int i = 0; i < 10000; ++i) frames += std::string("\x81\x81\0\0\0\0x", 7);
  int batches = 0;
  const auto start = std::chrono::steady_clock::now();
  while (batches < 100 && phone.send_raw(frames)) ++batches;
  std::cout << "dropped within " << batches + 1 << " batches of 10,000 frames, "
            << std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now() - start)
                   .count()
            << " ms\n";
  EXPECT_LT(batches, 100) << "the server stopped the flood by dropping the connection";
  Api api(env.server.port());
  const Response metrics = api.request("GET", "/metrics");
  EXPECT_NE(metrics.body.find("twostep_device_sessions_dropped_total 1"), std::string::npos)
      << "dropped for its full queue, not for anything else";
  EXPECT_EQ(phone.connect(), 0) << "the server is fine and the device may come back";
}

TEST(PushWebSocket, AuthMustArriveWithinTheDeadline) {
  Environment env;
  env.admin.create_user("alice");
  TestDevice phone = env.admin.activate_device("alice");
  ASSERT_FALSE(open_for_auth(phone).empty());
  const auto start = std::chrono::steady_clock::now();
  auto error = phone.next(15s);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->str("code"), "auth_timeout");
  EXPECT_EQ(phone.until_closed()->close_code, 1008);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 14s);
}

TEST(PushWebSocket, GracefulShutdownSaysGoingAway) {
  Environment env;
  env.admin.create_user("alice");
  TestDevice phone = env.admin.activate_device("alice");
  ASSERT_EQ(phone.connect(), 0);
  auto stopping = std::async(std::launch::async, [&] { return env.server.stop(); });
  auto closed = phone.until_closed();  // answering the close lets the server finish at once
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->close_code, 1001);
  EXPECT_EQ(stopping.get(), 0) << "a clean exit";
}

}  // namespace
}  // namespace twostep::itest
