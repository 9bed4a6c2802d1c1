// The web sign-in through the real server: the password step, its cookie, CSRF, sign-out,
// and the second step by TOTP and by temporary access code; lockout; the admin API through an
// admin's session; and the server's log never holding a secret.
#include "core/encoding.hpp"
#include "tests/integration/session_fixture.hpp"

namespace twostep::itest {
namespace {

namespace json = boost::json;

class SessionSignIn : public SessionTest {
 protected:
  void SetUp() override {
    SessionTest::SetUp();
    alice_id_ = create_user("alice");
    phone_ = admin_phone(alice_id_);
  }
  std::string alice_id_;
  Phone phone_;
};

TEST_F(SessionSignIn, PasswordStartsTheSecondStepWithAnExactCookie) {
  SignIn first = sign_in(http(), "alice", kPassword);
  ASSERT_EQ(first.response.status, 200u) << first.response.body;
  const std::string cookie = set_cookie_header(first.response, kSessionCookie);
  EXPECT_EQ(cookie, "__Host-twostep_session=" + first.session.token +
                        "; Path=/; Secure; HttpOnly; SameSite=Strict");
  auto raw = core::base64url_decode(first.session.token);
  ASSERT_TRUE(raw);
  EXPECT_GE(raw->size(), 16u);
  EXPECT_EQ(first.session.stage, "mfa");
  EXPECT_FALSE(first.session.csrf.empty());
  EXPECT_EQ(first.response.json.at("preferred_method"), "push");
  EXPECT_EQ(first.response.json.at("methods"), (json::array{"push", "totp"}));
  // The second step is not done: nothing else is open yet.
  EXPECT_EQ(http().get("/v1/me", first.session.read_headers()).status, 401u);

  SignIn second = sign_in(http(), "alice", kPassword);
  EXPECT_NE(second.session.token, first.session.token);
}

TEST_F(SessionSignIn, SigningInAgainEndsTheBrowsersEarlierSession) {
  SignIn first = sign_in(http(), "alice", kPassword);
  auto again =
      http().post("/v1/session", json::object{{"username", "alice"}, {"password", kPassword}},
                  first.session.read_headers());
  ASSERT_EQ(again.status, 200u);
  EXPECT_EQ(http().get("/v1/session", first.session.read_headers()).status, 401u);
}

TEST_F(SessionSignIn, WrongPasswordUnknownAndDisabledUsersGetTheSameAnswer) {
  create_user("dave");
  ASSERT_EQ(http().patch("/v1/users/dave", json::object{{"status", "disabled"}}, admin()).status,
            200u);
  auto wrong = sign_in(http(), "alice", "not the password at all").response;
  auto unknown = sign_in(http(), "nobody", kPassword).response;
  auto disabled = sign_in(http(), "dave", kPassword).response;
  for (const auto* r : {&wrong, &unknown, &disabled}) {
    EXPECT_EQ(r->status, 401u);
    EXPECT_EQ(r->error_code(), "invalid_credentials");
    EXPECT_EQ(r->json.at("error").at("message"), wrong.json.at("error").at("message"));
    EXPECT_TRUE(set_cookie_header(*r, kSessionCookie).empty());
  }
}

TEST_F(SessionSignIn, FailedPasswordsLockTheUserOut) {
  ASSERT_EQ(http().patch("/v1/settings", json::object{{"lockout_threshold", 3}}, admin()).status,
            200u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(
        sign_in(http(), "alice", "wrong password number " + std::to_string(i)).response.status,
        401u);
  }
  // Locked: a wrong password still looks like any other; the right one learns of the lock.
  EXPECT_EQ(sign_in(http(), "alice", "yet another wrong one").response.status, 401u);
  auto locked = sign_in(http(), "alice", kPassword).response;
  EXPECT_EQ(locked.status, 423u);
  EXPECT_EQ(locked.error_code(), "locked_out");
  EXPECT_FALSE(locked.header("retry-after").empty());
}

TEST_F(SessionSignIn, PasswordSprayingFromOneAddressIsSlowedDown) {
  // Each refused password costs 3 of the address's 30 tokens: the 11th try is refused
  // before its password is looked at, whichever account it names, the right one included.
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(sign_in(http(), "user" + std::to_string(i), kPassword).response.status, 401u);
  }
  auto refused = sign_in(http(), "alice", kPassword).response;
  EXPECT_EQ(refused.status, 429u) << refused.body;
  EXPECT_EQ(refused.error_code(), "too_many_requests");
  EXPECT_FALSE(refused.header("retry-after").empty());
  EXPECT_FALSE(refused.json.at("error").at("correlation_id").as_string().empty());
}

TEST_F(SessionSignIn, TotpFinishesTheSignIn) {
  WebSession session = sign_in_with_totp(http(), "alice", kPassword, phone_.secret);
  EXPECT_EQ(session.stage, "done");
  auto me = http().get("/v1/me", session.read_headers());
  ASSERT_EQ(me.status, 200u) << me.body;
  EXPECT_EQ(me.json.at("user").at("username"), "alice");
  EXPECT_EQ(me.json.at("methods").at("authenticators").as_array().size(), 1u);
  EXPECT_TRUE(me.json.at("settings").as_object().contains("remember_days"));
  EXPECT_TRUE(me.json.at("settings").as_object().contains("app_passwords_enabled"));
  EXPECT_EQ(str(me.json, "csrf_token"), session.csrf);
}

TEST_F(SessionSignIn, WrongTotpCodeIsRefused) {
  SignIn first = sign_in(http(), "alice", kPassword);
  const std::string good = totp_code(phone_.secret);
  const std::string bad = good == "000000" ? "111111" : "000000";
  auto refused = http().post("/v1/session/verify", json::object{{"method", "totp"}, {"code", bad}},
                             first.session.write_headers());
  EXPECT_EQ(refused.status, 401u);
  EXPECT_EQ(refused.error_code(), "invalid_code");
  EXPECT_EQ(http().get("/v1/me", first.session.read_headers()).status, 401u);
}

TEST_F(SessionSignIn, WritesWithTheCookieNeedTheCsrfToken) {
  WebSession session = sign_in_with_totp(http(), "alice", kPassword, phone_.secret);
  const json::object body{{"preferred_method", "totp"}};
  auto missing = http().patch("/v1/me/preferences", body, session.read_headers());
  EXPECT_EQ(missing.status, 403u);
  EXPECT_EQ(missing.error_code(), "csrf_required");
  auto headers = session.read_headers();
  headers.emplace_back("x-csrf-token", session.csrf + "x");
  auto wrong = http().patch("/v1/me/preferences", body, headers);
  EXPECT_EQ(wrong.status, 403u);
  EXPECT_EQ(wrong.error_code(), "csrf_invalid");
  EXPECT_EQ(http().del("/v1/session", session.read_headers()).status, 403u);
  EXPECT_EQ(http().patch("/v1/me/preferences", body, session.write_headers()).status, 200u);
}

TEST_F(SessionSignIn, SignOutEndsTheSessionOnTheServer) {
  WebSession session = sign_in_with_totp(http(), "alice", kPassword, phone_.secret);
  auto out = http().del("/v1/session", session.write_headers());
  EXPECT_EQ(out.status, 204u);
  EXPECT_EQ(set_cookie_header(out, kSessionCookie),
            "__Host-twostep_session=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0");
  // The old cookie, replayed, opens nothing.
  EXPECT_EQ(http().get("/v1/me", session.read_headers()).status, 401u);
}

TEST_F(SessionSignIn, TemporaryAccessSendsTheUserToRegisterANewMethod) {
  auto bad_hours =
      http().post("/v1/users/alice/temporary-access", json::object{{"hours", 25}}, admin());
  EXPECT_EQ(bad_hours.status, 400u);
  auto issued =
      http().post("/v1/users/alice/temporary-access", json::object{{"hours", 2}}, admin());
  ASSERT_EQ(issued.status, 201u) << issued.body;
  const std::string code = str(issued.json, "code");
  ASSERT_FALSE(code.empty());

  // The lost phone was activated long before (the server's clock moves on; without the test
  // hook it may be the same second, and the check of "a new method" below is skipped).
  const bool clock_moves = core::ServerClock::test_hooks_enabled();
  move_clock(std::chrono::minutes(5));
  SignIn first = sign_in(http(), "alice", kPassword);
  EXPECT_EQ(first.response.json.at("methods"), (json::array{"push", "totp", "temporary_access"}));
  auto used = http().post("/v1/session/verify",
                          json::object{{"method", "temporary_access"}, {"code", code}},
                          first.session.write_headers());
  ASSERT_EQ(used.status, 200u) << used.body;
  EXPECT_EQ(used.json.at("stage"), "register");
  EXPECT_EQ(http().get("/v1/me", first.session.read_headers()).status, 401u);
  // The old phone does not count: a new method must be registered.
  if (clock_moves) {
    auto early = http().post("/v1/session/complete-registration", json::object{},
                             first.session.write_headers());
    EXPECT_EQ(early.status, 409u);
    EXPECT_EQ(early.error_code(), "method_required");
  }
  activate_phone_by_qr(http(), "/v1/me/authenticators/activations", first.session.write_headers(),
                       first.session.read_headers());
  auto done = http().post("/v1/session/complete-registration", json::object{},
                          first.session.write_headers());
  ASSERT_EQ(done.status, 200u) << done.body;
  EXPECT_EQ(done.json.at("stage"), "done");
  EXPECT_EQ(http().get("/v1/me", first.session.read_headers()).status, 200u);

  // One use only.
  SignIn again = sign_in(http(), "alice", kPassword);
  auto reused = http().post("/v1/session/verify",
                            json::object{{"method", "temporary_access"}, {"code", code}},
                            again.session.write_headers());
  EXPECT_EQ(reused.status, 401u);
  EXPECT_EQ(reused.error_code(), "invalid_code");
}

TEST_F(SessionSignIn, AnAdminsSessionOpensTheAdminApi) {
  const std::string boss_id = create_user("boss", "admin");
  Phone boss_phone = admin_phone(boss_id);
  WebSession boss = sign_in_with_totp(http(), "boss", kPassword, boss_phone.secret);
  EXPECT_EQ(http().get("/v1/users", boss.read_headers()).status, 200u);
  EXPECT_EQ(http()
                .post("/v1/users", json::object{{"username", "eve"}, {"display_name", "Eve"}},
                      boss.read_headers())
                .error_code(),
            "csrf_required");
  WebSession user = sign_in_with_totp(http(), "alice", kPassword, phone_.secret);
  auto refused = http().get("/v1/users", user.read_headers());
  EXPECT_EQ(refused.status, 403u);
}

TEST_F(SessionSignIn, SecretsNeverReachTheLog) {
  auto issued =
      http().post("/v1/users/alice/temporary-access", json::object{{"hours", 1}}, admin());
  const std::string code = str(issued.json, "code");
  sign_in(http(), "alice", "a wrong password for the log");
  WebSession session = sign_in_with_totp(http(), "alice", kPassword, phone_.secret);
  const std::string totp = totp_code(phone_.secret);
  SignIn other = sign_in(http(), "alice", kPassword);
  http().post("/v1/session/verify", json::object{{"method", "temporary_access"}, {"code", code}},
              other.session.write_headers());
  http().get("/v1/me", session.read_headers());
  const std::string log = server().log() + server().output();
  ASSERT_FALSE(log.empty());
  for (const std::string& secret :
       {std::string(kPassword), std::string("a wrong password for the log"), session.token,
        session.csrf, other.session.token, code, phone_.secret}) {
    EXPECT_EQ(log.find(secret), std::string::npos) << "secret in the log: " << secret;
  }
  EXPECT_EQ(log.find("\"" + totp + "\""), std::string::npos);
}

}  // namespace
}  // namespace twostep::itest
