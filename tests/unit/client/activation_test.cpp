#include "client/activation.hpp"

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/json.hpp>

#include "client/tls.hpp"
#include "core/crypto.hpp"
#include "tests/unit/client/test_server.hpp"

namespace twostep::client {
namespace {

namespace json = boost::json;
using testing::run_until;

class ActivationTest : public ::testing::Test {
 protected:
  // Activates against the test server with `tls`, running the test's io_context.
  core::Result<DeviceState> activate(TlsOptions tls) {
    ActivationRequest request{
        ActivationUri{"code-123", parse_url(server_.https_url("/v1/activate")).value()},
        DeviceInfo{"Test phone", "linux", "9.9"}, tls};
    auto context = make_tls_context(tls);
    EXPECT_TRUE(context.has_value());
    std::optional<core::Result<DeviceState>> outcome;
    boost::asio::co_spawn(
        io_, activate_device(**context, request),
        [&](std::exception_ptr, core::Result<DeviceState> result) { outcome = std::move(result); });
    EXPECT_TRUE(run_until(io_, [&] { return outcome.has_value(); }));
    return outcome.value_or(core::fail(core::ErrorKind::kInternal, "timeout", "no answer"));
  }

  // A server that checks the request the way POST /v1/activate does and answers per API.md.
  void serve_activation() {
    server_.http = [this](const std::string& method, const std::string& target,
                          const std::string& body) -> testing::TestServer::HttpReply {
      requests_.push_back(body);
      if (method != "POST" || target != "/v1/activate") return {404, "{}"};
      const auto request = json::parse(body).as_object();
      const auto der = core::base64url_decode(request.at("public_key").as_string());
      if (!der || !core::parse_p256_public_key(*der)) {
        return {400, R"({"error":{"code":"invalid_public_key","message":"bad key"}})"};
      }
      return {201, testing::activation_response(server_.ws_url())};
    };
  }

  boost::asio::io_context io_;
  testing::TestCertificate certificate_ = testing::make_certificate({"localhost"}, {"127.0.0.1"});
  testing::TestServer server_{io_, certificate_};
  std::vector<std::string> requests_;
};

TEST_F(ActivationTest, PostsTheCodeAndKeyAndBuildsTheState) {
  serve_activation();
  auto state = activate(TlsOptions{true, "", ""});
  ASSERT_TRUE(state.has_value()) << state.error().message;
  ASSERT_EQ(requests_.size(), 1u);
  const auto request = json::parse(requests_[0]).as_object();
  EXPECT_EQ(request.at("code"), "code-123");
  EXPECT_EQ(request.at("device_name"), "Test phone");
  EXPECT_EQ(request.at("platform"), "linux");
  EXPECT_EQ(request.at("app_version"), "9.9");

  EXPECT_EQ(state->device_id, "dev_new");
  EXPECT_EQ(state->user.username, "alice");
  EXPECT_EQ(state->ws_url, server_.ws_url());
  EXPECT_EQ(state->server_url, "https://127.0.0.1:" + std::to_string(server_.port()));
  EXPECT_EQ(state->totp_secret.unsafe_string_view(), "12345678901234567890");
  EXPECT_EQ(state->totp, totp::Params{});
  EXPECT_EQ(state->activated_at, "2026-11-28T00:00:00Z");
  // The key in the state is the one whose public half was sent.
  auto key = DeviceKey::from_pem(state->private_key_pem.unsafe_string_view());
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(key->public_key_base64url(), request.at("public_key").as_string());
  // --insecure pins the key the server showed (trust on first use).
  EXPECT_TRUE(state->tls.insecure);
  EXPECT_EQ(state->tls.pin_sha256, certificate_.pin);
}

TEST_F(ActivationTest, ServerErrorsKeepTheirCodeAndCorrelationId) {
  server_.http = [](const std::string&, const std::string&, const std::string&) {
    return testing::TestServer::HttpReply{
        409,
        R"({"error":{"code":"activation_used","message":"already used","correlation_id":"c"}})"};
  };
  auto state = activate(TlsOptions{true, "", ""});
  ASSERT_FALSE(state.has_value());
  EXPECT_EQ(state.error().code, "activation_used");
  EXPECT_EQ(state.error().kind, core::ErrorKind::kConflict);
  EXPECT_NE(state.error().message.find("test-correlation"), std::string::npos);
}

TEST_F(ActivationTest, MalformedAnswersAreRejected) {
  server_.http = [](const std::string&, const std::string&, const std::string&) {
    return testing::TestServer::HttpReply{201, R"({"device_id":"d","ws_url":"http://x"})"};
  };
  auto state = activate(TlsOptions{true, "", ""});
  ASSERT_FALSE(state.has_value());
  EXPECT_EQ(state.error().code, "invalid_activation_response");
}

TEST_F(ActivationTest, UntrustedCertificateFailsWithoutInsecure) {
  serve_activation();
  auto state = activate(TlsOptions{});
  ASSERT_FALSE(state.has_value());
  EXPECT_EQ(state.error().code, "tls_failed");
  EXPECT_TRUE(requests_.empty());
}

TEST(ActivationResponse, ErrorFromAnUnshapedBodyNamesTheStatus) {
  HttpsResponse response{502, "<html>", "", "", ""};
  const core::Error error = error_from_response(response);
  EXPECT_EQ(error.code, "http_502");
  HttpsResponse limited{429, R"({"error":{"code":"rate_limited","message":"slow down"}})", "id1",
                        "7", ""};
  const core::Error rate = error_from_response(limited);
  EXPECT_EQ(rate.kind, core::ErrorKind::kRateLimited);
  EXPECT_EQ(rate.retry_after, std::chrono::seconds(7));
  EXPECT_NE(rate.message.find("id1"), std::string::npos);
}

}  // namespace
}  // namespace twostep::client
