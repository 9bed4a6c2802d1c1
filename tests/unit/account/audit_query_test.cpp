#include "account/audit_query.hpp"

#include <gtest/gtest.h>

#include "account/users.hpp"
#include "fixture.hpp"

namespace twostep::account {
namespace {

AuditFilter filter(std::string user = "", std::string type = "",
                   std::optional<core::TimePoint> since = std::nullopt, int limit = 100,
                   std::string cursor = "") {
  return AuditFilter{std::move(user), std::move(type), since, limit, std::move(cursor)};
}

class AuditQuery : public testing::AccountTest {
 protected:
  void SetUp() override {
    alice_ = make("alice");
    clock_.advance(std::chrono::hours(1));
    bob_ = make("bob");
    clock_.advance(std::chrono::hours(1));
    write([&](store::Tx& tx) {
      store::append_audit(
          tx, clock_, {"device:dev_9", "198.51.100.1", "corr-9"},
          {"device.deactivated", alice_, "dev_9", "success", {{"reason", "stale"}}});
      store::append_audit(tx, clock_, {"system", "", ""}, {"userx.other", "", "", "success", {}});
      return core::Result<void>{};
    });
  }
  std::string make(const std::string& name) {
    auto r = write([&](store::Tx& tx) {
      return create_user(tx, env_, who_, {name, "Someone", std::nullopt, Role::kUser});
    });
    EXPECT_TRUE(r);
    return r->user.id;
  }
  core::Result<Page<AuditEntry>> query(const AuditFilter& f) {
    return read([&](store::Tx& tx) { return query_audit(tx, f); });
  }
  std::vector<std::string> types(const AuditFilter& f) {
    auto page = query(f);
    EXPECT_TRUE(page) << page.error().message;
    std::vector<std::string> out;
    for (const auto& e : page->items) out.push_back(e.type);
    return out;
  }
  std::string alice_, bob_;
};

TEST_F(AuditQuery, NewestFirstWithEveryField) {
  auto page = query(filter());
  ASSERT_TRUE(page);
  ASSERT_EQ(page->items.size(), 4u);
  const AuditEntry& e = page->items[1];
  EXPECT_EQ(e.type, "device.deactivated");
  EXPECT_EQ(e.user_id, alice_);
  EXPECT_EQ(e.username, "alice");
  EXPECT_EQ(e.device_id, "dev_9");
  EXPECT_EQ(e.actor, "device:dev_9");
  EXPECT_EQ(e.ip, "198.51.100.1");
  EXPECT_EQ(e.result, "success");
  EXPECT_EQ(e.correlation_id, "corr-9");
  EXPECT_EQ(e.detail.at("reason"), "stale");
  EXPECT_EQ(e.time, clock_.now());
  EXPECT_EQ(page->items[3].type, "user.created");
  EXPECT_EQ(page->items[3].user_id, alice_);
}

TEST_F(AuditQuery, FiltersByUserIdOrUsername) {
  EXPECT_EQ(types(filter(alice_)),
            (std::vector<std::string>{"device.deactivated", "user.created"}));
  EXPECT_EQ(types(filter("BOB")), std::vector<std::string>{"user.created"});
  EXPECT_TRUE(types(filter("nobody")).empty());
}

TEST_F(AuditQuery, DeletedUsersHistoryStillFoundById) {
  ASSERT_TRUE(write([&](store::Tx& tx) { return delete_user(tx, env_, who_, bob_); }));
  auto page = query(filter(bob_));
  ASSERT_TRUE(page);
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->items[0].type, "user.deleted");
  EXPECT_EQ(page->items[0].username, "");
}

TEST_F(AuditQuery, FiltersByExactTypeOrPrefix) {
  EXPECT_EQ(types(filter("", "user.created")).size(), 2u);
  EXPECT_EQ(types(filter("", "user.*")).size(), 2u);  // "userx.other" is not under "user."
  EXPECT_EQ(types(filter("", "user*")).size(), 3u);
  EXPECT_EQ(types(filter("", "*")).size(), 4u);
  EXPECT_TRUE(types(filter("", "user")).empty());
  for (auto bad : {"User.created", "user.%", "a*b", "user.**", "x y"}) {
    auto r = query(filter("", bad));
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, "invalid_type") << bad;
  }
}

TEST_F(AuditQuery, FiltersBySince) {
  auto since = clock_.now() - std::chrono::hours(1);
  EXPECT_EQ(types(filter("", "", since)),
            (std::vector<std::string>{"userx.other", "device.deactivated", "user.created"}));
  EXPECT_EQ(types(filter("", "", clock_.now() + std::chrono::seconds(1))).size(), 0u);
}

TEST_F(AuditQuery, PagesNewestFirst) {
  auto p1 = query(filter("", "", std::nullopt, 3, ""));
  ASSERT_TRUE(p1 && p1->next_cursor);
  EXPECT_EQ(p1->items.size(), 3u);
  auto p2 = query(filter("", "", std::nullopt, 3, *p1->next_cursor));
  ASSERT_TRUE(p2);
  ASSERT_EQ(p2->items.size(), 1u);
  EXPECT_LT(p2->items[0].id, p1->items[2].id);
  EXPECT_FALSE(p2->next_cursor);
  EXPECT_EQ(query(filter("", "", std::nullopt, 501, "")).error().code, "invalid_limit");
  EXPECT_EQ(query(filter("", "", std::nullopt, 10, encode_cursor("x"))).error().code,
            "invalid_cursor");
}

}  // namespace
}  // namespace twostep::account
