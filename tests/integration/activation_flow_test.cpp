// QR activation over the real binary: the admin creates an activation, a phone posts the
// code with its key and becomes a device; used, expired and unknown codes, bad keys, and
// the rate limit on guessing.
#include "tests/integration/activation_fixture.hpp"

namespace twostep::testing {
namespace {

// RFC 3986 unreserved characters stay, everything else is %XX (upper case).
std::string percent_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string base_url(const ServerProcess& server) {
  return "https://127.0.0.1:" + std::to_string(server.port());
}

using ActivationFlow = ActivationItest;

TEST_F(ActivationFlow, AdminActivationThenPhoneActivates) {
  const std::string user_id = make_user("alice");
  auto activation = new_activation("alice");
  const std::string code = str(activation, "code");
  const std::string url = base_url(server()) + "/v1/activate";
  EXPECT_GE(code.size(), 19u) << "at least 112 bits of base64url";
  EXPECT_EQ(str(activation, "url"), url);
  EXPECT_EQ(str(activation, "activation_uri"),
            "twostep://activate?code=" + code + "&url=" + percent_encode(url));
  const std::string own =
      "/v1/users/" + user_id + "/authenticators/activations/" + str(activation, "activation_id");
  EXPECT_EQ(str(activation, "qr_png_url"), base_url(server()) + own + "/qr.png");
  EXPECT_EQ(str(activation, "qr_svg_url"), base_url(server()) + own + "/qr.svg");
  EXPECT_EQ(str(activation, "status_url"), base_url(server()) + own);
  EXPECT_FALSE(str(activation, "expires_at").empty());

  Response status = get(own);
  ASSERT_EQ(status.status, 200u) << status.body;
  EXPECT_EQ(str(status.json, "status"), "pending");

  Response r = activate(code);
  ASSERT_EQ(r.status, 201u) << r.body;
  const std::string device_id = str(r.json, "device_id");
  EXPECT_TRUE(device_id.starts_with("dev_")) << device_id;
  EXPECT_EQ(str(r.json.at("user"), "id"), user_id);
  EXPECT_EQ(str(r.json.at("user"), "username"), "alice");
  EXPECT_EQ(str(r.json.at("user"), "display_name"), "alice Example");
  const auto& totp = r.json.at("totp");
  EXPECT_EQ(str(totp, "algorithm"), "SHA1");
  EXPECT_EQ(totp.at("digits").as_int64(), 6);
  EXPECT_EQ(totp.at("period").as_int64(), 30);
  EXPECT_EQ(str(totp, "secret").size(), 32u) << "20 bytes in base32";
  EXPECT_EQ(str(r.json, "ws_url"),
            "wss://127.0.0.1:" + std::to_string(server().port()) + "/v1/device/ws");
  EXPECT_FALSE(str(r.json, "server_time").empty());

  status = get(own);
  EXPECT_EQ(str(status.json, "status"), "completed");
  EXPECT_EQ(str(status.json, "device_id"), device_id);

  auto device = listed_device("alice", device_id);
  ASSERT_TRUE(device.is_object());
  EXPECT_EQ(str(device, "status"), "active");
  EXPECT_EQ(str(device, "display_name"), "Pixel 8");
  EXPECT_EQ(str(device, "platform"), "android");
  EXPECT_EQ(str(device, "app_version"), "1.4.2");
  EXPECT_FALSE(device.as_object().contains("deactivated_reason"));
  EXPECT_EQ(device.at("capabilities"), (boost::json::array{"push", "totp"}));

  Response methods = get("/v1/users/alice/methods");
  ASSERT_EQ(methods.status, 200u) << methods.body;
  ASSERT_EQ(methods.json.at("authenticators").as_array().size(), 1u);
  EXPECT_EQ(str(methods.json.at("authenticators").at(0), "id"), device_id);
  EXPECT_EQ(methods.json.at("phones"), boost::json::array{});
  EXPECT_EQ(methods.json.at("app_passwords"), boost::json::array{});
  EXPECT_EQ(methods.json.at("trusted_browsers").at("count").as_int64(), 0);
  EXPECT_TRUE(methods.json.at("preferred_method").is_null());

  auto types = audit_types();
  EXPECT_NE(std::find(types.begin(), types.end(), "activation.created"), types.end());
  EXPECT_NE(std::find(types.begin(), types.end(), "device.activated"), types.end());
  EXPECT_FALSE(database_contains(code)) << "only the code's hash is stored";
}

TEST_F(ActivationFlow, ACodeWorksOnce) {
  make_user("alice");
  const std::string code = str(new_activation("alice"), "code");
  ASSERT_EQ(activate(code).status, 201u);
  EXPECT_TRUE(is_error(activate(code), 409, "activation_used"));
  Response list = get("/v1/users/alice/authenticators");
  EXPECT_EQ(list.json.at("items").as_array().size(), 1u);
}

TEST_F(ActivationFlow, AnExpiredCodeIsRefusedAndANewActivationReplacesIt) {
  make_user("alice");
  auto activation = new_activation("alice");
  const std::string id = str(activation, "activation_id");
  // Ten minutes cannot pass in a test: the row's expiry moves into the past instead.
  db_exec("UPDATE activations SET expires_at = " + std::to_string(unix_now() - 1) +
          " WHERE id = '" + id + "'");
  EXPECT_TRUE(is_error(activate(str(activation, "code")), 410, "activation_expired"));
  Response status = get("/v1/users/alice/authenticators/activations/" + id);
  EXPECT_EQ(str(status.json, "status"), "expired");
  EXPECT_TRUE(is_error(get("/v1/users/alice/authenticators/activations/" + id + "/qr.png"), 410,
                       "activation_expired"));

  EXPECT_EQ(activate(str(new_activation("alice"), "code")).status, 201u);
}

TEST_F(ActivationFlow, AnUnknownCodeIsNotFound) {
  make_user("alice");
  new_activation("alice");
  EXPECT_TRUE(is_error(activate("AAAAAAAAAAAAAAAAAAAAAA"), 404, "activation_not_found"));
}

TEST_F(ActivationFlow, BadKeysAreRefusedAndTheCodeStaysUsable) {
  make_user("alice");
  const std::string code = str(new_activation("alice"), "code");
  for (const std::string& key :
       {std::string("not base64url!"), std::string("AAAA"), new_public_key("P-384"),
        new_public_key("secp256k1"), new_public_key().substr(0, 60)}) {
    Response r = activate(code, key);
    EXPECT_TRUE(is_error(r, 400, "invalid_public_key")) << key;
  }
  EXPECT_TRUE(
      is_error(client().post("/v1/activate", {{"code", code}}), 400, "invalid_device_name"));
  EXPECT_EQ(get("/v1/users/alice/authenticators").json.at("items").as_array().size(), 0u);
  EXPECT_EQ(activate(code).status, 201u) << "the code survived the bad attempts";
}

TEST_F(ActivationFlow, GuessingIsRateLimitedAndFailuresCostMoreThanSuccesses) {
  make_user("alice");
  // Failed codes: the burst of ten tokens is gone after four (each failure costs three).
  unsigned refused_at = 0;
  Response refused;
  for (unsigned i = 1; i <= 10 && refused_at == 0; ++i) {
    Response r = activate("AAAAAAAAAAAAAAAAAAAAA" + std::to_string(i % 10));
    if (r.status == 429) {
      refused_at = i;
      refused = r;
    } else {
      EXPECT_TRUE(is_error(r, 404, "activation_not_found"));
    }
  }
  ASSERT_GE(refused_at, 4u);
  EXPECT_LE(refused_at, 6u);
  EXPECT_TRUE(is_error(refused, 429, "too_many_requests"));
  const int retry_after = std::stoi(std::string(refused.header("retry-after")));
  EXPECT_GE(retry_after, 1);
  EXPECT_LE(retry_after, 60);
  // The limit is per address, not per code: a real code from here waits too.
  EXPECT_TRUE(is_error(activate(str(new_activation("alice"), "code")), 429, "too_many_requests"));
}

TEST_F(ActivationFlow, RealActivationsFitInTheBurst) {
  make_user("alice");
  for (int i = 0; i < 10; ++i) {
    Response r = activate(str(new_activation("alice"), "code"));
    EXPECT_EQ(r.status, 201u) << i << " " << r.body;
  }
  // The bucket refills at one token per six seconds, so on a slow machine a token or two
  // may have come back meanwhile; the limit still arrives within a few more.
  bool limited = false;
  for (int i = 0; i < 3 && !limited; ++i) {
    limited = activate(str(new_activation("alice"), "code")).status == 429;
  }
  EXPECT_TRUE(limited);
}

TEST_F(ActivationFlow, ActivationsNeedAUsableUserAndAnAdmin) {
  EXPECT_TRUE(is_error(post("/v1/users/nobody/authenticators/activations", boost::json::object{}),
                       404, "user_not_found"));
  make_user("alice");
  EXPECT_TRUE(
      is_error(client().post("/v1/users/alice/authenticators/activations", boost::json::object{}),
               401, "unauthenticated"));
  EXPECT_TRUE(is_error(
      post("/v1/users/alice/authenticators/activations", {{"replace_device_id", "dev_nothing"}}),
      404, "device_not_found"));
  EXPECT_TRUE(is_error(post("/v1/users/alice/authenticators/activations", {{"surprise", 1}}), 400,
                       "unknown_field"));
  // An empty body is the same as {}.
  EXPECT_EQ(post_empty("/v1/users/alice/authenticators/activations").status, 201u);

  ASSERT_EQ(patch("/v1/users/alice", {{"status", "disabled"}}).status, 200u);
  EXPECT_TRUE(is_error(post("/v1/users/alice/authenticators/activations", boost::json::object{}),
                       403, "user_disabled"));
}

}  // namespace
}  // namespace twostep::testing
