#include "account/admin_tokens.hpp"

#include <gtest/gtest.h>

#include "account/applications.hpp"
#include "core/crypto.hpp"
#include "fixture.hpp"

namespace twostep::account {
namespace {

class AdminTokens : public testing::AccountTest {
 protected:
  NewAdminToken create(const std::string& name) {
    auto made = write([&](store::Tx& tx) { return create_admin_token(tx, env_, who_, name); });
    EXPECT_TRUE(made);
    return *made;
  }
};

TEST_F(AdminTokens, TokenIsShownOnceAndStoredHashed) {
  NewAdminToken t = create("ops");
  EXPECT_TRUE(t.token.starts_with("tsa_"));
  EXPECT_EQ(t.token.size(), 4u + 43u);  // 32 bytes in base64url
  EXPECT_TRUE(t.record.id.starts_with("adt_"));
  EXPECT_EQ(t.record.name, "ops");
  auto stored = read(
      [&](store::Tx& tx) { return tx.query_one("SELECT token_hash FROM admin_tokens")->text(0); });
  EXPECT_EQ(stored, core::sha256_hex(t.token));
  EXPECT_EQ(audit_rows("admin_token.created"), 1);
}

TEST_F(AdminTokens, FindsOnlyTheExactToken) {
  NewAdminToken t = create("ops");
  auto found = read([&](store::Tx& tx) { return find_admin_token(tx, t.token); });
  ASSERT_TRUE(found);
  EXPECT_EQ(found->id, t.record.id);
  std::string altered = t.token;
  altered.back() = altered.back() == 'A' ? 'B' : 'A';
  EXPECT_FALSE(read([&](store::Tx& tx) { return find_admin_token(tx, altered); }));
  EXPECT_FALSE(read([&](store::Tx& tx) { return find_admin_token(tx, ""); }));
  EXPECT_FALSE(read([&](store::Tx& tx) { return find_admin_token(tx, t.token.substr(4)); }));
}

TEST_F(AdminTokens, ApplicationKeyIsNotAnAdminToken) {
  auto app = write([&](store::Tx& tx) { return create_application(tx, env_, who_, "vpn"); });
  ASSERT_TRUE(app);
  EXPECT_FALSE(read([&](store::Tx& tx) { return find_admin_token(tx, app->api_key); }));
}

TEST_F(AdminTokens, RefusesBadNames) {
  auto r = write([&](store::Tx& tx) { return create_admin_token(tx, env_, who_, ""); });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "invalid_name");
  EXPECT_FALSE(write(
      [&](store::Tx& tx) { return create_admin_token(tx, env_, who_, std::string(65, 'n')); }));
  EXPECT_EQ(count("SELECT COUNT(*) FROM admin_tokens"), 0);
}

TEST_F(AdminTokens, AuthenticateRecordsUseAtMostOnceAMinute) {
  NewAdminToken t = create("ops");
  auto first = authenticate_admin_token(*store_, clock_, t.token);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->last_used_at, clock_.now());
  auto t0 = clock_.now();
  clock_.advance(std::chrono::seconds(59));
  ASSERT_TRUE(authenticate_admin_token(*store_, clock_, t.token));
  auto stored = [&] {
    return read([&](store::Tx& tx) {
      return tx.query_one("SELECT last_used_at FROM admin_tokens")->integer(0);
    });
  };
  EXPECT_EQ(stored(), core::unix_seconds(t0));
  clock_.advance(std::chrono::seconds(1));
  ASSERT_TRUE(authenticate_admin_token(*store_, clock_, t.token));
  EXPECT_EQ(stored(), core::unix_seconds(clock_.now()));
  EXPECT_FALSE(authenticate_admin_token(*store_, clock_, "tsa_unknown"));
}

}  // namespace
}  // namespace twostep::account
