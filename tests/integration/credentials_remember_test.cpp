// Remembered browsers on the application path over the real binary: a TOTP (or push)
// approval with remember: true returns a remember_token, pre-auth with it answers allow,
// and every revocation (admin, re-registration, fraud block, remember_days = 0) sends the
// user back to the second step.
#include "tests/integration/credentials_fixture.hpp"

namespace twostep::testing {
namespace {

using RememberedBrowsers = CredentialsItest;

std::int64_t trusted_count(const Response& methods) {
  return methods.json.at("trusted_browsers").at("count").as_int64();
}

TEST_F(RememberedBrowsers, TotpRememberAllowsUntilTheAdminRevokes) {
  const std::string alice = make_user("alice");
  const Phone phone = enroll("alice");
  EXPECT_EQ(preauth_result("alice"), "auth");

  Response approved = totp_remember("alice", oathtool_code(phone.secret));
  ASSERT_EQ(str(approved.json, "status"), "approved") << approved.body;
  const std::string token = str(approved.json, "remember_token");
  ASSERT_GE(token.size(), 22u) << "at least 128 bits";
  EXPECT_FALSE(str(approved.json, "remember_expires_at").empty());
  EXPECT_FALSE(database_contains(token)) << "stored only as a hash";

  Response allowed = preauth("alice", token);
  EXPECT_EQ(allowed.json, (boost::json::object{{"result", "allow"},
                                               {"methods", boost::json::array{}},
                                               {"preferred_method", nullptr}}));
  EXPECT_EQ(preauth_result("ALICE", token), "allow") << "the username in any case";
  EXPECT_EQ(preauth_result("alice", token + "x"), "auth");
  EXPECT_EQ(trusted_count(get("/v1/users/alice/methods")), 1);

  // Another user's token is no key to alice.
  make_user("bob");
  const Phone bobs = enroll("bob");
  const std::string bob_token = remembered("bob", bobs);
  EXPECT_EQ(preauth_result("alice", bob_token), "auth");

  Response revoked = post_empty("/v1/users/alice/trusted-browsers/revoke");
  ASSERT_EQ(revoked.status, 200u) << revoked.body;
  EXPECT_EQ(revoked.json, (boost::json::object{{"revoked", 1}}));
  EXPECT_EQ(preauth_result("alice", token), "auth");
  EXPECT_EQ(trusted_count(get("/v1/users/" + alice + "/methods")), 0);
  EXPECT_EQ(preauth_result("bob", bob_token), "allow") << "only alice's tokens went";
  EXPECT_TRUE(
      is_error(post_empty("/v1/users/nobody/trusted-browsers/revoke"), 404, "user_not_found"));
  const auto types = audit_types("&type=trusted_browsers.revoked");
  EXPECT_EQ(types.size(), 1u);
}

TEST_F(RememberedBrowsers, WithoutRememberOrWhenDeniedNoTokenIsIssued) {
  make_user("alice");
  const Phone phone = enroll("alice");
  Response plain = auth_totp("alice", oathtool_code(phone.secret));
  EXPECT_EQ(plain.json, (boost::json::object{{"status", "approved"}}));
  Response denied = totp_remember("alice", "000000");
  EXPECT_EQ(str(denied.json, "status"), "denied");
  EXPECT_FALSE(denied.json.as_object().contains("remember_token"));
  EXPECT_EQ(db_count("SELECT COUNT(*) FROM remember_tokens"), 0);
}

TEST_F(RememberedBrowsers, RememberDaysZeroDisablesEveryToken) {
  make_user("alice");
  const Phone phone = enroll("alice");
  const std::string token = remembered("alice", phone);
  ASSERT_EQ(patch("/v1/settings", {{"remember_days", 0}}).status, 200u);
  EXPECT_EQ(preauth_result("alice", token), "auth");
  Response again = totp_remember("alice", oathtool_code(phone.secret, 30));
  EXPECT_EQ(str(again.json, "status"), "approved") << again.body;
  EXPECT_FALSE(again.json.as_object().contains("remember_token"));
  EXPECT_EQ(trusted_count(get("/v1/users/alice/methods")), 0);
  // Turning it back on does not revive a token issued when it was 14 days (it was never
  // deleted), as long as it is still within the new period.
  ASSERT_EQ(patch("/v1/settings", {{"remember_days", 14}}).status, 200u);
  EXPECT_EQ(preauth_result("alice", token), "allow");
  // A token older than a shortened period stops working.
  db_exec("UPDATE remember_tokens SET created_at = created_at - 3 * 86400");
  ASSERT_EQ(patch("/v1/settings", {{"remember_days", 2}}).status, 200u);
  EXPECT_EQ(preauth_result("alice", token), "auth");
}

TEST_F(RememberedBrowsers, ExpiryIsEnforcedByTheServer) {
  make_user("alice");
  const Phone phone = enroll("alice");
  const std::string token = remembered("alice", phone);
  db_exec("UPDATE remember_tokens SET expires_at = " + std::to_string(unix_now() - 1));
  EXPECT_EQ(preauth_result("alice", token), "auth");
}

TEST_F(RememberedBrowsers, ReregistrationRevokesTokens) {
  make_user("alice");
  const Phone phone = enroll("alice");
  const std::string token = remembered("alice", phone);
  Response r = post_empty("/v1/users/alice/require-reregistration");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(db_count("SELECT COUNT(*) FROM remember_tokens"), 0);
  const Phone fresh = enroll("alice");
  EXPECT_EQ(preauth_result("alice", token), "auth");
  EXPECT_EQ(audit_types("&type=trusted_browsers.revoked").size(), 1u);
}

TEST_F(RememberedBrowsers, PushRememberTokenComesWithTheFirstApprovedRead) {
  make_user("alice");
  itest::Admin admin = device_admin();
  itest::TestDevice phone = admin.activate_device("alice");
  ASSERT_EQ(phone.connect(), 0);
  itest::Api api(server().port());
  itest::Response created = api.request(
      "POST", "/v1/auth/push", app_key(),
      boost::json::serialize(boost::json::object{{"username", "alice"}, {"remember", true}}));
  ASSERT_EQ(created.status, 202u) << created.body;
  const std::string txid = created.str("txid");
  itest::Application app = application();
  EXPECT_FALSE(app.status(txid).json.as_object().contains("remember_token")) << "pending";
  ASSERT_TRUE(phone.next_of("push"));
  phone.respond(txid, "approve", created.str("number"));
  ASSERT_TRUE(phone.next_of("result"));
  itest::Response first = app.status(txid);
  EXPECT_EQ(first.str("status"), "approved");
  const std::string token = first.str("remember_token");
  ASSERT_FALSE(token.empty()) << first.body;
  itest::Response second = app.status(txid);
  EXPECT_EQ(second.str("status"), "approved");
  EXPECT_FALSE(second.json.as_object().contains("remember_token")) << "handed out once";
  EXPECT_EQ(preauth_result("alice", token), "allow");
  EXPECT_EQ(db_count("SELECT COUNT(*) FROM remember_tokens WHERE origin LIKE 'application:%'"), 1);
}

TEST_F(RememberedBrowsers, FraudReportRevokesTokens) {
  make_user("alice");
  itest::Admin admin = device_admin();
  itest::TestDevice phone = admin.activate_device("alice");
  const Phone oath = enroll("alice");
  const std::string token = remembered("alice", oath);
  ASSERT_EQ(preauth_result("alice", token), "allow");
  ASSERT_EQ(phone.connect(), 0);
  itest::Application app = application();
  itest::Response created = app.push("alice");
  ASSERT_EQ(created.status, 202u) << created.body;
  ASSERT_TRUE(phone.next_of("push"));
  phone.respond(created.str("txid"), "fraud", "");
  ASSERT_TRUE(phone.next_of("result"));
  EXPECT_EQ(preauth_result("alice", token), "deny:user_blocked");
  EXPECT_EQ(db_count("SELECT COUNT(*) FROM remember_tokens"), 0);
  ASSERT_EQ(post_empty("/v1/users/alice/unblock").status, 200u);
  EXPECT_EQ(preauth_result("alice", token), "auth") << "unblocking does not bring it back";
}

}  // namespace
}  // namespace twostep::testing
