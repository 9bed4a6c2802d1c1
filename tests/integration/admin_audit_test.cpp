// GET /v1/audit: filters by user, type and time, newest first, paged.
#include "core/clock.hpp"
#include "tests/integration/admin_fixture.hpp"

namespace twostep::testing {
namespace {

class AdminAudit : public AdminTest {
 protected:
  void SetUp() override {
    AdminTest::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_EQ(create_user("alice").status, 201u);
    ASSERT_EQ(create_user("bob").status, 201u);
    ASSERT_EQ(patch("/v1/users/alice", {{"display_name", "Alice A."}}).status, 200u);
    ASSERT_EQ(post("/v1/applications", {{"name", "VPN"}}).status, 201u);
  }
};

TEST_F(AdminAudit, NewestFirstWithTheDocumentedFields) {
  Response r = get("/v1/audit");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(audit_types(),
            (std::vector<std::string>{"application.created", "user.updated", "user.created",
                                      "user.created", "admin_token.created"}));
  const auto& newest = r.json.at("items").at(0).as_object();
  for (const char* field :
       {"time", "type", "user", "actor", "result", "correlation_id", "detail"}) {
    EXPECT_TRUE(newest.contains(field)) << field;
  }
  EXPECT_TRUE(core::parse_rfc3339(newest.at("time").as_string()));
  EXPECT_TRUE(newest.at("user").is_null());
  EXPECT_EQ(newest.at("detail").at("name"), "VPN");
  EXPECT_FALSE(r.body.find("tsk_") != std::string::npos) << "no key in the audit detail";
}

TEST_F(AdminAudit, FiltersByUserTypeAndTime) {
  EXPECT_EQ(audit_types("&user=alice"), (std::vector<std::string>{"user.updated", "user.created"}));
  std::string bob_id(get("/v1/users/bob").json.at("id").as_string());
  EXPECT_EQ(audit_types("&user=" + bob_id), std::vector<std::string>{"user.created"});
  EXPECT_EQ(audit_types("&type=user.created").size(), 2u);
  EXPECT_EQ(audit_types("&type=user.*").size(), 3u);
  EXPECT_EQ(audit_types("&type=admin_token.created").size(), 1u);
  EXPECT_EQ(audit_types("&since=2000-01-01T00:00:00Z").size(), 5u);
  EXPECT_TRUE(audit_types("&since=2199-01-01T00:00:00Z").empty());
  // Beyond what the clock type can hold: refused, not overflowed.
  EXPECT_TRUE(is_error(get("/v1/audit?since=2999-01-01T00:00:00Z"), 400, "invalid_since"));
  EXPECT_TRUE(is_error(get("/v1/audit?since=9999-12-31T23:59:59Z"), 400, "invalid_since"));
}

TEST_F(AdminAudit, PagesWithCursors) {
  Response first = get("/v1/audit?limit=3");
  ASSERT_EQ(first.status, 200u);
  ASSERT_EQ(first.json.at("items").as_array().size(), 3u);
  ASSERT_TRUE(first.json.at("next_cursor").is_string());
  Response second =
      get("/v1/audit?limit=3&cursor=" + std::string(first.json.at("next_cursor").as_string()));
  ASSERT_EQ(second.status, 200u);
  ASSERT_EQ(second.json.at("items").as_array().size(), 2u);
  EXPECT_TRUE(second.json.at("next_cursor").is_null());
  EXPECT_EQ(second.json.at("items").at(1).at("type"), "admin_token.created");
}

TEST_F(AdminAudit, RefusesBadFilters) {
  EXPECT_TRUE(is_error(get("/v1/audit?since=yesterday"), 400, "invalid_since"));
  EXPECT_TRUE(is_error(get("/v1/audit?limit=0"), 400, "invalid_limit"));
  EXPECT_TRUE(is_error(get("/v1/audit?limit=501"), 400, "invalid_limit"));
  EXPECT_TRUE(is_error(get("/v1/audit?limit=ten"), 400, "invalid_limit"));
  EXPECT_TRUE(is_error(get("/v1/audit?type=user.%25"), 400, "invalid_type"));
  EXPECT_TRUE(is_error(get("/v1/audit?cursor=%21%21"), 400, "invalid_cursor"));
  EXPECT_EQ(get("/v1/audit?limit=500").status, 200u);
}

}  // namespace
}  // namespace twostep::testing
