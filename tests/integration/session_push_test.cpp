// The web sign-in's push step through the real server: number matching with a device on
// the WebSocket, the long poll, "don't ask again" (the remember cookie skips the second step
// on the next sign-in), and a wrong number leaving the sign-in unfinished.
#include "push_support.hpp"
#include "tests/integration/session_fixture.hpp"

namespace twostep::itest {
namespace {

namespace json = boost::json;

class SessionPush : public SessionTest {
 protected:
  void SetUp() override {
    SessionTest::SetUp();
    const std::string id = create_user("alice");
    Phone phone = admin_phone(id);
    device_.emplace(server().port(), phone.device_id, phone.key);
    ASSERT_EQ(device_->connect(), 0);
  }
  // Starts a push for the session and returns {txid, number} after the device got it.
  std::pair<std::string, std::string> push(const WebSession& session, bool remember) {
    auto started = http().post("/v1/session/push", json::object{{"remember", remember}},
                               session.write_headers());
    EXPECT_EQ(started.status, 200u) << started.body;
    EXPECT_EQ(str(started.json, "csrf_token"), session.csrf);
    auto frame = device_->next_of("push");
    EXPECT_TRUE(frame);
    if (frame) {
      EXPECT_EQ(frame->str("txid"), str(started.json, "txid"));
    }
    return {str(started.json, "txid"), str(started.json, "number")};
  }
  testing::Response poll(const WebSession& session, const std::string& txid, int wait) {
    return http().get("/v1/session/push/" + txid + "?wait=" + std::to_string(wait),
                      session.read_headers());
  }
  std::optional<TestDevice> device_;
};

TEST_F(SessionPush, ApprovalWithTheRightNumberFinishesTheSignInAndRemembers) {
  SignIn first = sign_in(http(), "alice", kPassword);
  ASSERT_EQ(first.session.stage, "mfa");
  auto [txid, number] = push(first.session, true);
  auto pending = poll(first.session, txid, 0);
  EXPECT_EQ(pending.json.at("status"), "pending");
  EXPECT_EQ(pending.json.at("stage"), "mfa");
  device_->respond(txid, "approve", number);
  auto approved = poll(first.session, txid, 10);
  ASSERT_EQ(approved.status, 200u) << approved.body;
  EXPECT_EQ(approved.json.at("status"), "approved");
  EXPECT_EQ(approved.json.at("stage"), "done");
  EXPECT_EQ(http().get("/v1/me", first.session.read_headers()).status, 200u);

  const std::string remember_header = set_cookie_header(approved, kRememberCookie);
  ASSERT_FALSE(remember_header.empty());
  EXPECT_NE(remember_header.find("; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age="),
            std::string::npos);
  const std::string remember = *set_cookie_value(approved, kRememberCookie);
  // The next sign-in from this browser skips the second step; another browser does not.
  SignIn next = sign_in(http(), "alice", kPassword, remember);
  EXPECT_EQ(next.session.stage, "done");
  EXPECT_EQ(sign_in(http(), "alice", kPassword).session.stage, "mfa");
  EXPECT_EQ(sign_in(http(), "alice", kPassword, remember + "x").session.stage, "mfa");
}

TEST_F(SessionPush, WrongNumberLeavesTheSignInUnfinished) {
  SignIn first = sign_in(http(), "alice", kPassword);
  auto [txid, number] = push(first.session, false);
  device_->respond(txid, "approve", number == "42" ? "43" : "42");
  auto denied = poll(first.session, txid, 10);
  EXPECT_EQ(denied.json.at("status"), "denied");
  EXPECT_EQ(denied.json.at("reason"), "number_mismatch");
  EXPECT_EQ(denied.json.at("stage"), "mfa");
  EXPECT_EQ(http().get("/v1/me", first.session.read_headers()).status, 401u);
}

TEST_F(SessionPush, AnotherSessionCannotReadThePush) {
  SignIn first = sign_in(http(), "alice", kPassword);
  SignIn second = sign_in(http(), "alice", kPassword);
  auto [txid, number] = push(first.session, false);
  auto other = poll(second.session, txid, 0);
  EXPECT_EQ(other.status, 404u);
  EXPECT_EQ(other.error_code(), "transaction_not_found");
}

}  // namespace
}  // namespace twostep::itest
