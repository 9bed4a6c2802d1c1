// Who may use the admin API: an admin token from the CLI, never an application key, never
// nobody; and every admin action is audited with the caller, address and correlation id.
#include "tests/integration/admin_fixture.hpp"

namespace twostep::testing {
namespace {

using AdminAuth = AdminTest;

struct Route {
  const char* method;
  const char* target;
};

constexpr Route kAdminRoutes[] = {
    {"POST", "/v1/users"},
    {"GET", "/v1/users"},
    {"GET", "/v1/users/alice"},
    {"PATCH", "/v1/users/alice"},
    {"DELETE", "/v1/users/alice"},
    {"POST", "/v1/users/alice/unblock"},
    {"POST", "/v1/users/alice/registration-link"},
    {"POST", "/v1/applications"},
    {"GET", "/v1/applications"},
    {"DELETE", "/v1/applications/app_x"},
    {"GET", "/v1/settings"},
    {"PATCH", "/v1/settings"},
    {"GET", "/v1/audit"},
};

TEST_F(AdminAuth, TokenFromTheCliWorksOnTheRunningServer) {
  CommandResult made = server().run_cli({"admin", "token", "create", "--name", "ops team"});
  ASSERT_EQ(made.status, 0) << made.err;
  // Only the token on stdout, so that scripts can capture it.
  ASSERT_TRUE(made.out.starts_with("tsa_")) << made.out;
  ASSERT_TRUE(made.out.ends_with("\n"));
  std::string token = made.out.substr(0, made.out.size() - 1);
  EXPECT_EQ(token.find_first_of(" \n"), std::string::npos);
  EXPECT_NE(made.err.find("shown only"), std::string::npos) << made.err;
  Response r = client().get("/v1/settings", {{"authorization", "Bearer " + token}});
  EXPECT_EQ(r.status, 200u) << r.body;
  // Only its hash is stored, and no log line shows it.
  EXPECT_FALSE(database_contains(token));
  EXPECT_FALSE(database_contains(token.substr(4)));
  EXPECT_EQ(server().log().find(token), std::string::npos);
}

TEST_F(AdminAuth, NoOrUnknownCredentialIs401OnEveryAdminRoute) {
  const Headers variants[] = {
      {},
      {{"authorization", "Bearer tsa_not-a-real-token"}},
      {{"authorization", "Basic YWRtaW46YWRtaW4="}},
      {{"authorization", "Bearer"}},
      {{"authorization", token_}},  // the token without its scheme
  };
  for (const Route& route : kAdminRoutes) {
    for (const Headers& headers : variants) {
      Response r = client().request(route.method, route.target, "{}", "application/json", headers);
      EXPECT_TRUE(is_error(r, 401, "unauthenticated")) << route.method << " " << route.target;
    }
  }
  EXPECT_TRUE(usernames().empty());
}

TEST_F(AdminAuth, SchemeIsCaseInsensitive) {
  Response r = client().get("/v1/settings", {{"authorization", "bearer " + token_}});
  EXPECT_EQ(r.status, 200u) << r.body;
}

TEST_F(AdminAuth, ApplicationKeyOnTheAdminApiIs403) {
  Response app = post("/v1/applications", {{"name", "VPN"}});
  ASSERT_EQ(app.status, 201u) << app.body;
  std::string key(app.json.at("api_key").as_string());
  Headers as_app{{"authorization", "Bearer " + key}};
  for (const Route& route : kAdminRoutes) {
    Response r =
        client().request(route.method, route.target, R"({"username":"mallory","display_name":"M"})",
                         "application/json", as_app);
    EXPECT_TRUE(is_error(r, 403, "forbidden")) << route.method << " " << route.target;
  }
  EXPECT_TRUE(usernames().empty());
  EXPECT_EQ(audit_types("&type=user.*").size(), 0u);
}

TEST_F(AdminAuth, AdminActionsAreAuditedWithActorAddressAndCorrelationId) {
  Response r = client().post(
      "/v1/users", {{"username", "alice"}, {"display_name", "Alice"}},
      {{"authorization", "Bearer " + token_}, {"x-correlation-id", "helpdesk-ticket-4711"}});
  ASSERT_EQ(r.status, 201u) << r.body;
  EXPECT_EQ(r.header("x-correlation-id"), "helpdesk-ticket-4711");
  Response audit = get("/v1/audit?type=user.created");
  ASSERT_EQ(audit.status, 200u);
  const auto& items = audit.json.at("items").as_array();
  ASSERT_EQ(items.size(), 1u);
  const auto& row = items[0].as_object();
  EXPECT_EQ(row.at("actor"), "admin:it-admin");
  EXPECT_EQ(row.at("ip"), "127.0.0.1");
  EXPECT_EQ(row.at("correlation_id"), "helpdesk-ticket-4711");
  EXPECT_EQ(row.at("result"), "success");
  EXPECT_EQ(row.at("user"), r.json.at("id"));
}

}  // namespace
}  // namespace twostep::testing
