// The provider the server builds from its configuration (issue 6): the webhook keys are
// checked at start-up, and a gateway that cannot be reached is reported to the caller as
// 503 delivery_failed and audited, never dropped silently.
#include <sys/stat.h>

#include <fstream>

#include <gtest/gtest.h>

#include "tests/integration/phone_support.hpp"

namespace twostep::itest {
namespace {

using boost::json::object;

// A temporary directory with the webhook's secret file (mode 0600).
struct SecretDir {
  SecretDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "twostep-webhook-XXXXXX").string();
    dir = ::mkdtemp(pattern.data());
    secret = dir / "webhook.secret";
    std::ofstream(secret) << "a shared secret of enough bytes\n";
    ::chmod(secret.c_str(), 0600);
  }
  ~SecretDir() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  std::filesystem::path dir;
  std::filesystem::path secret;
};

TEST(PhoneProviderConfig, WebhookWithoutUrlStopsTheServerAtStartUp) {
  SecretDir temp;
  const auto config = temp.dir / "twostep.toml";
  std::ofstream(config) << "phone_provider = \"webhook\"\n";
  const auto result =
      testing::run_twostep({"serve", "--config", config.string(), "--data-dir",
                            (temp.dir / "data").string(), "--listen", "127.0.0.1:0"},
                           std::chrono::seconds(30));
  EXPECT_NE(result.status, 0);
  EXPECT_NE((result.err + result.out).find("phone_webhook_url"), std::string::npos)
      << result.err << result.out;
}

TEST(PhoneProviderConfig, UnreachableGatewayIsReportedAsDeliveryFailed) {
  SecretDir temp;
  testing::ServerProcessOptions options;
  options.config_toml =
      "phone_provider = \"webhook\"\n"
      "phone_webhook_url = \"https://127.0.0.1:1/sms\"\n"
      "phone_webhook_secret_file = \"" +
      temp.secret.string() +
      "\"\n"
      "phone_webhook_timeout_ms = 500\n"
      "phone_webhook_attempts = 2\n"
      "phone_webhook_backoff_ms = 10\n";
  testing::ServerProcess gateway_server(options);
  ASSERT_TRUE(gateway_server.running());
  testing::HttpsClient http = gateway_server.client();
  const testing::Headers admin{{"authorization", "Bearer " + gateway_server.admin_token()}};
  auto user = http.post("/v1/users", object{{"username", "bob"}, {"display_name", "Bob"}}, admin);
  ASSERT_EQ(user.status, 201u) << user.body;
  store_phone(gateway_server, std::string(user.json.at("id").as_string()), "mobile", kMobile);
  auto app = http.post("/v1/applications", object{{"name", "VPN"}}, admin);
  ASSERT_EQ(app.status, 201u) << app.body;
  const testing::Headers as_app{
      {"authorization", "Bearer " + std::string(app.json.at("api_key").as_string())}};

  auto sent = http.post("/v1/auth/sms", object{{"username", "bob"}}, as_app);
  EXPECT_EQ(sent.status, 503u) << sent.body;
  EXPECT_EQ(sent.error_code(), "delivery_failed");
  EXPECT_FALSE(std::filesystem::exists(gateway_server.data_dir() / "outbox.jsonl"));
  auto audit = http.get("/v1/audit?user=bob&type=phone.delivery_failed", admin);
  ASSERT_EQ(audit.status, 200u) << audit.body;
  EXPECT_EQ(audit.json.at("items").as_array().size(), 1u);
}

}  // namespace
}  // namespace twostep::itest
