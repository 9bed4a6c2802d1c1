// The self-service side of app passwords and remembered browsers through a signed-in web
// session (session_support's sign-in): created passwords are shown once and never listed,
// they verify for applications, a user cannot touch another user's, the organisation's cap
// and switch hold, the user's devices are told, and "restore multi-factor authentication"
// revokes the user's remember tokens.
#include "tests/integration/push_support.hpp"
#include "tests/integration/session_fixture.hpp"

namespace twostep::itest {
namespace {

namespace json = boost::json;

class CredentialsSelfService : public SessionTest {
 protected:
  void SetUp() override {
    SessionTest::SetUp();
    if (HasFatalFailure()) return;
    alice_phone_ = admin_phone(create_user("alice"));
    bob_phone_ = admin_phone(create_user("bob"));
    alice_ = sign_in_with_totp(http(), "alice", kPassword, alice_phone_.secret);
    bob_ = sign_in_with_totp(http(), "bob", kPassword, bob_phone_.secret);
    auto app = http().post("/v1/applications", json::object{{"name", "Mail"}}, admin());
    ASSERT_EQ(app.status, 201u) << app.body;
    app_key_ = str(app.json, "api_key");
  }
  testing::Response create(const WebSession& who, const std::string& name) {
    return http().post("/v1/me/app-passwords", json::object{{"name", name}}, who.write_headers());
  }
  std::string verdict(const std::string& username, const std::string& password) {
    auto r = http().post("/v1/auth/app-password",
                         json::object{{"username", username}, {"password", password}},
                         {{"authorization", "Bearer " + app_key_}});
    const std::string status = str(r.json, "status");
    return status == "denied" ? "denied:" + str(r.json, "reason") : status;
  }
  Phone alice_phone_, bob_phone_;
  WebSession alice_, bob_;
  std::string app_key_;
};

TEST_F(CredentialsSelfService, CreatedOnceListedWithoutPasswordDeleted) {
  TestDevice device(server().port(), alice_phone_.device_id, alice_phone_.key);
  ASSERT_EQ(device.connect(), 0);
  auto made = create(alice_, "Thunderbird");
  ASSERT_EQ(made.status, 201u) << made.body;
  const std::string id = str(made.json, "id");
  const std::string password = str(made.json, "password");
  ASSERT_EQ(password.size(), 16u);
  EXPECT_EQ(str(made.json, "name"), "Thunderbird");
  auto notice = device.next_of("notice");
  ASSERT_TRUE(notice) << "the user's device is told";
  EXPECT_EQ(notice->str("event"), "app_password_created");
  EXPECT_EQ(notice->text.find(password), std::string::npos);

  auto list = http().get("/v1/me/app-passwords", alice_.read_headers());
  ASSERT_EQ(list.status, 200u) << list.body;
  ASSERT_EQ(list.json.at("items").as_array().size(), 1u);
  EXPECT_EQ(list.body.find(password), std::string::npos) << "never listed again";
  EXPECT_FALSE(list.json.at("items").at(0).as_object().contains("password"));
  EXPECT_EQ(verdict("alice", password), "approved");
  auto used = http().get("/v1/me/app-passwords", alice_.read_headers());
  EXPECT_TRUE(used.json.at("items").at(0).at("last_used_at").is_string());
  auto me = http().get("/v1/me", alice_.read_headers());
  EXPECT_EQ(me.json.at("methods").at("app_passwords").as_array().size(), 1u) << me.body;

  // Bob can neither see nor delete it.
  EXPECT_TRUE(
      http().get("/v1/me/app-passwords", bob_.read_headers()).json.at("items").as_array().empty());
  EXPECT_EQ(http().del("/v1/me/app-passwords/" + id, bob_.write_headers()).status, 404u);
  EXPECT_EQ(verdict("alice", password), "approved");
  EXPECT_EQ(http().del("/v1/me/app-passwords/" + id, alice_.write_headers()).status, 204u);
  EXPECT_EQ(http().del("/v1/me/app-passwords/" + id, alice_.write_headers()).status, 404u);
  EXPECT_EQ(verdict("alice", password), "denied:invalid_password");
  EXPECT_EQ(server().log().find(password), std::string::npos) << "a password reached the log";
}

TEST_F(CredentialsSelfService, CapSwitchAndBadNames) {
  ASSERT_EQ(http().patch("/v1/settings", json::object{{"max_app_passwords", 1}}, admin()).status,
            200u);
  ASSERT_EQ(create(alice_, "one").status, 201u);
  auto capped = create(alice_, "two");
  EXPECT_EQ(capped.status, 409u);
  EXPECT_EQ(capped.error_code(), "too_many_app_passwords");
  EXPECT_EQ(create(bob_, "one").status, 201u) << "the cap is per user";
  EXPECT_EQ(create(bob_, "").error_code(), "invalid_name");
  EXPECT_EQ(create(bob_, std::string(65, 'x')).error_code(), "invalid_name");
  ASSERT_EQ(
      http().patch("/v1/settings", json::object{{"app_passwords_enabled", false}}, admin()).status,
      200u);
  auto off = create(alice_, "three");
  EXPECT_EQ(off.status, 403u);
  EXPECT_EQ(off.error_code(), "app_passwords_disabled");
  // Without the CSRF token a write is refused.
  EXPECT_EQ(http()
                .post("/v1/me/app-passwords", json::object{{"name", "x"}}, alice_.read_headers())
                .status,
            403u);
}

TEST_F(CredentialsSelfService, RestoreRevokesOnlyTheUsersRememberTokens) {
  auto remember = [&](const std::string& username, const Phone& phone) {
    auto r = http().post(
        "/v1/auth/totp",
        json::object{
            {"username", username}, {"code", totp_code(phone.secret, 30)}, {"remember", true}},
        {{"authorization", "Bearer " + app_key_}});
    return str(r.json, "remember_token");
  };
  const std::string alices = remember("alice", alice_phone_);
  const std::string bobs = remember("bob", bob_phone_);
  ASSERT_FALSE(alices.empty());
  auto preauth = [&](const std::string& username, const std::string& token) {
    auto r = http().post("/v1/auth/preauth",
                         json::object{{"username", username}, {"remember_token", token}},
                         {{"authorization", "Bearer " + app_key_}});
    return str(r.json, "result");
  };
  EXPECT_EQ(preauth("alice", alices), "allow");
  auto revoked =
      http().request("POST", "/v1/me/trusted-browsers/revoke", "", "", alice_.write_headers());
  ASSERT_EQ(revoked.status, 200u) << revoked.body;
  EXPECT_GE(revoked.json.at("revoked").as_int64(), 1);
  EXPECT_EQ(preauth("alice", alices), "auth");
  EXPECT_EQ(preauth("bob", bobs), "allow");
}

}  // namespace
}  // namespace twostep::itest
