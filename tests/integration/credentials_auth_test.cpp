// POST /v1/auth/app-password and POST /v1/auth/preauth over the real binary: approval,
// denial reasons, the organisation switch, lockout shared with TOTP, the per-user check
// cap, every pre-auth result, and that no password or token reaches the server's log.
#include "tests/integration/credentials_fixture.hpp"

namespace twostep::testing {
namespace {

using AppPasswordAuth = CredentialsItest;
using Preauth = CredentialsItest;

TEST_F(AppPasswordAuth, RightPasswordApprovedWrongAndUnknownLookTheSame) {
  const std::string alice = make_user("alice");
  const std::string password = stored_app_password(alice, "mail");
  const std::string other = stored_app_password(alice, "vpn");
  Response ok = app_password("alice", password);
  ASSERT_EQ(ok.status, 200u) << ok.body;
  EXPECT_EQ(ok.json, (boost::json::object{{"status", "approved"}}));
  EXPECT_EQ(app_password_verdict("alice", other), "approved");
  EXPECT_EQ(app_password_verdict("ALICE", password), "approved");
  EXPECT_EQ(db_count("SELECT COUNT(*) FROM app_passwords WHERE last_used_at IS NOT NULL"), 2);

  Response wrong = app_password("alice", "abcdefghijklmnop");
  Response unknown = app_password("nobody", password);
  EXPECT_EQ(wrong.json,
            (boost::json::object{{"status", "denied"}, {"reason", "invalid_password"}}));
  EXPECT_EQ(unknown.json, wrong.json);
  make_user("bob");
  EXPECT_EQ(app_password_verdict("bob", password), "denied:invalid_password")
      << "alice's password is not bob's";
  EXPECT_EQ(audit_types("&type=app_password.verify").size(), 6u);
  EXPECT_TRUE(is_error(client().post("/v1/auth/app-password", {{"username", "alice"}}, app_auth()),
                       400, "invalid_password"));
  EXPECT_TRUE(is_error(
      client().post("/v1/auth/app-password", {{"username", "alice"}, {"password", password}}), 401,
      "unauthenticated"));

  for (const std::string& secret : {password, other}) {
    EXPECT_EQ(server().log().find(secret), std::string::npos) << "a password reached the log";
  }
}

TEST_F(AppPasswordAuth, DisabledByTheOrganisation) {
  const std::string alice = make_user("alice");
  const std::string password = stored_app_password(alice, "mail");
  ASSERT_EQ(patch("/v1/settings", {{"app_passwords_enabled", false}}).status, 200u);
  EXPECT_EQ(app_password_verdict("alice", password), "denied:app_passwords_disabled");
  EXPECT_EQ(app_password_verdict("nobody", password), "denied:app_passwords_disabled");
  ASSERT_EQ(patch("/v1/settings", {{"app_passwords_enabled", true}}).status, 200u);
  EXPECT_EQ(app_password_verdict("alice", password), "approved");
}

TEST_F(AppPasswordAuth, FailuresCountTowardTheSharedLockout) {
  ASSERT_EQ(patch("/v1/settings", {{"lockout_threshold", 3}, {"lockout_minutes", 5}}).status, 200u);
  const std::string alice = make_user("alice");
  const std::string password = stored_app_password(alice, "mail");
  const Phone phone = enroll("alice");
  EXPECT_EQ(verdict("alice", "000000"), "denied:invalid_code") << "one TOTP failure";
  EXPECT_EQ(app_password_verdict("alice", "aaaaaaaaaaaaaaaa"), "denied:invalid_password");
  Response locking = app_password("alice", "bbbbbbbbbbbbbbbb");
  EXPECT_EQ(str(locking.json, "reason"), "invalid_password");
  EXPECT_GT(locking.json.at("retry_after").as_int64(), 0) << locking.body;
  Response locked = app_password("alice", password);
  EXPECT_EQ(str(locked.json, "reason"), "locked_out") << locked.body;
  EXPECT_GT(locked.json.at("retry_after").as_int64(), 200);
  EXPECT_EQ(verdict("alice", oathtool_code(phone.secret)), "denied:locked_out");
  EXPECT_EQ(preauth_result("alice"), "deny:locked_out");
  // The lock ends; a right app password is then approved but does not clear the count.
  db_exec("UPDATE users SET locked_until = " + std::to_string(unix_now() - 1));
  EXPECT_EQ(app_password_verdict("alice", password), "approved");
  EXPECT_EQ(db_count("SELECT failed_attempts FROM users WHERE username = 'alice'"), 3);
}

TEST_F(AppPasswordAuth, ChecksPerUserAreCapped) {
  ASSERT_EQ(patch("/v1/settings", {{"lockout_threshold", 100}}).status, 200u);
  const std::string alice = make_user("alice");
  const std::string bob = make_user("bob");
  const std::string password = stored_app_password(alice, "mail");
  const std::string bobs = stored_app_password(bob, "mail");
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(app_password_verdict("alice", "aaaaaaaaaaaaaaaa"), "denied:invalid_password") << i;
  }
  Response limited = app_password("alice", password);
  EXPECT_EQ(str(limited.json, "reason"), "rate_limited") << limited.body;
  const std::int64_t wait = limited.json.at("retry_after").as_int64();
  EXPECT_GT(wait, 0);
  EXPECT_LE(wait, 60);
  EXPECT_EQ(app_password_verdict("bob", bobs), "approved") << "another user is not affected";
  // Once the failures leave the window, checks resume.
  db_exec("UPDATE app_password_attempts SET created_at = created_at - 61");
  EXPECT_EQ(app_password_verdict("alice", password), "approved");
}

TEST_F(Preauth, EveryResult) {
  Response unknown = preauth("nobody");
  EXPECT_EQ(unknown.json, (boost::json::object{{"result", "deny"},
                                               {"methods", boost::json::array{}},
                                               {"preferred_method", nullptr},
                                               {"reason", "unknown_user"}}));
  const std::string alice = make_user("alice");
  Response enroll_answer = preauth("alice");
  EXPECT_EQ(str(enroll_answer.json, "result"), "enroll") << enroll_answer.body;
  EXPECT_EQ(enroll_answer.json.at("registration_pending"), true);
  EXPECT_FALSE(str(enroll_answer.json, "registration_expires_at").empty());
  EXPECT_TRUE(enroll_answer.json.at("methods").as_array().empty());

  const Phone phone = enroll("alice");
  Response asked = preauth("alice");
  EXPECT_EQ(str(asked.json, "result"), "auth") << asked.body;
  EXPECT_EQ(asked.json.at("methods"), (boost::json::array{"push", "totp"}));
  EXPECT_EQ(str(asked.json, "preferred_method"), "push");
  EXPECT_FALSE(asked.json.as_object().contains("reason"));
  db_exec("UPDATE users SET preferred_method = 'totp' WHERE id = '" + alice + "'");
  EXPECT_EQ(str(preauth("alice").json, "preferred_method"), "totp");
  const std::string token = remembered("alice", phone);
  EXPECT_EQ(preauth_result("alice", token), "allow");

  ASSERT_EQ(patch("/v1/users/alice", {{"status", "disabled"}}).status, 200u);
  EXPECT_EQ(preauth_result("alice", token), "deny:user_disabled") << "a token does not beat it";
  ASSERT_EQ(patch("/v1/users/alice", {{"status", "active"}}).status, 200u);
  db_exec("UPDATE users SET status = 'blocked' WHERE id = '" + alice + "'");
  EXPECT_EQ(preauth_result("alice"), "deny:user_blocked");
  db_exec("UPDATE users SET status = 'active', locked_until = " + std::to_string(unix_now() + 600) +
          " WHERE id = '" + alice + "'");
  Response locked = preauth("alice");
  EXPECT_EQ(str(locked.json, "reason"), "locked_out");
  EXPECT_GT(locked.json.at("retry_after").as_int64(), 500);
  EXPECT_TRUE(locked.json.at("methods").as_array().empty()) << "a denial lists no methods";

  EXPECT_TRUE(is_error(client().post("/v1/auth/preauth", {{"user", "alice"}}, app_auth()), 400,
                       "unknown_field"));
  EXPECT_TRUE(is_error(client().post("/v1/auth/preauth", {{"username", "alice"}}, auth()), 403,
                       "forbidden"));
  EXPECT_EQ(server().log().find(token), std::string::npos) << "a token reached the log";
}

TEST_F(Preauth, UnknownUserCanLookLikeAUserWithoutMethods) {
  ASSERT_EQ(patch("/v1/settings", {{"unknown_user_preauth", "enroll"}}).status, 200u);
  Response unknown = preauth("nobody");
  EXPECT_EQ(unknown.json, (boost::json::object{{"result", "enroll"},
                                               {"methods", boost::json::array{}},
                                               {"preferred_method", nullptr},
                                               {"registration_pending", false}}));
  // A registered user whose only method was removed and whose link is used up answers the
  // same.
  const std::string alice = make_user("alice");
  db_exec(
      "UPDATE users SET registration_expires_at = NULL, registration_token_hash = NULL "
      "WHERE id = '" +
      alice + "'");
  EXPECT_EQ(preauth("alice").json, unknown.json);
  EXPECT_TRUE(is_error(patch("/v1/settings", {{"unknown_user_preauth", "allow"}}), 400,
                       "invalid_unknown_user_preauth"));
}

}  // namespace
}  // namespace twostep::testing
