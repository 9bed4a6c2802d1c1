// The web sign-in's text-message step through the real server: a code sent with
// POST /v1/session/send-code lands in the outbox (the default provider) and finishes the
// sign-in; a wrong one does not.
#include <fstream>

#include "tests/integration/session_fixture.hpp"

namespace twostep::itest {
namespace {

namespace json = boost::json;

class SessionSms : public SessionTest {
 protected:
  void SetUp() override {
    SessionTest::SetUp();
    Phone phone = admin_phone(create_user("alice"));
    WebSession session = sign_in_with_totp(http(), "alice", kPassword, phone.secret);
    auto saved = http().put("/v1/me/phones/alternate_mobile",
                            json::object{{"number", "+31612345678"}}, session.write_headers());
    ASSERT_EQ(saved.status, 200u) << saved.body;
  }
  // The code of the last message in DATA_DIR/outbox.jsonl.
  std::string last_code() {
    std::ifstream in(server().data_dir() / "outbox.jsonl");
    std::string line, last;
    while (std::getline(in, line)) {
      if (!line.empty()) last = line;
    }
    return last.empty() ? "" : str(json::parse(last), "code");
  }
};

TEST_F(SessionSms, TextedCodeFinishesTheSignIn) {
  SignIn first = sign_in(http(), "alice", kPassword);
  ASSERT_EQ(first.session.stage, "mfa");
  EXPECT_EQ(first.response.json.at("methods"), (json::array{"push", "totp", "sms", "voice"}));
  auto sent = http().post("/v1/session/send-code",
                          json::object{{"method", "sms"}, {"phone", "alternate_mobile"}},
                          first.session.write_headers());
  ASSERT_EQ(sent.status, 200u) << sent.body;
  const std::string code = last_code();
  ASSERT_FALSE(code.empty());
  const std::string wrong = code == "000000" ? "111111" : "000000";
  auto refused = http().post("/v1/session/verify", json::object{{"method", "sms"}, {"code", wrong}},
                             first.session.write_headers());
  EXPECT_EQ(refused.status, 401u);
  EXPECT_EQ(refused.error_code(), "invalid_code");
  auto done = http().post("/v1/session/verify", json::object{{"method", "sms"}, {"code", code}},
                          first.session.write_headers());
  ASSERT_EQ(done.status, 200u) << done.body;
  EXPECT_EQ(done.json.at("stage"), "done");
  EXPECT_EQ(http().get("/v1/me", first.session.read_headers()).status, 200u);
}

}  // namespace
}  // namespace twostep::itest
