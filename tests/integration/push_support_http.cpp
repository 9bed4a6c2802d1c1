// Admin and application helpers over the harness's HTTPS client.
#include <stdexcept>
#include <thread>

#include <boost/json/serialize.hpp>

#include "core/clock.hpp"
#include "core/random.hpp"
#include "push/push_service.hpp"
#include "push_support.hpp"
#include "store/store.hpp"

namespace twostep::itest {

namespace json = boost::json;

namespace {

testing::ClientOptions long_poll_client() {
  testing::ClientOptions options;
  options.timeout = std::chrono::milliseconds(60000);  // longer than any long poll (30 s)
  return options;
}

}  // namespace

std::string Response::str(std::string_view key) const {
  if (!json.is_object()) return {};
  const auto* v = json.get_object().if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::string Response::error_code() const {
  if (!json.is_object()) return {};
  const auto* error = json.get_object().if_contains("error");
  if (error == nullptr || !error->is_object()) return {};
  const auto* code = error->get_object().if_contains("code");
  return code != nullptr && code->is_string() ? std::string(code->get_string()) : std::string();
}

Api::Api(std::uint16_t port) : http_(port, long_poll_client()) {}

Response Api::request(const std::string& method, const std::string& target,
                      const std::string& bearer, const std::string& body) {
  testing::Headers headers;
  if (!bearer.empty()) headers.emplace_back("authorization", "Bearer " + bearer);
  testing::Response r =
      http_.request(method, target, body, body.empty() ? "" : "application/json", headers);
  return Response{r.status, std::move(r.json), std::move(r.body),
                  std::string(r.header("retry-after"))};
}

Admin::Admin(std::uint16_t port, std::string token)
    : port_(port), token_(std::move(token)), api_(port) {}

Response Admin::call(const std::string& method, const std::string& target,
                     const std::string& body) {
  return api_.request(method, target, token_, body);
}

std::string Admin::create_user(const std::string& username) {
  auto r = call("POST", "/v1/users",
                json::serialize(json::object{{"username", username}, {"display_name", username}}));
  if (r.status != 201) throw std::runtime_error("create user: " + r.body);
  return r.str("id");
}

std::string Admin::create_application(const std::string& name) {
  auto r = call("POST", "/v1/applications", json::serialize(json::object{{"name", name}}));
  if (r.status != 201) throw std::runtime_error("create application: " + r.body);
  return r.str("api_key");
}

TestDevice Admin::activate_device(const std::string& user, const std::string& name,
                                  bool wait_when_limited) {
  std::string unused;
  return activate_device(user, unused, name, wait_when_limited);
}

TestDevice Admin::activate_device(const std::string& user, std::string& totp_secret,
                                  const std::string& name, bool wait_when_limited) {
  auto activation = call("POST", "/v1/users/" + user + "/authenticators/activations", "{}");
  if (activation.status != 201) throw std::runtime_error("activation: " + activation.body);
  auto key = client::DeviceKey::generate();
  if (!key) throw std::runtime_error("key generation failed");
  auto shared = std::make_shared<client::DeviceKey>(std::move(*key));
  const json::object body{{"code", activation.str("code")},
                          {"device_name", name},
                          {"platform", "itest"},
                          {"app_version", "1.0"},
                          {"public_key", shared->public_key_base64url()}};
  auto activated = api_.request("POST", "/v1/activate", {}, json::serialize(body));
  while (wait_when_limited && activated.status == 429) {
    std::this_thread::sleep_for(std::chrono::seconds(std::stoi(activated.retry_after)));
    activated = api_.request("POST", "/v1/activate", {}, json::serialize(body));
  }
  if (activated.status != 201) throw std::runtime_error("activate: " + activated.body);
  const auto* totp =
      activated.json.is_object() ? activated.json.as_object().if_contains("totp") : nullptr;
  const auto* secret =
      totp && totp->is_object() ? totp->as_object().if_contains("secret") : nullptr;
  totp_secret = secret && secret->is_string() ? std::string(secret->as_string()) : "";
  return TestDevice(port_, activated.str("device_id"), std::move(shared));
}

void Admin::patch_settings(const std::string& json_text) {
  auto r = call("PATCH", "/v1/settings", json_text);
  if (r.status != 200) throw std::runtime_error("settings: " + r.body);
}

Application::Application(std::uint16_t port, std::string api_key)
    : key_(std::move(api_key)), api_(port) {}

Response Application::push(const std::string& username) {
  const json::object body{
      {"username", username},
      {"context", {{"ip", "203.0.113.7"}, {"location", "Lisbon, PT"}, {"browser", "Firefox 128"}}}};
  return api_.request("POST", "/v1/auth/push", key_, json::serialize(body));
}

Response Application::status(const std::string& txid, int wait_seconds) {
  return api_.request(
      "GET", "/v1/auth/transactions/" + txid + "?wait=" + std::to_string(wait_seconds), key_);
}

void queue_device_added_notice(const testing::ServerProcess& server, const std::string& user_id,
                               const std::string& subject_device_id,
                               const std::string& device_name) {
  auto store = store::open_store(server.db_url());
  core::SystemClock clock;
  core::SystemRandom random;
  const push::NoticeRequest request{
      user_id,
      push::NoticeEvent::kDeviceAdded,
      {{"device_id", subject_device_id}, {"device_name", device_name}},
      subject_device_id,
      subject_device_id};
  store->run(store::TxMode::kWrite, [&](store::Tx& tx) {
    push::queue_notice(tx, clock, random, request);
    return true;
  });
}

testing::ServerProcessOptions server_options(const std::vector<std::string>& allowed_origins) {
  std::string origins;
  for (const auto& origin : allowed_origins) {
    origins += (origins.empty() ? "\"" : ", \"") + origin + "\"";
  }
  testing::ServerProcessOptions options;
  options.config_toml = "allowed_origins = [" + origins + "]\n";
  return options;
}

}  // namespace twostep::itest
