#include "account/registration.hpp"

#include <gtest/gtest.h>

#include "account/settings.hpp"
#include "core/crypto.hpp"
#include "core/encoding.hpp"
#include "fixture.hpp"

namespace twostep::account {
namespace {

class Registration : public testing::AccountTest {
 protected:
  CreatedUser create(const std::string& username) {
    auto created = write([&](store::Tx& tx) {
      return create_user(tx, env_, who_, {username, "Someone", std::nullopt, Role::kUser});
    });
    EXPECT_TRUE(created);
    return *created;
  }
  core::Result<User> check(const std::string& token) {
    return read([&](store::Tx& tx) { return check_registration_token(tx, clock_, token); });
  }
  core::Result<User> consume(const std::string& token) {
    return write([&](store::Tx& tx) { return consume_registration_token(tx, env_, who_, token); });
  }
};

TEST(RegistrationUrl, PutsTheTokenInTheFragment) {
  EXPECT_EQ(registration_url("https://mfa.example.com", "abc"),
            "https://mfa.example.com/register#token=abc");
}

TEST_F(Registration, TokenHas128BitsAndIsStoredOnlyHashed) {
  auto created = create("alice");
  auto raw = core::base64url_decode(created.registration.token);
  ASSERT_TRUE(raw);
  EXPECT_EQ(raw->size(), 16u);
  auto stored = read([&](store::Tx& tx) {
    return tx.query_one("SELECT registration_token_hash FROM users")->text(0);
  });
  EXPECT_EQ(stored, core::sha256_hex(created.registration.token));
  EXPECT_EQ(count("SELECT COUNT(*) FROM users WHERE registration_token_hash = '" +
                  created.registration.token + "'"),
            0);
}

TEST_F(Registration, CheckFindsTheUserUntilExpiry) {
  auto created = create("bob");
  auto found = check(created.registration.token);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->id, created.user.id);
  clock_.advance(std::chrono::days(7) - std::chrono::seconds(1));
  EXPECT_TRUE(check(created.registration.token));
  clock_.advance(std::chrono::seconds(1));
  auto expired = check(created.registration.token);
  ASSERT_FALSE(expired);
  EXPECT_EQ(expired.error().kind, core::ErrorKind::kGone);
  EXPECT_EQ(expired.error().code, "registration_expired");
  EXPECT_EQ(check("not-a-token").error().code, "registration_not_found");
}

TEST_F(Registration, ReissueKillsTheOldLinkAndUsesTheSetting) {
  auto created = create("carol");
  ASSERT_TRUE(write([&](store::Tx& tx) {
    return update_settings(tx, clock_, who_, {{"registration_link_days", 2}});
  }));
  clock_.advance(std::chrono::days(30));  // the first link has expired meanwhile
  auto link =
      write([&](store::Tx& tx) { return reissue_registration_link(tx, env_, who_, "carol"); });
  ASSERT_TRUE(link);
  EXPECT_NE(link->token, created.registration.token);
  EXPECT_EQ(link->expires_at, clock_.now() + std::chrono::days(2));
  EXPECT_EQ(check(created.registration.token).error().code, "registration_not_found");
  EXPECT_TRUE(check(link->token));
  EXPECT_EQ(audit_rows("user.registration_link_issued"), 1);
  auto missing =
      write([&](store::Tx& tx) { return reissue_registration_link(tx, env_, who_, "nobody"); });
  EXPECT_EQ(missing.error().code, "user_not_found");
}

TEST_F(Registration, ConsumeWorksOnce) {
  auto created = create("dave");
  auto used = consume(created.registration.token);
  ASSERT_TRUE(used);
  EXPECT_FALSE(used->registration_pending());
  EXPECT_EQ(consume(created.registration.token).error().code, "registration_not_found");
  EXPECT_EQ(audit_rows("user.registration_link_used"), 1);
}

TEST_F(Registration, ExpiredLinkCannotBeConsumed) {
  auto created = create("erin");
  clock_.advance(std::chrono::days(8));
  EXPECT_EQ(consume(created.registration.token).error().code, "registration_expired");
  EXPECT_EQ(audit_rows("user.registration_link_used"), 0);
}

}  // namespace
}  // namespace twostep::account
