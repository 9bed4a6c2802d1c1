// Every way a device registration ends, over the real binary: an admin removes it, a new
// phone replaces it, the stale sweep, re-registration. Each time the device's TOTP secret
// stops verifying at once and the device stays listed as deactivated with its reason.
#include "tests/integration/activation_fixture.hpp"

namespace twostep::testing {
namespace {

class DeviceDeactivation : public ActivationItest {
 protected:
  // The phone's code works now (a fresh one for the current step).
  void expect_works(const Phone& phone) {
    EXPECT_EQ(verdict("alice", oathtool_code(phone.secret)), "approved");
  }

  // A code the phone's secret makes for the next step — one never used, which a live
  // credential would accept — is refused: the secret was wiped with the device.
  void expect_secret_dead(const Phone& phone) {
    EXPECT_EQ(verdict("alice", oathtool_code(phone.secret, 30)), "denied:invalid_code");
  }

  void expect_listed_as(const Phone& phone, const std::string& reason) {
    auto device = listed_device("alice", phone.device_id);
    ASSERT_TRUE(device.is_object());
    EXPECT_EQ(str(device, "status"), "deactivated");
    EXPECT_EQ(str(device, "deactivated_reason"), reason);
    EXPECT_FALSE(str(device, "deactivated_at").empty());
  }

  // Devices last seen `days` ago, by moving their rows' last_seen_at (see the fixture).
  void age_device(const Phone& phone, int days) {
    db_exec("UPDATE devices SET last_seen_at = " + std::to_string(unix_now() - days * 86400) +
            " WHERE id = '" + phone.device_id + "'");
  }
};

TEST_F(DeviceDeactivation, AdminRemoval) {
  make_user("alice");
  const Phone phone = enroll("alice");
  expect_works(phone);

  Response r = del("/v1/users/alice/authenticators/" + phone.device_id);
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(str(r.json, "status"), "deactivated");
  EXPECT_EQ(str(r.json, "deactivated_reason"), "admin_removed");
  expect_secret_dead(phone);
  expect_listed_as(phone, "admin_removed");

  // Final: removing it again changes nothing, and it is no method any more.
  EXPECT_TRUE(is_error(del("/v1/users/alice/authenticators/" + phone.device_id), 409,
                       "device_deactivated"));
  expect_listed_as(phone, "admin_removed");
  EXPECT_EQ(get("/v1/users/alice/methods").json.at("authenticators").as_array().size(), 0u);
}

TEST_F(DeviceDeactivation, AnotherUsersDeviceCannotBeRemovedThroughTheirPath) {
  make_user("alice");
  make_user("bob");
  const Phone phone = enroll("alice");
  EXPECT_TRUE(
      is_error(del("/v1/users/bob/authenticators/" + phone.device_id), 404, "device_not_found"));
  expect_works(phone);
}

TEST_F(DeviceDeactivation, ReplacementIsAtomic) {
  make_user("alice");
  const Phone old_phone = enroll("alice");
  auto activation = new_activation("alice", old_phone.device_id);

  // Until the new phone completes the activation, the old one keeps working.
  expect_works(old_phone);
  EXPECT_EQ(str(listed_device("alice", old_phone.device_id), "status"), "active");

  Response r = activate(str(activation, "code"));
  ASSERT_EQ(r.status, 201u) << r.body;
  const Phone new_phone{str(r.json, "device_id"), str(r.json.at("totp"), "secret")};
  expect_listed_as(old_phone, "replaced");
  expect_secret_dead(old_phone);
  EXPECT_EQ(verdict("alice", oathtool_code(new_phone.secret)), "approved");

  // Never zero or two: exactly the new phone is active.
  auto methods = get("/v1/users/alice/methods").json.at("authenticators").as_array();
  ASSERT_EQ(methods.size(), 1u);
  EXPECT_EQ(str(methods.at(0), "id"), new_phone.device_id);
}

TEST_F(DeviceDeactivation, AnAbandonedReplacementLeavesTheOldPhoneAlone) {
  make_user("alice");
  const Phone old_phone = enroll("alice");
  auto activation = new_activation("alice", old_phone.device_id);
  db_exec("UPDATE activations SET expires_at = " + std::to_string(unix_now() - 1) +
          " WHERE id = '" + str(activation, "activation_id") + "'");
  EXPECT_TRUE(is_error(activate(str(activation, "code")), 410, "activation_expired"));
  expect_works(old_phone);
  EXPECT_EQ(str(listed_device("alice", old_phone.device_id), "status"), "active");
}

TEST_F(DeviceDeactivation, StaleSweepDryRunChangesNothingThenTheRealRunDeactivates) {
  make_user("alice");
  const Phone stale = enroll("alice");
  make_user("bob");
  enroll("bob");  // recent: never swept
  age_device(stale, 40);

  Response listed = get("/v1/authenticators?status=active&not_seen_days=30");
  ASSERT_EQ(listed.status, 200u) << listed.body;
  ASSERT_EQ(listed.json.at("items").as_array().size(), 1u);
  EXPECT_EQ(str(listed.json.at("items").at(0), "id"), stale.device_id);
  EXPECT_EQ(str(listed.json.at("items").at(0), "username"), "alice");

  Response dry =
      post("/v1/authenticators/deactivate-stale", {{"not_seen_days", 30}, {"dry_run", true}});
  ASSERT_EQ(dry.status, 200u) << dry.body;
  EXPECT_TRUE(dry.json.at("dry_run").as_bool());
  ASSERT_EQ(dry.json.at("deactivated").as_array().size(), 1u);
  const auto& entry = dry.json.at("deactivated").at(0);
  EXPECT_EQ(str(entry, "device_id"), stale.device_id);
  EXPECT_EQ(str(entry, "user"), str(get("/v1/users/alice").json, "id"));
  EXPECT_FALSE(str(entry, "last_seen_at").empty());
  // The dry run changed nothing: still active, the secret still works.
  EXPECT_EQ(str(listed_device("alice", stale.device_id), "status"), "active");
  expect_works(stale);
  // Leaving dry_run out is a dry run too.
  Response dry_again = post("/v1/authenticators/deactivate-stale", {{"not_seen_days", 30}});
  EXPECT_TRUE(dry_again.json.at("dry_run").as_bool());
  EXPECT_EQ(str(listed_device("alice", stale.device_id), "status"), "active");

  Response real =
      post("/v1/authenticators/deactivate-stale", {{"not_seen_days", 30}, {"dry_run", false}});
  ASSERT_EQ(real.status, 200u) << real.body;
  EXPECT_FALSE(real.json.at("dry_run").as_bool());
  ASSERT_EQ(real.json.at("deactivated").as_array().size(), 1u);
  EXPECT_EQ(str(real.json.at("deactivated").at(0), "device_id"), stale.device_id);
  expect_listed_as(stale, "stale");
  expect_secret_dead(stale);
  EXPECT_EQ(get("/v1/authenticators?status=active").json.at("items").as_array().size(), 1u)
      << "bob's recent phone stays";

  auto types = audit_types("&type=device.stale_sweep");
  EXPECT_EQ(std::count(types.begin(), types.end(), "device.stale_sweep"), 3);
  EXPECT_TRUE(is_error(post("/v1/authenticators/deactivate-stale", {{"not_seen_days", 0}}), 400,
                       "invalid_not_seen_days"));
}

TEST_F(DeviceDeactivation, ReregistrationRemovesEveryMethod) {
  const std::string user_id = make_user("alice");
  const Phone phone = enroll("alice");
  Response token = post("/v1/users/alice/oath-tokens", {{"display_name", "FreeOTP"}});
  ASSERT_EQ(token.status, 201u) << token.body;
  const std::string oath_secret = str(token.json, "secret");
  ASSERT_EQ(post("/v1/users/alice/oath-tokens/" + str(token.json, "id") + "/verify",
                 {{"code", oathtool_code(oath_secret)}})
                .status,
            200u);
  const std::string pending_code = str(new_activation("alice"), "code");
  const std::string old_link =
      str(post_empty("/v1/users/alice/registration-link").json, "registration_url");

  Response r = post_empty("/v1/users/alice/require-reregistration");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.json.at("deactivated_devices").as_int64(), 1);
  EXPECT_EQ(r.json.at("oath_tokens_deleted").as_int64(), 1);
  EXPECT_EQ(r.json.at("activations_cancelled").as_int64(), 1);
  const std::string link = str(r.json, "registration_url");
  EXPECT_NE(link.find("/register#token="), std::string::npos) << link;
  EXPECT_NE(link, old_link);
  EXPECT_FALSE(str(r.json, "registration_expires_at").empty());

  expect_listed_as(phone, "admin_reregistration");
  expect_secret_dead(phone);
  EXPECT_EQ(verdict("alice", oathtool_code(oath_secret, 30)), "denied:invalid_code");
  Response methods = get("/v1/users/" + user_id + "/methods");
  EXPECT_EQ(methods.json.at("authenticators").as_array().size(), 0u);
  EXPECT_EQ(methods.json.at("oath_tokens").as_array().size(), 0u);
  // An old QR code cannot bring a device back.
  EXPECT_TRUE(is_error(activate(pending_code), 404, "activation_not_found"));
  auto types = audit_types();
  EXPECT_NE(std::find(types.begin(), types.end(), "user.reregistration_required"), types.end());
}

}  // namespace
}  // namespace twostep::testing
