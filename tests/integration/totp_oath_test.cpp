// Software OATH tokens (third-party authenticator apps) through the admin API over the real
// binary: the otpauth URI and its QR, pending until a first code from oathtool proves it,
// then a TOTP method like any other, and gone when deleted.
#include "tests/integration/activation_fixture.hpp"

namespace twostep::testing {
namespace {

std::string path_of(const std::string& url) {
  const auto at = url.find("/v1/");
  return at == std::string::npos ? url : url.substr(at);
}

using OathTokens = ActivationItest;

TEST_F(OathTokens, PendingUntilProvedThenATotpMethod) {
  const std::string user_id = make_user("alice");
  Response created = post("/v1/users/alice/oath-tokens", {{"display_name", "1Password"}});
  ASSERT_EQ(created.status, 201u) << created.body;
  const std::string id = str(created.json, "id");
  const std::string secret = str(created.json, "secret");
  const std::string uri = str(created.json, "otpauth_uri");
  EXPECT_EQ(str(created.json, "status"), "pending");
  EXPECT_EQ(str(created.json, "display_name"), "1Password");
  EXPECT_TRUE(uri.starts_with("otpauth://totp/twostep:alice?")) << uri;
  EXPECT_NE(uri.find("secret=" + secret), std::string::npos);
  EXPECT_NE(uri.find("issuer=twostep"), std::string::npos);
  EXPECT_EQ(str(created.json, "qr_png_url"),
            "https://127.0.0.1:" + std::to_string(server().port()) + "/v1/users/" + user_id +
                "/oath-tokens/" + id + "/qr.png");

  Response png = get(path_of(str(created.json, "qr_png_url")));
  ASSERT_EQ(png.status, 200u) << png.body;
  EXPECT_EQ(png.header("content-type"), "image/png");
  EXPECT_EQ(zbar_decode(png.body, ".png"), uri);
  EXPECT_EQ(get(path_of(str(created.json, "qr_svg_url"))).header("content-type"), "image/svg+xml");

  // Pending: it signs nobody in yet.
  EXPECT_EQ(verdict("alice", oathtool_code(secret)), "denied:invalid_code");
  auto methods = get("/v1/users/alice/methods").json;
  ASSERT_EQ(methods.at("oath_tokens").as_array().size(), 1u);
  EXPECT_EQ(str(methods.at("oath_tokens").at(0), "status"), "pending");

  // A wrong first code changes nothing; the right one proves it.
  EXPECT_TRUE(is_error(post("/v1/users/alice/oath-tokens/" + id + "/verify", {{"code", "000000"}}),
                       400, "invalid_code"));
  const std::string first = oathtool_code(secret);
  Response proved = post("/v1/users/alice/oath-tokens/" + id + "/verify", {{"code", first}});
  ASSERT_EQ(proved.status, 200u) << proved.body;
  EXPECT_EQ(str(proved.json, "status"), "active");
  EXPECT_TRUE(is_error(post("/v1/users/alice/oath-tokens/" + id + "/verify", {{"code", first}}),
                       409, "oath_token_active"));
  // An active token's secret is never shown again.
  EXPECT_TRUE(is_error(get(path_of(str(created.json, "qr_png_url"))), 409, "oath_token_active"));

  // The proving code is spent; the following step's code signs in, once.
  EXPECT_EQ(verdict("alice", first), "denied:replayed_code");
  const std::string next = oathtool_code(secret, 30);
  EXPECT_EQ(verdict("alice", next), "approved");
  EXPECT_EQ(verdict("alice", next), "denied:replayed_code");

  // Deleted: its codes stop working.
  Response deleted = del("/v1/users/alice/oath-tokens/" + id);
  EXPECT_EQ(deleted.status, 204u) << deleted.body;
  EXPECT_EQ(verdict("alice", oathtool_code(secret, -30)), "denied:invalid_code");
  EXPECT_TRUE(is_error(del("/v1/users/alice/oath-tokens/" + id), 404, "oath_token_not_found"));
  EXPECT_EQ(get("/v1/users/alice/methods").json.at("oath_tokens").as_array().size(), 0u);
  EXPECT_FALSE(database_contains(secret)) << "secrets are sealed at rest";
}

TEST_F(OathTokens, BadRequestsAndOtherUsers) {
  make_user("alice");
  make_user("bob");
  EXPECT_TRUE(is_error(post("/v1/users/alice/oath-tokens", boost::json::object{}), 400,
                       "invalid_display_name"));
  EXPECT_TRUE(is_error(post("/v1/users/nobody/oath-tokens", {{"display_name", "x"}}), 404,
                       "user_not_found"));
  Response created = post("/v1/users/alice/oath-tokens", {{"display_name", "FreeOTP"}});
  ASSERT_EQ(created.status, 201u);
  const std::string id = str(created.json, "id");
  // Bob's path does not reach Alice's token.
  EXPECT_TRUE(
      is_error(get("/v1/users/bob/oath-tokens/" + id + "/qr.png"), 404, "oath_token_not_found"));
  EXPECT_TRUE(is_error(del("/v1/users/bob/oath-tokens/" + id), 404, "oath_token_not_found"));
  EXPECT_TRUE(is_error(client().post("/v1/users/alice/oath-tokens", {{"display_name", "x"}}), 401,
                       "unauthenticated"));
}

}  // namespace
}  // namespace twostep::testing
