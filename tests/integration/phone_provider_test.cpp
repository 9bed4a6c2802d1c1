// The provider the server builds from its configuration (issue 6): the webhook keys are
// checked at start-up; a real `twostep serve` with phone_provider = "webhook" POSTs each
// sign-in code, signed with the shared secret, to an HTTPS receiver started by the test, and
// retries a gateway that is briefly down; a gateway that cannot take the message (refusing
// or unreachable) is reported to the caller as 503 delivery_failed and audited, never
// dropped silently.
#include <sys/stat.h>

#include <fstream>

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include "tests/integration/phone_support.hpp"
#include "tests/support/https_receiver.hpp"
#include "tests/unit/core/temp_dir.hpp"

namespace twostep::itest {
namespace {

using boost::json::object;
using testing::HttpsReceiver;

// The secret as the server reads it: the file's bytes without the trailing line break.
constexpr const char* kWebhookSecret = "a shared secret of enough bytes";

// A temporary directory with the webhook's secret file (mode 0600).
struct SecretDir {
  SecretDir() : secret(temp / "webhook.secret") {
    std::ofstream(secret) << kWebhookSecret << "\n";
    ::chmod(secret.c_str(), 0600);
  }
  testing::TempDir temp;
  const std::filesystem::path& dir = temp.path();
  std::filesystem::path secret;
};

// The config file of a server that sends through the webhook at `url`, trusting `ca_file`
// when one is given; short timeouts and backoff keep the failing cases fast.
std::string webhook_config(const std::string& url, const std::filesystem::path& secret,
                           const std::filesystem::path& ca_file = {}) {
  std::string toml = "phone_provider = \"webhook\"\nphone_webhook_url = \"" + url +
                     "\"\nphone_webhook_secret_file = \"" + secret.string() + "\"\n";
  if (!ca_file.empty()) toml += "phone_webhook_ca_file = \"" + ca_file.string() + "\"\n";
  return toml +
         "phone_webhook_timeout_ms = 2000\n"
         "phone_webhook_attempts = 3\n"
         "phone_webhook_backoff_ms = 10\n";
}

// A running server configured with `config_toml`, with the user bob (mobile kMobile) and an
// application to sign him in with.
class GatewayServer {
 public:
  explicit GatewayServer(const std::string& config_toml)
      : server_(options_with(config_toml)),
        http_(server_.client()),
        admin_{{"authorization", "Bearer " + server_.admin_token()}} {
    auto user =
        http_.post("/v1/users", object{{"username", "bob"}, {"display_name", "Bob"}}, admin_);
    EXPECT_EQ(user.status, 201u) << user.body;
    if (user.status != 201u) return;
    store_phone(server_, std::string(user.json.at("id").as_string()), "mobile", kMobile);
    auto app = http_.post("/v1/applications", object{{"name", "VPN"}}, admin_);
    EXPECT_EQ(app.status, 201u) << app.body;
    if (app.status != 201u) return;
    as_app_ = {{"authorization", "Bearer " + std::string(app.json.at("api_key").as_string())}};
  }

  bool ready() const { return server_.running() && !as_app_.empty(); }
  const testing::ServerProcess& process() const { return server_; }

  testing::Response send_sms() {
    return http_.post("/v1/auth/sms", object{{"username", "bob"}}, as_app_);
  }
  testing::Response check_code(const std::string& txid, const std::string& code) {
    return http_.post("/v1/auth/transactions/" + txid + "/code", object{{"code", code}}, as_app_);
  }
  /// The audit rows of bob with this type.
  boost::json::array audit(const std::string& type) {
    auto r = http_.get("/v1/audit?user=bob&type=" + type, admin_);
    EXPECT_EQ(r.status, 200u) << r.body;
    return r.status == 200u ? r.json.at("items").as_array() : boost::json::array{};
  }

 private:
  static testing::ServerProcessOptions options_with(const std::string& config_toml) {
    testing::ServerProcessOptions options;
    options.config_toml = config_toml;
    return options;
  }

  testing::ServerProcess server_;
  testing::HttpsClient http_;
  testing::Headers admin_;
  testing::Headers as_app_;
};

// A request header the gateway received, or "".
std::string header_of(const HttpsReceiver::Request& r, const std::string& name) {
  const auto it = r.headers.find(name);
  return it == r.headers.end() ? std::string() : it->second;
}

// Checks what the gateway received as a real gateway would (POST, JSON, the signature over
// the timestamp and body with the shared secret) and returns the parsed body.
object checked_message(const HttpsReceiver::Request& r) {
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.target, "/sms");
  EXPECT_EQ(header_of(r, "content-type"), "application/json");
  const std::string timestamp = header_of(r, "x-twostep-timestamp");
  EXPECT_FALSE(timestamp.empty());
  const std::string signature = header_of(r, "x-twostep-signature");
  EXPECT_EQ(signature, testing::expected_webhook_signature(kWebhookSecret, timestamp, r.body));
  EXPECT_NE(signature, testing::expected_webhook_signature("another secret of enough bytes",
                                                           timestamp, r.body));
  boost::system::error_code ec;
  auto body = boost::json::parse(r.body, ec);
  EXPECT_FALSE(ec) << r.body;
  if (ec || !body.is_object()) return {};
  const auto& message = body.as_object();
  EXPECT_EQ(message.at("channel"), "sms");
  EXPECT_EQ(message.at("to"), kMobile);
  EXPECT_EQ(message.at("purpose"), "sign_in");
  const std::string code(message.at("code").as_string());
  EXPECT_EQ(code.size(), 6u);
  EXPECT_NE(std::string(message.at("text").as_string()).find(code), std::string::npos);
  return message;
}

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
  GatewayServer server(webhook_config("https://127.0.0.1:1/sms", temp.secret));
  ASSERT_TRUE(server.ready());
  auto sent = server.send_sms();
  EXPECT_EQ(sent.status, 503u) << sent.body;
  EXPECT_EQ(sent.error_code(), "delivery_failed");
  EXPECT_FALSE(std::filesystem::exists(server.process().data_dir() / "outbox.jsonl"));
  EXPECT_EQ(server.audit("phone.delivery_failed").size(), 1u);
}

TEST(PhoneWebhook, SignedCodeReachesTheGatewayAndSignsTheUserIn) {
  SecretDir temp;
  HttpsReceiver gateway({200});
  GatewayServer server(webhook_config(gateway.url("/sms"), temp.secret, gateway.ca_file()));
  ASSERT_TRUE(server.ready());
  auto sent = server.send_sms();
  ASSERT_EQ(sent.status, 202u) << sent.body;
  const std::string txid(sent.json.at("txid").as_string());

  const auto requests = gateway.requests();
  ASSERT_EQ(requests.size(), 1u);
  const object message = checked_message(requests[0]);
  ASSERT_TRUE(message.contains("code"));
  EXPECT_FALSE(std::filesystem::exists(server.process().data_dir() / "outbox.jsonl"));

  auto checked = server.check_code(txid, std::string(message.at("code").as_string()));
  ASSERT_EQ(checked.status, 200u) << checked.body;
  EXPECT_EQ(checked.json.at("status"), "approved") << checked.body;
  EXPECT_TRUE(server.audit("phone.delivery_failed").empty());
}

TEST(PhoneWebhook, RetriesAGatewayThatIsBrieflyDown) {
  SecretDir temp;
  HttpsReceiver gateway({503, 503, 200});
  GatewayServer server(webhook_config(gateway.url("/sms"), temp.secret, gateway.ca_file()));
  ASSERT_TRUE(server.ready());
  auto sent = server.send_sms();
  ASSERT_EQ(sent.status, 202u) << sent.body;

  const auto requests = gateway.requests();
  ASSERT_EQ(requests.size(), 3u);  // two refused tries, then the one that was taken
  for (const auto& r : requests) {
    checked_message(r);
    EXPECT_EQ(r.body, requests[0].body);  // the same message each time
  }
  const object message = checked_message(requests.back());
  ASSERT_TRUE(message.contains("code"));
  auto checked = server.check_code(std::string(sent.json.at("txid").as_string()),
                                   std::string(message.at("code").as_string()));
  EXPECT_EQ(checked.json.at("status"), "approved") << checked.body;
  EXPECT_TRUE(server.audit("phone.delivery_failed").empty());
}

TEST(PhoneWebhook, AGatewayThatKeepsFailingIsReportedAndAudited) {
  SecretDir temp;
  HttpsReceiver gateway({500});
  GatewayServer server(webhook_config(gateway.url("/sms"), temp.secret, gateway.ca_file()));
  ASSERT_TRUE(server.ready());
  auto sent = server.send_sms();
  EXPECT_EQ(sent.status, 503u) << sent.body;
  EXPECT_EQ(sent.error_code(), "delivery_failed");
  const std::string correlation_id = sent.error_correlation_id();
  EXPECT_FALSE(correlation_id.empty());
  EXPECT_EQ(correlation_id, std::string(sent.header("x-correlation-id")));
  EXPECT_EQ(gateway.requests().size(), 3u);  // every configured try was made

  const auto rows = server.audit("phone.delivery_failed");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].at("correlation_id"), boost::json::value(correlation_id));
}

}  // namespace
}  // namespace twostep::itest
