#include "account/applications.hpp"

#include <gtest/gtest.h>

#include <set>

#include "core/crypto.hpp"
#include "fixture.hpp"

namespace twostep::account {
namespace {

class Applications : public testing::AccountTest {
 protected:
  NewApplication create(const std::string& name) {
    auto made = write([&](store::Tx& tx) { return create_application(tx, env_, who_, name); });
    EXPECT_TRUE(made);
    return *made;
  }
  core::Result<Page<Application>> list(int limit, const std::string& cursor = "") {
    return read([&](store::Tx& tx) { return list_applications(tx, limit, cursor); });
  }
};

TEST_F(Applications, KeyIsShownOnceAndStoredHashed) {
  NewApplication app = create("VPN gateway");
  EXPECT_TRUE(app.api_key.starts_with("tsk_"));
  EXPECT_TRUE(app.record.id.starts_with("app_"));
  EXPECT_EQ(read([&](store::Tx& tx) {
              return tx.query_one("SELECT key_hash FROM applications")->text(0);
            }),
            core::sha256_hex(app.api_key));
  auto found = read([&](store::Tx& tx) { return find_application_by_key(tx, app.api_key); });
  ASSERT_TRUE(found);
  EXPECT_EQ(found->name, "VPN gateway");
  EXPECT_EQ(audit_rows("application.created"), 1);
}

TEST_F(Applications, ListPagesInCreationOrder) {
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(create("app" + std::to_string(i)).record.id);
    if (i % 2 == 0) clock_.advance(std::chrono::seconds(1));
  }
  std::vector<std::string> seen;
  std::string cursor;
  int pages = 0;
  do {
    auto page = list(2, cursor);
    ASSERT_TRUE(page) << page.error().message;
    for (const auto& a : page->items) seen.push_back(a.id);
    cursor = page->next_cursor.value_or("");
    ++pages;
  } while (!cursor.empty());
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 5u);
  EXPECT_EQ(seen.size(), 5u);
  auto all = list(200);
  ASSERT_TRUE(all);
  EXPECT_FALSE(all->next_cursor);
  EXPECT_EQ(all->items.front().name, "app0");
}

TEST_F(Applications, ListRefusesBadLimitAndCursor) {
  EXPECT_EQ(list(0).error().code, "invalid_limit");
  EXPECT_EQ(list(201).error().code, "invalid_limit");
  EXPECT_EQ(list(10, "!!").error().code, "invalid_cursor");
  EXPECT_EQ(list(10, encode_cursor("no-colon")).error().code, "invalid_cursor");
}

TEST_F(Applications, DeleteStopsTheKey) {
  NewApplication app = create("web");
  auto r = write([&](store::Tx& tx) { return delete_application(tx, env_, who_, app.record.id); });
  ASSERT_TRUE(r);
  EXPECT_FALSE(authenticate_application_key(*store_, clock_, app.api_key));
  auto again =
      write([&](store::Tx& tx) { return delete_application(tx, env_, who_, app.record.id); });
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, "application_not_found");
  EXPECT_EQ(again.error().kind, core::ErrorKind::kNotFound);
  EXPECT_EQ(audit_rows("application.deleted"), 1);
}

TEST_F(Applications, AuthenticateRecordsUse) {
  NewApplication app = create("idp");
  auto found = authenticate_application_key(*store_, clock_, app.api_key);
  ASSERT_TRUE(found);
  auto stored = read([&](store::Tx& tx) { return get_application(tx, app.record.id); });
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->last_used_at, clock_.now());
  EXPECT_FALSE(authenticate_application_key(*store_, clock_, "tsa_" + app.api_key.substr(4)));
}

}  // namespace
}  // namespace twostep::account
