// Every kind of bad input on the admin API gets the documented error with a correlation id,
// and changes nothing: read back through the API afterwards, and no audit row was added.
#include "tests/integration/admin_fixture.hpp"

namespace twostep::testing {
namespace {

struct BadRequest {
  std::string what;
  std::string method;
  std::string target;
  std::string body;
  std::string content_type;
  unsigned status;
  std::string code;
};

std::string nested(int depth) {
  return std::string(static_cast<std::size_t>(depth), '[') +
         std::string(static_cast<std::size_t>(depth), ']');
}

std::vector<BadRequest> bad_requests() {
  const std::string json = "application/json";
  const std::string user = R"("username":"mallory","display_name":"M")";
  return {
      {"malformed JSON", "POST", "/v1/users", R"({"username":"mallory")", json, 400,
       "invalid_json"},
      {"trailing garbage", "POST", "/v1/users", "{" + user + "} x", json, 400, "invalid_json"},
      {"not an object", "POST", "/v1/users", "[\"mallory\"]", json, 400, "invalid_json"},
      {"empty body", "POST", "/v1/users", "", json, 400, "invalid_json"},
      {"invalid UTF-8", "POST", "/v1/users", "{\"username\":\"m\xff\",\"display_name\":\"M\"}",
       json, 400, "invalid_json"},
      {"depth > 32", "POST", "/v1/users", "{" + user + ",\"x\":" + nested(40) + "}", json, 400,
       "invalid_json"},
      {"username not a string", "POST", "/v1/users", R"({"username":5,"display_name":"M"})", json,
       400, "invalid_username"},
      {"username with spaces", "POST", "/v1/users", R"({"username":"a b","display_name":"M"})",
       json, 400, "invalid_username"},
      {"display_name an array", "POST", "/v1/users",
       R"({"username":"mallory","display_name":["M"]})", json, 400, "invalid_display_name"},
      {"display_name missing", "POST", "/v1/users", R"({"username":"mallory"})", json, 400,
       "invalid_display_name"},
      {"password a number", "POST", "/v1/users", "{" + user + ",\"password\":123456789012}", json,
       400, "invalid_password"},
      {"weak password", "POST", "/v1/users", "{" + user + ",\"password\":\"short\"}", json, 400,
       "weak_password"},
      {"unknown role", "POST", "/v1/users", "{" + user + ",\"role\":\"root\"}", json, 400,
       "invalid_role"},
      {"unknown field", "POST", "/v1/users", "{" + user + ",\"is_admin\":true}", json, 400,
       "unknown_field"},
      // The oversize body (413) is in http_test.cpp: the server closes without reading it,
      // so a client still writing may see a reset instead of the answer.
      {"text/plain", "POST", "/v1/users", "{" + user + "}", "text/plain", 415,
       "unsupported_media_type"},
      {"no content type", "POST", "/v1/users", "{" + user + "}", "", 415, "unsupported_media_type"},
      {"latin1 charset", "POST", "/v1/users", "{" + user + "}",
       "application/json; charset=iso-8859-1", 415, "unsupported_media_type"},
      {"patch malformed", "PATCH", "/v1/users/alice", "{\"display_name\":", json, 400,
       "invalid_json"},
      {"patch wrong type", "PATCH", "/v1/users/alice", R"({"display_name":false})", json, 400,
       "invalid_display_name"},
      {"patch status blocked", "PATCH", "/v1/users/alice", R"({"status":"blocked"})", json, 400,
       "invalid_status"},
      {"patch unknown user", "PATCH", "/v1/users/nobody", R"({"display_name":"X"})", json, 404,
       "user_not_found"},
      {"get unknown id", "GET", "/v1/users/usr_AAAAAAAAAAAAAAAA", "", "", 404, "user_not_found"},
      {"delete unknown user", "DELETE", "/v1/users/nobody", "", "", 404, "user_not_found"},
      {"unblock unknown user", "POST", "/v1/users/nobody/unblock", "", "", 404, "user_not_found"},
      {"link for unknown user", "POST", "/v1/users/nobody/registration-link", "", "", 404,
       "user_not_found"},
      {"delete unknown application", "DELETE", "/v1/applications/app_nope", "", "", 404,
       "application_not_found"},
      {"application name a number", "POST", "/v1/applications", R"({"name":42})", json, 400,
       "invalid_name"},
      {"unknown route", "GET", "/v1/nope", "", "", 404, "not_found"},
      {"unknown sub-route", "POST", "/v1/users/alice/frobnicate", "", "", 404, "not_found"},
      {"wrong method", "PUT", "/v1/users", "{" + user + "}", json, 405, "method_not_allowed"},
      {"wrong method on settings", "DELETE", "/v1/settings", "", "", 405, "method_not_allowed"},
      {"setting out of range", "PATCH", "/v1/settings", R"({"remember_days":366})", json, 400,
       "invalid_remember_days"},
      {"setting wrong type", "PATCH", "/v1/settings", R"({"lockout_threshold":"10"})", json, 400,
       "invalid_lockout_threshold"},
      {"setting unknown", "PATCH", "/v1/settings", R"({"remember":1})", json, 400,
       "unknown_setting"},
      {"settings malformed", "PATCH", "/v1/settings", "{", json, 400, "invalid_json"},
      {"bad limit", "GET", "/v1/users?limit=-1", "", "", 400, "invalid_limit"},
      {"bad audit time", "GET", "/v1/audit?since=2026-13-40", "", "", 400, "invalid_since"},
  };
}

class AdminBadInput : public AdminTest {
 protected:
  void SetUp() override {
    AdminTest::SetUp();
    if (HasFatalFailure()) return;
    Response alice = create_user("alice", "Alice");
    ASSERT_EQ(alice.status, 201u) << alice.body;
    alice_ = get("/v1/users/alice").json;
  }
  boost::json::value alice_;
};

TEST_F(AdminBadInput, EachGetsItsErrorAndChangesNothing) {
  Response settings_before = get("/v1/settings");
  for (const BadRequest& bad : bad_requests()) {
    Response r = send_raw(bad.method, bad.target, bad.body, bad.content_type);
    EXPECT_TRUE(is_error(r, bad.status, bad.code)) << bad.what;
  }
  // Read everything back through the API.
  EXPECT_EQ(usernames(), std::vector<std::string>{"alice"});
  EXPECT_EQ(get("/v1/users/alice").json, alice_);
  EXPECT_TRUE(get("/v1/applications").json.at("items").as_array().empty());
  EXPECT_EQ(get("/v1/settings").json, settings_before.json);
  EXPECT_EQ(audit_types(), (std::vector<std::string>{"user.created", "admin_token.created"}));
}

TEST_F(AdminBadInput, ErrorBodyRepeatsTheCallersCorrelationId) {
  Response r = client().request(
      "POST", "/v1/users", "{", "application/json",
      {{"authorization", "Bearer " + token_}, {"x-correlation-id", "ticket-12345"}});
  EXPECT_TRUE(is_error(r, 400, "invalid_json"));
  EXPECT_EQ(r.error_correlation_id(), "ticket-12345");
}

TEST_F(AdminBadInput, TheServerKeepsServingAfterwards) {
  for (const BadRequest& bad : bad_requests()) {
    send_raw(bad.method, bad.target, bad.body, bad.content_type);
  }
  EXPECT_EQ(create_user("bob").status, 201u);
  EXPECT_EQ(client().get("/healthz").status, 200u);
}

}  // namespace
}  // namespace twostep::testing
