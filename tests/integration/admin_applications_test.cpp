// The applications part of the admin API: the key is shown once, never listed, and dies
// with its application.
#include "tests/integration/admin_fixture.hpp"

namespace twostep::testing {
namespace {

using AdminApplications = AdminTest;

TEST_F(AdminApplications, CreateShowsTheKeyOnce) {
  Response r = post("/v1/applications", {{"name", "Corporate VPN"}});
  ASSERT_EQ(r.status, 201u) << r.body;
  std::string key(r.json.at("api_key").as_string());
  EXPECT_TRUE(key.starts_with("tsk_"));
  EXPECT_TRUE(r.json.at("id").as_string().starts_with("app_"));
  EXPECT_EQ(r.json.at("name"), "Corporate VPN");
  EXPECT_FALSE(database_contains(key));

  Response list = get("/v1/applications");
  ASSERT_EQ(list.status, 200u);
  ASSERT_EQ(list.json.at("items").as_array().size(), 1u);
  const auto& item = list.json.at("items").at(0).as_object();
  EXPECT_EQ(item.at("id"), r.json.at("id"));
  EXPECT_FALSE(item.contains("api_key"));
  EXPECT_EQ(list.body.find(key), std::string::npos);
  EXPECT_TRUE(list.json.at("next_cursor").is_null());
}

TEST_F(AdminApplications, ListPages) {
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(post("/v1/applications", {{"name", "app " + std::to_string(i)}}).status, 201u);
  }
  Response first = get("/v1/applications?limit=2");
  ASSERT_EQ(first.status, 200u);
  EXPECT_EQ(first.json.at("items").as_array().size(), 2u);
  ASSERT_TRUE(first.json.at("next_cursor").is_string());
  Response second = get("/v1/applications?limit=2&cursor=" +
                        std::string(first.json.at("next_cursor").as_string()));
  ASSERT_EQ(second.status, 200u);
  EXPECT_EQ(second.json.at("items").as_array().size(), 1u);
  EXPECT_TRUE(second.json.at("next_cursor").is_null());
}

TEST_F(AdminApplications, DeleteStopsTheKey) {
  Response r = post("/v1/applications", {{"name", "Wiki"}});
  ASSERT_EQ(r.status, 201u);
  std::string id(r.json.at("id").as_string());
  Headers as_app{{"authorization", "Bearer " + std::string(r.json.at("api_key").as_string())}};
  // While it exists, the key is a valid credential of the wrong kind here: 403.
  EXPECT_TRUE(is_error(client().get("/v1/users", as_app), 403, "forbidden"));
  EXPECT_EQ(del("/v1/applications/" + id).status, 204u);
  // Afterwards it is no credential at all: 401.
  EXPECT_TRUE(is_error(client().get("/v1/users", as_app), 401, "unauthenticated"));
  EXPECT_TRUE(is_error(del("/v1/applications/" + id), 404, "application_not_found"));
  EXPECT_TRUE(get("/v1/applications").json.at("items").as_array().empty());
  EXPECT_EQ(audit_types("&type=application.*"),
            (std::vector<std::string>{"application.deleted", "application.created"}));
}

TEST_F(AdminApplications, RefusesBadNames) {
  EXPECT_TRUE(is_error(post("/v1/applications", {{"name", ""}}), 400, "invalid_name"));
  EXPECT_TRUE(
      is_error(post("/v1/applications", {{"name", std::string(65, 'x')}}), 400, "invalid_name"));
  EXPECT_TRUE(is_error(post("/v1/applications", {{"name", 7}}), 400, "invalid_name"));
  EXPECT_TRUE(is_error(post("/v1/applications", boost::json::object{}), 400, "invalid_name"));
  EXPECT_TRUE(get("/v1/applications").json.at("items").as_array().empty());
}

}  // namespace
}  // namespace twostep::testing
