// A user can only ever touch their own methods: another user's device, OATH token or
// activation is a 404 through /v1/me, exactly like an unknown id. And the preferred method
// must be one the user has.
#include "tests/integration/session_fixture.hpp"

namespace twostep::itest {
namespace {

namespace json = boost::json;

class SessionIsolation : public SessionTest {
 protected:
  void SetUp() override {
    SessionTest::SetUp();
    alice_phone_ = admin_phone(create_user("alice"));
    bob_phone_ = admin_phone(create_user("bob"));
    alice_ = sign_in_with_totp(http(), "alice", kPassword, alice_phone_.secret);
    bob_ = sign_in_with_totp(http(), "bob", kPassword, bob_phone_.secret);
  }
  Phone alice_phone_, bob_phone_;
  WebSession alice_, bob_;
};

TEST_F(SessionIsolation, AnotherUsersDeviceIsNotFound) {
  auto r = http().del("/v1/me/authenticators/" + bob_phone_.device_id, alice_.write_headers());
  EXPECT_EQ(r.status, 404u);
  auto list = http().get("/v1/me/authenticators", alice_.read_headers());
  ASSERT_EQ(list.status, 200u);
  ASSERT_EQ(list.json.at("items").as_array().size(), 1u);
  EXPECT_EQ(str(list.json.at("items").at(0), "id"), alice_phone_.device_id);
  // Bob's device still works; Alice may remove her own.
  auto own = http().del("/v1/me/authenticators/" + alice_phone_.device_id, alice_.write_headers());
  EXPECT_EQ(own.status, 200u);
  EXPECT_EQ(own.json.at("deactivated_reason"), "user_removed");
}

TEST_F(SessionIsolation, AnotherUsersOathTokenAndActivationAreNotFound) {
  auto token = http().post("/v1/me/oath-tokens", json::object{{"display_name", "FreeOTP"}},
                           bob_.write_headers());
  ASSERT_EQ(token.status, 201u) << token.body;
  const std::string id = str(token.json, "id");
  EXPECT_EQ(http().get("/v1/me/oath-tokens/" + id + "/qr.png", alice_.read_headers()).status, 404u);
  EXPECT_EQ(http()
                .post("/v1/me/oath-tokens/" + id + "/verify", json::object{{"code", "123456"}},
                      alice_.write_headers())
                .status,
            404u);
  EXPECT_EQ(http().del("/v1/me/oath-tokens/" + id, alice_.write_headers()).status, 404u);
  EXPECT_EQ(http().get("/v1/me/oath-tokens/" + id + "/qr.png", bob_.read_headers()).status, 200u);

  auto activation =
      http().post("/v1/me/authenticators/activations", json::object{}, bob_.write_headers());
  ASSERT_EQ(activation.status, 201u);
  const std::string path =
      "/v1/me/authenticators/activations/" + str(activation.json, "activation_id");
  EXPECT_EQ(http().get(path, alice_.read_headers()).status, 404u);
  EXPECT_EQ(http().get(path + "/qr.svg", alice_.read_headers()).status, 404u);
  EXPECT_EQ(http().get(path, bob_.read_headers()).status, 200u);
}

TEST_F(SessionIsolation, PreferredMethodMustBeOneTheUserHas) {
  auto sms = http().patch("/v1/me/preferences", json::object{{"preferred_method", "sms"}},
                          alice_.write_headers());
  EXPECT_EQ(sms.status, 400u);
  EXPECT_EQ(sms.error_code(), "invalid_preferred_method");
  auto totp = http().patch("/v1/me/preferences", json::object{{"preferred_method", "totp"}},
                           alice_.write_headers());
  EXPECT_EQ(totp.status, 200u);
  auto me = http().get("/v1/me", alice_.read_headers());
  EXPECT_EQ(me.json.at("methods").at("preferred_method"), "totp");
}

}  // namespace
}  // namespace twostep::itest
