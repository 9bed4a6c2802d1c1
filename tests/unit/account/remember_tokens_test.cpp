#include "account/remember_tokens.hpp"

#include <gtest/gtest.h>

#include "account/users.hpp"
#include "fixture.hpp"

namespace twostep::account {
namespace {

using namespace std::chrono_literals;

class RememberTokens : public testing::AccountTest {
 protected:
  std::optional<IssuedRememberToken> issue(const std::string& user_id, int days = 14) {
    return write([&](store::Tx& tx) -> core::Result<std::optional<IssuedRememberToken>> {
             return issue_remember_token(tx, env_, who_, user_id, days, {"application", "app_1"});
           })
        .value();
  }
  bool valid(const std::string& user_id, const std::string& token, int days = 14) {
    return read(
        [&](store::Tx& tx) { return remember_token_valid(tx, clock_, user_id, token, days); });
  }
  std::int64_t revoke(const std::string& user_id, const store::AuditContext& who) {
    return write([&](store::Tx& tx) -> core::Result<std::int64_t> {
             return revoke_remember_tokens(tx, clock_, who, user_id, "user_request");
           })
        .value();
  }
  std::int64_t live(const std::string& user_id, int days = 14) {
    return read([&](store::Tx& tx) { return count_remember_tokens(tx, clock_, user_id, days); });
  }
};

TEST_F(RememberTokens, IssuedTokenIsValidForItsUserOnlyAndStoredHashed) {
  const std::string alice = make_user("alice");
  const std::string bob = make_user("bob");
  auto issued = issue(alice);
  ASSERT_TRUE(issued);
  EXPECT_GE(issued->token.size(), 4u + 43u) << "prefix and 256 bits in base64url";
  EXPECT_EQ(issued->expires_at, clock_.now() + 14 * 24h);
  EXPECT_TRUE(valid(alice, issued->token));
  EXPECT_FALSE(valid(bob, issued->token));
  EXPECT_FALSE(valid(alice, issued->token + "x"));
  EXPECT_FALSE(valid(alice, "tsr_guess"));
  EXPECT_EQ(
      count("SELECT COUNT(*) FROM remember_tokens WHERE token_hash = '" + issued->token + "'"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM remember_tokens WHERE origin = 'application:app_1'"), 1);
  EXPECT_EQ(audit_rows("trusted_browser.added"), 1);
}

TEST_F(RememberTokens, ZeroDaysIssuesNothingAndInvalidatesEverything) {
  const std::string alice = make_user("alice");
  EXPECT_FALSE(issue(alice, 0));
  auto issued = issue(alice, 30);
  ASSERT_TRUE(issued);
  EXPECT_TRUE(valid(alice, issued->token, 30));
  EXPECT_FALSE(valid(alice, issued->token, 0));
  EXPECT_EQ(live(alice, 0), 0);
  EXPECT_EQ(live(alice, 30), 1);
}

TEST_F(RememberTokens, ExpiresOnTheServerAndWhenTheSettingShrinks) {
  const std::string alice = make_user("alice");
  auto issued = issue(alice, 30);
  ASSERT_TRUE(issued);
  clock_.advance(10 * 24h);
  EXPECT_TRUE(valid(alice, issued->token, 30));
  // remember_days lowered to 7: a token issued 10 days ago no longer counts.
  EXPECT_FALSE(valid(alice, issued->token, 7));
  EXPECT_EQ(live(alice, 7), 0);
  clock_.advance(20 * 24h);
  EXPECT_FALSE(valid(alice, issued->token, 30)) << "past expires_at";
  // Raising the setting later does not bring an expired token back.
  EXPECT_FALSE(valid(alice, issued->token, 365));
}

TEST_F(RememberTokens, RevokeDeletesEveryTokenOfTheUserOnly) {
  const std::string alice = make_user("alice");
  const std::string bob = make_user("bob");
  auto a1 = issue(alice);
  auto a2 = issue(alice);
  auto b1 = issue(bob);
  EXPECT_EQ(live(alice), 2);
  EXPECT_EQ(revoke(alice, who_), 2);
  EXPECT_FALSE(valid(alice, a1->token));
  EXPECT_FALSE(valid(alice, a2->token));
  EXPECT_TRUE(valid(bob, b1->token));
  EXPECT_EQ(audit_rows("trusted_browsers.revoked"), 1);
  // Without an actor nothing is audited.
  EXPECT_EQ(revoke(bob, {}), 1);
  EXPECT_EQ(audit_rows("trusted_browsers.revoked"), 1);
}

TEST_F(RememberTokens, PasswordChangeAndBlockRevoke) {
  const std::string alice = make_user("alice");
  auto before_password = issue(alice);
  ASSERT_TRUE(write([&](store::Tx& tx) {
    return set_password_hash(tx, env_, who_, alice,
                             "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaA");
  }));
  EXPECT_FALSE(valid(alice, before_password->token));
  auto before_block = issue(alice);
  ASSERT_TRUE(write([&](store::Tx& tx) { return block_user(tx, env_, who_, alice, "fraud"); }));
  EXPECT_FALSE(valid(alice, before_block->token));
}

TEST_F(RememberTokens, RecordUseSetsLastUsedAtAtMostHourly) {
  const std::string alice = make_user("alice");
  auto issued = issue(alice);
  auto last_used = [&] {
    return read([&](store::Tx& tx) {
      return tx.query_one("SELECT last_used_at FROM remember_tokens")->opt_integer(0);
    });
  };
  auto use = [&] {
    store_->run(store::TxMode::kWrite, [&](store::Tx& tx) {
      record_remember_token_use(tx, clock_, issued->token);
      return true;
    });
  };
  EXPECT_FALSE(last_used());
  use();
  const auto first = last_used();
  ASSERT_TRUE(first);
  clock_.advance(10min);
  use();
  EXPECT_EQ(last_used(), first);
  clock_.advance(1h);
  use();
  EXPECT_EQ(last_used(), core::unix_seconds(clock_.now()));
}

TEST_F(RememberTokens, DeletingTheUserDeletesTheTokens) {
  const std::string alice = make_user("alice");
  issue(alice);
  ASSERT_TRUE(write([&](store::Tx& tx) { return delete_user(tx, env_, who_, alice); }));
  EXPECT_EQ(count("SELECT COUNT(*) FROM remember_tokens"), 0);
}

}  // namespace
}  // namespace twostep::account
