// Fixture of the application-credential integration tests (issue 5: remembered browsers,
// app passwords, pre-auth): the activation fixture (a fresh `twostep serve`, an admin
// token, an application key, phones enrolled with oathtool-checked TOTP secrets, SQL on the
// server's database file) plus the auth API calls these tests make over and over, and the
// push test support's scripted device for push approvals and fraud reports.
#pragma once

#include <string>

#include <boost/json.hpp>

#include "account/app_passwords.hpp"
#include "core/random.hpp"
#include "tests/integration/activation_fixture.hpp"
#include "tests/integration/push_support.hpp"

namespace twostep::testing {

class CredentialsItest : public ActivationItest {
 protected:
  Headers app_auth() { return {{"authorization", "Bearer " + app_key()}}; }

  /// POST /v1/auth/preauth.
  Response preauth(const std::string& username, const std::string& remember_token = "") {
    boost::json::object body{{"username", username}};
    if (!remember_token.empty()) body["remember_token"] = remember_token;
    return client().post("/v1/auth/preauth", body, app_auth());
  }
  /// preauth's result, or "deny:<reason>".
  std::string preauth_result(const std::string& username, const std::string& token = "") {
    Response r = preauth(username, token);
    EXPECT_EQ(r.status, 200u) << r.body;
    const std::string result = str(r.json, "result");
    return result == "deny" ? "deny:" + str(r.json, "reason") : result;
  }

  /// POST /v1/auth/totp with remember: true.
  Response totp_remember(const std::string& username, const std::string& code) {
    return client().post("/v1/auth/totp",
                         {{"username", username}, {"code", code}, {"remember", true}}, app_auth());
  }

  /// A remember token from an approved TOTP sign-in with remember: true.
  std::string remembered(const std::string& username, const Phone& phone, int offset = 0) {
    Response r = totp_remember(username, oathtool_code(phone.secret, offset));
    EXPECT_EQ(str(r.json, "status"), "approved") << r.body;
    EXPECT_FALSE(str(r.json, "remember_token").empty()) << r.body;
    return str(r.json, "remember_token");
  }

  /// POST /v1/auth/app-password.
  Response app_password(const std::string& username, const std::string& password) {
    return client().post("/v1/auth/app-password", {{"username", username}, {"password", password}},
                         app_auth());
  }
  /// "approved", or "denied:<reason>".
  std::string app_password_verdict(const std::string& username, const std::string& password) {
    Response r = app_password(username, password);
    EXPECT_EQ(r.status, 200u) << r.body;
    const std::string status = str(r.json, "status");
    return status == "denied" ? "denied:" + str(r.json, "reason") : status;
  }

  /// An app password stored straight into the server's database, as POST
  /// /v1/me/app-passwords stores it (an Argon2id hash, cheap parameters), for the tests
  /// that need no signed-in session. Returns the password.
  std::string stored_app_password(const std::string& user_id, const std::string& name) {
    core::SystemRandom random;
    const account::PreparedAppPassword prepared = account::prepare_app_password(random, {64, 1, 1});
    db_exec(
        "INSERT INTO app_passwords (id, user_id, name, password_hash, created_at) VALUES ('apw_" +
        user_id + "_" + name + "', '" + user_id + "', '" + name + "', '" + prepared.password_hash +
        "', " + std::to_string(unix_now()) + ")");
    return prepared.password;
  }

  /// One integer from SQL on the server's database (-1 when there is no row).
  std::int64_t db_count(const std::string& sql) {
    return ::twostep::testing::db_integer(server().db_url(), sql);
  }

  /// The push test support's admin (activations with a device key) on this server.
  itest::Admin device_admin() { return itest::Admin(server().port(), token_); }
  itest::Application application() { return itest::Application(server().port(), app_key()); }
};

}  // namespace twostep::testing
