// The users part of the admin API: create with a registration link, list and search, read,
// change, delete, unblock, and reissue the registration link.
#include <set>

#include "account/registration.hpp"
#include "account/users.hpp"
#include "core/clock.hpp"
#include "core/random.hpp"
#include "store/store.hpp"
#include "tests/integration/admin_fixture.hpp"

namespace twostep::testing {
namespace {

class AdminUsers : public AdminTest {
 protected:
  /// The server's database, opened next to the running server (SQLite WAL allows it).
  std::unique_ptr<store::Store> open_database() { return store::open_store(server().db_url()); }
  std::string link_token(const Response& r) {
    std::string url(r.json.at("registration_url").as_string());
    auto at = url.find("#token=");
    return at == std::string::npos ? "" : url.substr(at + 7);
  }
};

TEST_F(AdminUsers, CreateReturnsTheUserAndAOneTimeRegistrationLink) {
  Response r = create_user("alice", "Alice Liddell");
  ASSERT_EQ(r.status, 201u) << r.body;
  const auto& u = r.json.as_object();
  EXPECT_TRUE(u.at("id").as_string().starts_with("usr_"));
  EXPECT_EQ(u.at("username"), "alice");
  EXPECT_EQ(u.at("display_name"), "Alice Liddell");
  EXPECT_EQ(u.at("status"), "active");
  EXPECT_EQ(u.at("role"), "user");
  EXPECT_EQ(u.at("registration").at("pending"), true);
  std::string url(u.at("registration_url").as_string());
  std::string base = "https://127.0.0.1:" + std::to_string(server().port()) + "/register#token=";
  EXPECT_TRUE(url.starts_with(base)) << url;
  EXPECT_GE(link_token(r).size(), 22u);  // at least 128 bits in base64url
  auto created = core::parse_rfc3339(u.at("created_at").as_string());
  auto expires = core::parse_rfc3339(u.at("registration_expires_at").as_string());
  ASSERT_TRUE(created && expires);
  EXPECT_EQ(*expires - *created, std::chrono::days(7));
  EXPECT_FALSE(database_contains(link_token(r)));
}

TEST_F(AdminUsers, CreateWithPasswordAndAdminRole) {
  Response r = post("/v1/users", {{"username", "root.admin"},
                                  {"display_name", "Root"},
                                  {"password", "correct horse battery staple"},
                                  {"role", "admin"}});
  ASSERT_EQ(r.status, 201u) << r.body;
  EXPECT_EQ(r.json.at("role"), "admin");
  EXPECT_EQ(r.json.at("password_set"), true);
  EXPECT_FALSE(database_contains("correct horse battery staple"));
  EXPECT_EQ(server().log().find("correct horse"), std::string::npos);

  Response weak =
      post("/v1/users", {{"username", "weak"}, {"display_name", "W"}, {"password", "short"}});
  EXPECT_TRUE(is_error(weak, 400, "weak_password"));
  EXPECT_EQ(usernames(), std::vector<std::string>{"root.admin"});
}

TEST_F(AdminUsers, UsernamesAreUniqueIgnoringCase) {
  ASSERT_EQ(create_user("Bob").status, 201u);
  EXPECT_TRUE(is_error(create_user("bob"), 409, "username_taken"));
  EXPECT_TRUE(is_error(create_user("BOB"), 409, "username_taken"));
  EXPECT_EQ(usernames(), std::vector<std::string>{"Bob"});
}

TEST_F(AdminUsers, GetByIdOrUsername) {
  Response made = create_user("carol");
  std::string id(made.json.at("id").as_string());
  EXPECT_EQ(get("/v1/users/" + id).json.at("username"), "carol");
  EXPECT_EQ(get("/v1/users/CAROL").json.at("id").as_string(), id);
  EXPECT_TRUE(is_error(get("/v1/users/nobody"), 404, "user_not_found"));
  EXPECT_TRUE(is_error(get("/v1/users/usr_AAAAAAAAAAAAAAAA"), 404, "user_not_found"));
}

TEST_F(AdminUsers, ListSearchesAndPages) {
  for (const char* name : {"dave", "erin", "frank", "grace", "heidi"}) {
    ASSERT_EQ(create_user(name, std::string("Person ") + name).status, 201u);
  }
  std::vector<std::string> seen;
  std::string target = "/v1/users?limit=2";
  int pages = 0;
  while (true) {
    Response r = get(target);
    ASSERT_EQ(r.status, 200u) << r.body;
    for (const auto& item : r.json.at("items").as_array()) {
      seen.emplace_back(item.at("username").as_string());
    }
    ++pages;
    const auto& next = r.json.at("next_cursor");
    if (next.is_null()) break;
    target = "/v1/users?limit=2&cursor=" + std::string(next.as_string());
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen, (std::vector<std::string>{"dave", "erin", "frank", "grace", "heidi"}));

  Response found = get("/v1/users?q=PERSON%20HEI");
  ASSERT_EQ(found.status, 200u);
  ASSERT_EQ(found.json.at("items").as_array().size(), 1u);
  EXPECT_EQ(found.json.at("items").at(0).at("username"), "heidi");
  EXPECT_TRUE(is_error(get("/v1/users?limit=0"), 400, "invalid_limit"));
  EXPECT_TRUE(is_error(get("/v1/users?limit=201"), 400, "invalid_limit"));
  EXPECT_TRUE(is_error(get("/v1/users?cursor=***"), 400, "invalid_cursor"));
}

TEST_F(AdminUsers, PatchChangesDisplayNameStatusAndRole) {
  ASSERT_EQ(create_user("ivan").status, 201u);
  Response r = patch("/v1/users/ivan",
                     {{"display_name", "Ivan I."}, {"status", "disabled"}, {"role", "admin"}});
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.json.at("display_name"), "Ivan I.");
  EXPECT_EQ(r.json.at("status"), "disabled");
  EXPECT_EQ(r.json.at("role"), "admin");
  Response back = get("/v1/users/ivan");
  EXPECT_EQ(back.json.at("status"), "disabled");
  EXPECT_TRUE(is_error(patch("/v1/users/ivan", {{"status", "blocked"}}), 400, "invalid_status"));
  EXPECT_TRUE(is_error(patch("/v1/users/nobody", {{"status", "active"}}), 404, "user_not_found"));
  EXPECT_EQ(get("/v1/users/ivan").json.at("status"), "disabled");
  EXPECT_EQ(audit_types("&type=user.updated").size(), 1u);
}

TEST_F(AdminUsers, DeleteRemovesTheUser) {
  ASSERT_EQ(create_user("judy").status, 201u);
  Response r = del("/v1/users/judy");
  EXPECT_EQ(r.status, 204u) << r.body;
  EXPECT_TRUE(is_error(get("/v1/users/judy"), 404, "user_not_found"));
  EXPECT_TRUE(is_error(del("/v1/users/judy"), 404, "user_not_found"));
  EXPECT_EQ(audit_types("&type=user.deleted").size(), 1u);
}

TEST_F(AdminUsers, UnblockReactivatesABlockedUserOnly) {
  Response made = create_user("ken");
  ASSERT_EQ(made.status, 201u);
  EXPECT_TRUE(is_error(post_empty("/v1/users/ken/unblock"), 409, "user_not_blocked"));
  {
    // A fraud report blocks users (push module); do what it does, on the live database.
    auto db = open_database();
    core::SystemClock clock;
    core::SystemRandom random;
    auto blocked = db->write([&](store::Tx& tx) {
      return account::block_user(tx, {clock, random}, {"device:test", "", ""}, "ken",
                                 "fraud_reported");
    });
    ASSERT_TRUE(blocked);
  }
  EXPECT_EQ(get("/v1/users/ken").json.at("status"), "blocked");
  EXPECT_TRUE(is_error(patch("/v1/users/ken", {{"status", "active"}}), 409, "user_blocked"));
  Response r = post_empty("/v1/users/ken/unblock");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.json.at("status"), "active");
  EXPECT_EQ(get("/v1/users/ken").json.at("status"), "active");
  EXPECT_TRUE(is_error(post_empty("/v1/users/nobody/unblock"), 404, "user_not_found"));
}

TEST_F(AdminUsers, ReissuedRegistrationLinkReplacesTheOldOne) {
  Response made = create_user("leo");
  ASSERT_EQ(made.status, 201u);
  std::string first = link_token(made);
  Response r = post_empty("/v1/users/leo/registration-link");
  ASSERT_EQ(r.status, 200u) << r.body;
  std::string second = link_token(r);
  EXPECT_FALSE(second.empty());
  EXPECT_NE(first, second);
  EXPECT_TRUE(core::parse_rfc3339(r.json.at("registration_expires_at").as_string()));
  auto db = open_database();
  core::SystemClock clock;
  auto old_link =
      db->read([&](store::Tx& tx) { return account::check_registration_token(tx, clock, first); });
  ASSERT_FALSE(old_link);
  EXPECT_EQ(old_link.error().code, "registration_not_found");
  auto new_link =
      db->read([&](store::Tx& tx) { return account::check_registration_token(tx, clock, second); });
  ASSERT_TRUE(new_link);
  EXPECT_EQ(new_link->username, "leo");
  EXPECT_TRUE(is_error(post_empty("/v1/users/nobody/registration-link"), 404, "user_not_found"));
  EXPECT_EQ(audit_types("&type=user.registration_link_issued").size(), 1u);
}

}  // namespace
}  // namespace twostep::testing
