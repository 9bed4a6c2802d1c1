// Registration end to end through the real server: the admin's link, a password (refused
// when common), the "register" stage, a first phone activated from the QR code of the
// self-service activation, and the signed-in session.
#include "tests/integration/session_fixture.hpp"

namespace twostep::itest {
namespace {

namespace json = boost::json;

class SessionRegistration : public SessionTest {
 protected:
  // The link's token, from the URL's fragment (…/register#token=…).
  std::string new_user_token(const std::string& username) {
    auto created = http().post(
        "/v1/users", json::object{{"username", username}, {"display_name", "New Person"}}, admin());
    EXPECT_EQ(created.status, 201u) << created.body;
    const std::string url = str(created.json, "registration_url");
    return url.substr(url.find("#token=") + 7);
  }
};

TEST_F(SessionRegistration, LinkPasswordFirstPhoneSignedIn) {
  const std::string token = new_user_token("nina");
  auto lookup = http().post("/v1/registration/lookup", json::object{{"token", token}});
  ASSERT_EQ(lookup.status, 200u) << lookup.body;
  EXPECT_EQ(lookup.json.at("user").at("username"), "nina");

  auto weak = http().post("/v1/registration",
                          json::object{{"token", token}, {"password", "Password2024!"}});
  EXPECT_EQ(weak.status, 400u);
  EXPECT_EQ(weak.error_code(), "weak_password");

  auto registered =
      http().post("/v1/registration", json::object{{"token", token}, {"password", kPassword}});
  ASSERT_EQ(registered.status, 200u) << registered.body;
  EXPECT_EQ(registered.json.at("stage"), "register");
  WebSession session{*set_cookie_value(registered, kSessionCookie),
                     str(registered.json, "csrf_token"), "register"};
  // Nothing but registering a method until one exists.
  EXPECT_EQ(http().get("/v1/me", session.read_headers()).status, 401u);
  auto early =
      http().post("/v1/session/complete-registration", json::object{}, session.write_headers());
  EXPECT_EQ(early.error_code(), "method_required");

  Phone phone = activate_phone_by_qr(http(), "/v1/me/authenticators/activations",
                                     session.write_headers(), session.read_headers());
  auto done =
      http().post("/v1/session/complete-registration", json::object{}, session.write_headers());
  ASSERT_EQ(done.status, 200u) << done.body;
  auto me = http().get("/v1/me", session.read_headers());
  ASSERT_EQ(me.status, 200u);
  EXPECT_EQ(str(me.json.at("methods").at("authenticators").at(0), "id"), phone.device_id);

  // The link worked once; the password now signs in, with the new phone as second step.
  auto reused =
      http().post("/v1/registration", json::object{{"token", token}, {"password", kPassword}});
  EXPECT_EQ(reused.status, 404u);
  EXPECT_EQ(sign_in_with_totp(http(), "nina", kPassword, phone.secret).stage, "done");
}

TEST_F(SessionRegistration, RegisteringUserCannotRemoveMethodsOrReadMe) {
  const std::string token = new_user_token("omar");
  auto registered =
      http().post("/v1/registration", json::object{{"token", token}, {"password", kPassword}});
  ASSERT_EQ(registered.status, 200u);
  WebSession session{*set_cookie_value(registered, kSessionCookie),
                     str(registered.json, "csrf_token"), "register"};
  EXPECT_EQ(http().get("/v1/me/authenticators", session.read_headers()).status, 200u);
  EXPECT_EQ(http().del("/v1/me/authenticators/dev_x", session.write_headers()).status, 401u);
  EXPECT_EQ(http()
                .patch("/v1/me/preferences", json::object{{"preferred_method", "push"}},
                       session.write_headers())
                .status,
            401u);
}

TEST_F(SessionRegistration, UnknownTokenIsNotFound) {
  auto r = http().post("/v1/registration/lookup", json::object{{"token", "nope"}});
  EXPECT_EQ(r.status, 404u);
  EXPECT_EQ(r.error_code(), "registration_not_found");
}

}  // namespace
}  // namespace twostep::itest
