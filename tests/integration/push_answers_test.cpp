// Answering pushes over the real server: number matching, deny, fraud, refused answers, and
// the transaction status long poll (SPEC.md capabilities 5 and 9).
#include <future>
#include <iostream>
#include <thread>

#include <gtest/gtest.h>

#include "push_support.hpp"

namespace twostep::itest {
namespace {

// Alice with two connected devices and one push they both received.
struct Pushed {
  Environment env;
  TestDevice phone;
  TestDevice tablet;
  std::string txid;
  std::string number;

  Pushed() : phone(first_device(env)), tablet(env.admin.activate_device("alice", "Tablet")) {
    connect_and_push();
  }

  static TestDevice first_device(Environment& env) {
    env.admin.create_user("alice");
    return env.admin.activate_device("alice", "Phone");
  }

  void connect_and_push() {
    if (phone.connect() != 0 || tablet.connect() != 0) throw std::runtime_error("connect failed");
    const Response created = env.app.push("alice");
    if (created.status != 202) throw std::runtime_error("push: " + created.body);
    txid = created.str("txid");
    number = created.str("number");
    if (!phone.next_of("push") || !tablet.next_of("push")) throw std::runtime_error("no push");
  }

  std::string wrong_number() const { return number == "42" ? "43" : "42"; }
};

TEST(PushAnswers, ApproveWithTheRightNumber) {
  Pushed p;
  p.phone.respond(p.txid, "approve", p.number);
  auto result = p.phone.next_of("result");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->str("txid"), p.txid);
  EXPECT_EQ(result->str("status"), "approved");
  auto cancel = p.tablet.next_of("cancel");
  ASSERT_TRUE(cancel) << "the other device drops the request";
  EXPECT_EQ(cancel->str("txid"), p.txid);

  const Response status = p.env.app.status(p.txid);
  EXPECT_EQ(status.status, 200u);
  EXPECT_EQ(status.str("method"), "push");
  EXPECT_EQ(status.str("status"), "approved");
  EXPECT_EQ(status.str("device_id"), p.phone.id());
  EXPECT_FALSE(status.json.as_object().contains("reason"));
  // The first answer decides: a later one from the other device changes nothing.
  p.tablet.respond(p.txid, "deny", "");
  EXPECT_EQ(p.tablet.next_of("cancel")->str("txid"), p.txid);
  EXPECT_EQ(p.env.app.status(p.txid).str("status"), "approved");

  // /metrics catches up within its one-second refresh.
  Api api(p.env.server.port());
  bool counted = false;
  for (int i = 0; i < 50 && !counted; ++i) {
    counted = api.request("GET", "/metrics")
                  .body.find("twostep_push_transactions_total{outcome=\"approved\"} 1") !=
              std::string::npos;
    if (!counted) std::this_thread::sleep_for(100ms);
  }
  EXPECT_TRUE(counted);
}

TEST(PushAnswers, WrongNumberIsADenial) {
  Pushed p;
  p.phone.respond(p.txid, "approve", p.wrong_number());
  EXPECT_EQ(p.phone.next_of("result")->str("status"), "denied");
  const Response status = p.env.app.status(p.txid);
  EXPECT_EQ(status.str("status"), "denied");
  EXPECT_EQ(status.str("reason"), "number_mismatch");
}

TEST(PushAnswers, DenyIsRecorded) {
  Pushed p;
  p.tablet.respond(p.txid, "deny", "");
  EXPECT_EQ(p.tablet.next_of("result")->str("status"), "denied");
  const Response status = p.env.app.status(p.txid);
  EXPECT_EQ(status.str("status"), "denied");
  EXPECT_EQ(status.str("reason"), "user_denied");
  EXPECT_EQ(status.str("device_id"), p.tablet.id());
}

TEST(PushAnswers, FraudBlocksTheUserUntilAnAdminUnblocks) {
  Pushed p;
  p.phone.respond(p.txid, "fraud", "");
  EXPECT_EQ(p.phone.next_of("result")->str("status"), "fraud");
  EXPECT_EQ(p.env.app.status(p.txid).str("status"), "fraud");

  const Response blocked = p.env.app.push("alice");
  EXPECT_EQ(blocked.status, 423u);
  EXPECT_EQ(blocked.error_code(), "user_blocked");
  const Response audit = p.env.admin.call("GET", "/v1/audit?type=push.fraud");
  ASSERT_EQ(audit.status, 200u);
  EXPECT_EQ(audit.json.at("items").as_array().size(), 1u) << "admins are alerted";

  ASSERT_EQ(p.env.admin.call("POST", "/v1/users/alice/unblock").status, 200u);
  const Response again = p.env.app.push("alice");
  EXPECT_EQ(again.status, 202u) << again.body;
}

TEST(PushAnswers, ForgedSignatureIsRefusedAndLeavesThePushPending) {
  Pushed p;
  // Signed by the tablet's key but sent as the phone's answer.
  const std::string message = "twostep-push:" + p.txid + ":approve:" + p.number;
  p.phone.send_text(R"({"type":"respond","txid":")" + p.txid +
                    R"(","decision":"approve","number":")" + p.number + R"(","signature":")" +
                    p.tablet.sign(message) + R"("})");
  auto error = p.phone.next_of("error");
  ASSERT_TRUE(error);
  EXPECT_EQ(error->str("code"), "invalid_signature");
  // A signature over a different decision does not carry over either.
  p.phone.send_text(R"({"type":"respond","txid":")" + p.txid +
                    R"(","decision":"approve","number":")" + p.number + R"(","signature":")" +
                    p.phone.sign("twostep-push:" + p.txid + ":deny:") + R"("})");
  EXPECT_EQ(p.phone.next_of("error")->str("code"), "invalid_signature");
  EXPECT_EQ(p.env.app.status(p.txid).str("status"), "pending");

  p.phone.respond(p.txid, "approve", p.number);
  EXPECT_EQ(p.phone.next_of("result")->str("status"), "approved");
}

TEST(PushAnswers, AnotherUsersDeviceCannotAnswer) {
  Pushed p;
  p.env.admin.create_user("mallory");
  TestDevice mallory = p.env.admin.activate_device("mallory");
  ASSERT_EQ(mallory.connect(), 0);
  mallory.respond(p.txid, "approve", p.number);  // validly signed by mallory's own key
  auto answer = mallory.next(5s);
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->type, "cancel");
  EXPECT_EQ(p.env.app.status(p.txid).str("status"), "pending");
}

TEST(PushAnswers, DeactivatedDeviceCannotAnswer) {
  Pushed p;
  ASSERT_EQ(p.env.admin.call("DELETE", "/v1/users/alice/authenticators/" + p.phone.id()).status,
            200u);
  // Whatever the phone still manages to send is not counted.
  p.phone.respond(p.txid, "approve", p.number);
  auto closed = p.phone.until_closed();
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->close_code, 4403);
  EXPECT_EQ(p.env.app.status(p.txid).str("status"), "pending");
  // It cannot come back to answer either.
  auto refused = p.phone.authenticate();
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->type, "error");
  EXPECT_EQ(refused->str("code"), "device_deactivated");
  EXPECT_EQ(p.phone.until_closed()->close_code, 4403);
  EXPECT_EQ(p.env.app.status(p.txid).str("status"), "pending");

  p.tablet.respond(p.txid, "approve", p.number);
  EXPECT_EQ(p.tablet.next_of("result")->str("status"), "approved");
  EXPECT_EQ(p.env.app.status(p.txid).str("device_id"), p.tablet.id());
}

TEST(PushAnswers, LongPollReturnsAsSoonAsTheAnswerArrives) {
  Pushed p;
  Application poller(p.env.server.port(), p.env.admin.create_application("Portal"));
  // The poll must come from the creating application: this one is refused at once.
  EXPECT_EQ(poller.status(p.txid, 25).status, 404u);

  auto poll = std::async(std::launch::async, [&] {
    Response status = p.env.app.status(p.txid, 25);
    return std::pair{std::move(status), std::chrono::steady_clock::now()};
  });
  // Give the poll time to reach the server, so that the answer finds it waiting.
  EXPECT_EQ(poll.wait_for(500ms), std::future_status::timeout) << "a pending poll waits";
  const auto answered = std::chrono::steady_clock::now();
  p.phone.respond(p.txid, "approve", p.number);
  ASSERT_EQ(poll.wait_for(10s), std::future_status::ready);
  auto [status, returned] = poll.get();
  EXPECT_EQ(status.str("status"), "approved");
  const auto latency = returned - answered;
  EXPECT_LT(latency, 3s) << "returns with the answer, not at the end of its 25 s";
  std::cout << "long poll returned "
            << std::chrono::duration_cast<std::chrono::milliseconds>(latency).count()
            << " ms after the answer was sent\n";
}

TEST(PushAnswers, TransactionStatusIsOnlyForItsApplication) {
  Pushed p;
  Application other(p.env.server.port(), p.env.admin.create_application("Wiki"));
  EXPECT_EQ(other.status(p.txid).status, 404u);
  EXPECT_EQ(other.status(p.txid).error_code(), "transaction_not_found");
  EXPECT_EQ(p.env.app.status("ptx_unknown").status, 404u);
  EXPECT_EQ(p.env.app.status("stx_unknown").status, 404u);
  EXPECT_EQ(p.env.app.status(p.txid).str("status"), "pending");
  Api api(p.env.server.port());
  const Response with_admin_token = api.request("GET", "/v1/auth/transactions/" + p.txid,
                                                p.env.server.admin_token("other-admin"));
  EXPECT_EQ(with_admin_token.status, 403u);
  const Response bad_wait =
      api.request("GET", "/v1/auth/transactions/" + p.txid + "?wait=x", p.env.app_key);
  EXPECT_EQ(bad_wait.status, 400u);
}

}  // namespace
}  // namespace twostep::itest
