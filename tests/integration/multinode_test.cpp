// Two `twostep serve` nodes on one PostgreSQL database (issue 8): a push asked for on one
// node reaches the phone connected to the other and the long poll on the first wakes; a
// deactivation on one node closes the socket on the other; one TOTP code sent to both at
// once is accepted once; the per-address limit of activation attempts holds across nodes;
// a crash and restart of PostgreSQL loses nothing acknowledged and the nodes recover on
// their own. Skipped without TWOSTEP_TEST_PG_URL.
#include <chrono>
#include <future>
#include <latch>
#include <thread>

#include <gtest/gtest.h>

#include "tests/integration/multinode_support.hpp"

namespace twostep::itest {
namespace {

using Clock = std::chrono::steady_clock;

// The long polls below wait this long: a poll that returns much sooner was woken by the
// change, not by its timer (which would also read the final status).
constexpr int kPollSeconds = 20;
constexpr auto kWokenWithin = 10s;

struct Poll {
  Response response;
  Clock::duration took;
};

std::future<Poll> long_poll(Application& app, const std::string& txid) {
  return std::async(std::launch::async, [&app, txid] {
    const auto start = Clock::now();
    Response response = app.status(txid, kPollSeconds);
    return Poll{std::move(response), Clock::now() - start};
  });
}

// Asks node b for a push to `username`, answers it on `device` (connected to node a) and
// checks that node b's long poll wakes with "approved".
void approve_across_nodes(TwoNodes& nodes, TestDevice& device, const std::string& username,
                          std::chrono::milliseconds delivery_timeout = 10s) {
  const Response created = nodes.app_b.push(username);
  ASSERT_EQ(created.status, 202u) << created.body;
  const std::string txid = created.str("txid");
  auto poll = long_poll(nodes.app_b, txid);
  const auto push = device.next_of("push", delivery_timeout);
  ASSERT_TRUE(push) << "the push did not reach the device on the other node";
  EXPECT_EQ(push->str("txid"), txid);
  device.respond(txid, "approve", created.str("number"));
  const auto result = device.next_of("result");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->str("status"), "approved");
  const Poll polled = poll.get();
  EXPECT_EQ(polled.response.str("status"), "approved") << polled.response.body;
  EXPECT_LT(polled.took, kWokenWithin) << "the long poll on node b was not woken";
}

std::string totp_code(const std::string& secret) {
  const auto result = testing::run_program({"/usr/bin/oathtool", "--totp", "-b", secret});
  return result.out.substr(0, result.out.find('\n'));
}

class MultiNode : public ::testing::Test {
 protected:
  void SetUp() override { TWOSTEP_REQUIRE_POSTGRES(); }
};

TEST_F(MultiNode, PushAskedOnOneNodeIsApprovedOnTheOther) {
  TwoNodes nodes;
  nodes.admin_a.create_user("alice");
  TestDevice phone = nodes.admin_a.activate_device("alice");
  ASSERT_EQ(phone.connect(), 0);
  approve_across_nodes(nodes, phone, "alice");
  // The status read afterwards on either node agrees.
  const Response created = nodes.app_b.push("alice");
  ASSERT_EQ(created.status, 202u) << created.body;
  const auto push = phone.next_of("push", 10s);
  ASSERT_TRUE(push);
  phone.respond(created.str("txid"), "deny", "");
  ASSERT_TRUE(phone.next_of("result"));
  EXPECT_EQ(nodes.app_b.status(created.str("txid")).str("status"), "denied");
  EXPECT_EQ(nodes.app_a.status(created.str("txid")).str("status"), "denied");
}

TEST_F(MultiNode, AnswerOnOneNodeCancelsThePushOnTheOthersDevices) {
  TwoNodes nodes;
  nodes.admin_a.create_user("bob");
  TestDevice on_a = nodes.admin_a.activate_device("bob", "Phone");
  // Activated through node b, so it connects to node b.
  TestDevice tablet = nodes.admin_b.activate_device("bob", "Tablet");
  ASSERT_EQ(on_a.connect(), 0);
  ASSERT_EQ(tablet.connect(), 0);
  const Response created = nodes.app_a.push("bob");
  ASSERT_EQ(created.status, 202u) << created.body;
  const std::string txid = created.str("txid");
  ASSERT_TRUE(on_a.next_of("push"));
  const auto on_tablet = tablet.next_of("push", 10s);
  ASSERT_TRUE(on_tablet) << "node a's push did not reach the device on node b";
  tablet.respond(txid, "approve", created.str("number"));
  ASSERT_TRUE(tablet.next_of("result"));
  const auto cancel = on_a.next_of("cancel", 10s);
  ASSERT_TRUE(cancel) << "the answer on node b did not cancel the push on node a";
  EXPECT_EQ(cancel->str("txid"), txid);
}

TEST_F(MultiNode, DeactivationOnOneNodeClosesTheSocketOnTheOther) {
  TwoNodes nodes;
  nodes.admin_a.create_user("carol");
  TestDevice phone = nodes.admin_a.activate_device("carol");
  ASSERT_EQ(phone.connect(), 0);
  ASSERT_EQ(nodes.admin_b.call("DELETE", "/v1/users/carol/authenticators/" + phone.id()).status,
            200u);
  const auto deactivated = phone.next_of("deactivated", 10s);
  ASSERT_TRUE(deactivated) << "node a's socket was not told";
  EXPECT_EQ(deactivated->str("reason"), "admin_removed");
  const auto closed = phone.until_closed();
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->close_code, 4403);
}

TEST_F(MultiNode, OneTotpCodeSentToBothNodesAtOnceIsAcceptedOnce) {
  TwoNodes nodes;
  constexpr int kRounds = 5;
  for (int round = 0; round < kRounds; ++round) {
    const std::string user = "dave" + std::to_string(round);
    nodes.admin_a.create_user(user);
    std::string secret;
    nodes.admin_a.activate_device(user, secret, "Phone", true);
    ASSERT_FALSE(secret.empty());
    const std::string body =
        R"({"username":")" + user + R"(","code":")" + totp_code(secret) + R"("})";
    std::latch go(2);
    auto send = [&](std::uint16_t port) {
      Api api(port);
      go.arrive_and_wait();
      return api.request("POST", "/v1/auth/totp", nodes.app_key, body);
    };
    auto on_a = std::async(std::launch::async, send, nodes.a.port());
    auto on_b = std::async(std::launch::async, send, nodes.b.port());
    const Response ra = on_a.get();
    const Response rb = on_b.get();
    ASSERT_EQ(ra.status, 200u) << ra.body;
    ASSERT_EQ(rb.status, 200u) << rb.body;
    const int approvals = (ra.str("status") == "approved") + (rb.str("status") == "approved");
    EXPECT_EQ(approvals, 1) << ra.body << " / " << rb.body;
    const Response& loser = ra.str("status") == "approved" ? rb : ra;
    EXPECT_EQ(loser.str("reason"), "replayed_code") << loser.body;
  }
}

TEST_F(MultiNode, ActivationAttemptsOfOneAddressAreLimitedAcrossNodes) {
  TwoNodes nodes;
  // POST /v1/activate allows a burst of 10 per address; an empty body is refused after the
  // limiter took its token. Spread over both nodes, the address still gets 10, not 20.
  Api a(nodes.a.port());
  Api b(nodes.b.port());
  int allowed = 0;
  for (int i = 0; i < 20; ++i) {
    const Response r = (i % 2 == 0 ? a : b).request("POST", "/v1/activate", {}, "{}");
    if (r.status == 429u) break;
    EXPECT_EQ(r.status, 400u) << r.body;
    ++allowed;
  }
  EXPECT_EQ(allowed, 10);
}

// Not a MultiNode fixture test: it makes its own PostgreSQL server before the nodes.
TEST(MultiNodeRestart, NodesRecoverFromAPostgresCrashWithoutLosingAcknowledgedWork) {
  TWOSTEP_REQUIRE_POSTGRES();
  PrivatePostgres postgres;
  TwoNodes nodes;
  nodes.admin_a.create_user("erin");
  TestDevice phone = nodes.admin_a.activate_device("erin");
  ASSERT_EQ(phone.connect(), 0);
  const Response before = nodes.app_b.push("erin");
  ASSERT_EQ(before.status, 202u) << before.body;
  ASSERT_TRUE(phone.next_of("push", 10s));
  phone.respond(before.str("txid"), "approve", before.str("number"));
  ASSERT_TRUE(phone.next_of("result"));
  nodes.admin_b.create_user("frank");

  postgres.crash();
  // While the database is down nothing is acknowledged.
  const Response refused = nodes.app_b.push("erin");
  EXPECT_NE(refused.status, 202u) << refused.body;
  postgres.start();

  // The nodes reconnect on their own; the first requests may still fail.
  Response created;
  const auto deadline = Clock::now() + 30s;
  while (Clock::now() < deadline) {
    created = nodes.app_b.push("erin");
    if (created.status == 202u) break;
    std::this_thread::sleep_for(200ms);
  }
  ASSERT_EQ(created.status, 202u) << created.body;
  // Node a's listener catches up (or gets the notification) and the phone, still
  // connected to node a, gets the push; node b's long poll wakes on the answer.
  const std::string txid = created.str("txid");
  auto poll = long_poll(nodes.app_b, txid);
  const auto push = phone.next_of("push", 20s);
  ASSERT_TRUE(push) << "the push after the restart did not reach the device";
  EXPECT_EQ(push->str("txid"), txid);
  phone.respond(txid, "approve", created.str("number"));
  ASSERT_TRUE(phone.next_of("result"));
  const Poll polled = poll.get();
  EXPECT_EQ(polled.response.str("status"), "approved") << polled.response.body;
  EXPECT_LT(polled.took, kWokenWithin);
  approve_across_nodes(nodes, phone, "erin");

  // Both listeners reconnected and caught up.
  EXPECT_NE(nodes.a.log().find("cluster catch-up"), std::string::npos);
  EXPECT_NE(nodes.b.log().find("cluster catch-up"), std::string::npos);

  // What was acknowledged before the crash is still there, on both nodes.
  EXPECT_EQ(nodes.app_a.status(before.str("txid")).str("status"), "approved");
  EXPECT_EQ(nodes.app_b.status(before.str("txid")).str("status"), "approved");
  EXPECT_EQ(nodes.admin_a.call("GET", "/v1/users/frank").status, 200u);
}

}  // namespace
}  // namespace twostep::itest
