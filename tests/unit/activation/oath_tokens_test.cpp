#include "activation/oath_tokens.hpp"

#include <gtest/gtest.h>

#include "tests/unit/activation/activation_fixture.hpp"
#include "totp/otpauth.hpp"

namespace twostep::activation {
namespace {

using std::chrono::seconds;

class OathTokens : public ActivationTest {
 protected:
  core::Result<NewOathToken> create_token(const std::string& user, const std::string& name) {
    return store_->write([&](store::Tx& tx) {
      return create_oath_token(tx, clock_, random_, sealer_, who_, user, name, "Acme Corp");
    });
  }
  core::Result<OathToken> prove(const std::string& user, const std::string& id,
                                const std::string& code) {
    return store_->write([&](store::Tx& tx) {
      return verify_oath_token(tx, clock_, sealer_, who_, user, id, code, 1);
    });
  }
  std::vector<OathToken> list(const std::string& user) {
    return store_->read([&](store::Tx& tx) { return list_oath_tokens(tx, user); });
  }
};

TEST_F(OathTokens, CreatesAPendingTokenWithAStandardUri) {
  const std::string user = add_user("Zoë Müller");
  auto token = create_token(user, "Google Authenticator");
  ASSERT_TRUE(token.has_value()) << token.error().code;
  EXPECT_EQ(token->token.status, "pending");
  EXPECT_EQ(token->token.display_name, "Google Authenticator");
  EXPECT_EQ(token->token.params, totp::Params{});
  EXPECT_EQ(core::base32_decode(token->secret_base32)->size(), 20u);

  auto parsed = totp::parse_otpauth_uri(token->otpauth_uri);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->issuer, "Acme Corp");
  EXPECT_EQ(parsed->account, "Zoë Müller");
  EXPECT_EQ(core::base32_encode(parsed->secret.view()), token->secret_base32);
  EXPECT_EQ(audit_count("oath_token.created"), 1);
}

TEST_F(OathTokens, FirstValidCodeActivatesItOnce) {
  const std::string user = add_user("alice");
  auto token = create_token(user, "FreeOTP");
  const std::string code = code_for(token->secret_base32);
  auto proved = prove(user, token->token.id, code);
  ASSERT_TRUE(proved.has_value()) << proved.error().code;
  EXPECT_EQ(proved->status, "active");
  EXPECT_EQ(proved->activated_at, clock_.now());
  EXPECT_EQ(list(user)[0].status, "active");
  auto again = prove(user, token->token.id, code_for(token->secret_base32, {}, 1));
  EXPECT_EQ(again.error().code, "oath_token_active");
  EXPECT_EQ(audit_count("oath_token.activated"), 1);
}

TEST_F(OathTokens, WrongCodeLeavesItPending) {
  const std::string user = add_user("alice");
  auto token = create_token(user, "FreeOTP");
  std::string wrong = code_for(token->secret_base32) == "000000" ? "111111" : "000000";
  auto r = prove(user, token->token.id, wrong);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, "invalid_code");
  EXPECT_EQ(r.error().kind, core::ErrorKind::kInvalidInput);
  EXPECT_EQ(list(user)[0].status, "pending");
  EXPECT_TRUE(prove(user, token->token.id, code_for(token->secret_base32)).has_value());
}

TEST_F(OathTokens, OtherUsersTokensAreNotFound) {
  const std::string alice = add_user("alice");
  const std::string bob = add_user("bob");
  auto token = create_token(alice, "FreeOTP");
  EXPECT_EQ(prove(bob, token->token.id, code_for(token->secret_base32)).error().code,
            "oath_token_not_found");
  auto del = store_->write(
      [&](store::Tx& tx) { return delete_oath_token(tx, clock_, who_, bob, token->token.id); });
  EXPECT_EQ(del.error().code, "oath_token_not_found");
}

TEST_F(OathTokens, DeleteWipesTheSecret) {
  const std::string user = add_user("alice");
  auto token = create_token(user, "FreeOTP");
  ASSERT_TRUE(store_->write(
      [&](store::Tx& tx) { return delete_oath_token(tx, clock_, who_, user, token->token.id); }));
  EXPECT_EQ(count("SELECT COUNT(*) FROM totp_credentials WHERE id = ? AND status = 'deleted' "
                  "AND secret_sealed IS NULL",
                  {token->token.id}),
            1);
  EXPECT_TRUE(list(user).empty());
  EXPECT_EQ(prove(user, token->token.id, code_for(token->secret_base32)).error().code,
            "oath_token_not_found");
  EXPECT_EQ(audit_count("oath_token.deleted"), 1);
}

TEST_F(OathTokens, UriIsShownAgainOnlyWhilePending) {
  const std::string user = add_user("alice");
  auto token = create_token(user, "FreeOTP");
  auto uri = [&] {
    return store_->read([&](store::Tx& tx) {
      return oath_token_uri(tx, sealer_, user, token->token.id, "Acme Corp");
    });
  };
  EXPECT_EQ(*uri(), token->otpauth_uri);
  ASSERT_TRUE(prove(user, token->token.id, code_for(token->secret_base32)));
  EXPECT_EQ(uri().error().code, "oath_token_active");
}

TEST_F(OathTokens, ChecksNameAndCap) {
  const std::string user = add_user("alice");
  EXPECT_EQ(create_token(user, "").error().code, "invalid_display_name");
  EXPECT_EQ(create_token(user, "tab\there").error().code, "invalid_display_name");
  for (int i = 0; i < kMaxOathTokens; ++i) {
    ASSERT_TRUE(create_token(user, "token " + std::to_string(i)).has_value());
  }
  EXPECT_EQ(create_token(user, "one more").error().code, "too_many_oath_tokens");
  EXPECT_EQ(list(user).size(), static_cast<std::size_t>(kMaxOathTokens));
  EXPECT_EQ(create_token("nobody", "x").error().code, "user_not_found");
}

}  // namespace
}  // namespace twostep::activation
