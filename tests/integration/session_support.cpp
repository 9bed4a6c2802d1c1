#include "tests/integration/session_support.hpp"

#include <stdexcept>

#include <boost/json.hpp>

#include "core/encoding.hpp"
#include "tests/integration/activation_fixture.hpp"
#include "totp/otp.hpp"

namespace twostep::itest {
namespace {

namespace json = boost::json;

std::string json_str(const json::value& v, std::string_view key) {
  if (!v.is_object()) return {};
  const auto* field = v.get_object().if_contains(key);
  return field != nullptr && field->is_string() ? std::string(field->get_string()) : "";
}

std::string query_value(std::string_view uri, std::string_view key) {
  const std::string needle = std::string(key) + "=";
  auto start = uri.find(needle);
  if (start == std::string_view::npos) return {};
  start += needle.size();
  return std::string(uri.substr(start, uri.find('&', start) - start));
}

}  // namespace

std::string set_cookie_header(const testing::Response& response, std::string_view name) {
  const std::string prefix = std::string(name) + "=";
  for (const auto& [header, value] : response.headers) {
    if (header == "set-cookie" && value.starts_with(prefix)) return value;
  }
  return {};
}

std::optional<std::string> set_cookie_value(const testing::Response& response,
                                            std::string_view name) {
  const std::string header = set_cookie_header(response, name);
  if (header.empty()) return std::nullopt;
  const std::size_t start = name.size() + 1;
  return header.substr(start, header.find(';') - start);
}

testing::Headers WebSession::read_headers() const {
  return {{"cookie", std::string(kSessionCookie) + "=" + token}};
}

testing::Headers WebSession::write_headers() const {
  auto headers = read_headers();
  headers.emplace_back("x-csrf-token", csrf);
  return headers;
}

SignIn sign_in(testing::HttpsClient& http, const std::string& username, const std::string& password,
               const std::string& remember_cookie) {
  testing::Headers headers;
  if (!remember_cookie.empty()) {
    headers.emplace_back("cookie", std::string(kRememberCookie) + "=" + remember_cookie);
  }
  SignIn out;
  out.response = http.post("/v1/session",
                           json::object{{"username", username}, {"password", password}}, headers);
  if (out.response.status == 200) {
    out.session.token = set_cookie_value(out.response, kSessionCookie).value_or("");
    out.session.csrf = json_str(out.response.json, "csrf_token");
    out.session.stage = json_str(out.response.json, "stage");
  }
  return out;
}

std::string totp_code(const std::string& base32_secret, int offset_seconds) {
  auto secret = core::base32_decode(base32_secret);
  if (!secret) throw std::runtime_error("bad base32 secret");
  auto code = totp::totp_code(*secret, totp::Params{}, testing::unix_now() + offset_seconds);
  if (!code) throw std::runtime_error("totp_code failed");
  return *code;
}

WebSession sign_in_with_totp(testing::HttpsClient& http, const std::string& username,
                             const std::string& password, const std::string& base32_secret) {
  SignIn first = sign_in(http, username, password);
  if (first.response.status != 200 || first.session.stage != "mfa") {
    throw std::runtime_error("sign-in: " + first.response.body);
  }
  auto verified = http.post("/v1/session/verify",
                            json::object{{"method", "totp"}, {"code", totp_code(base32_secret)}},
                            first.session.write_headers());
  if (verified.status != 200) throw std::runtime_error("verify: " + verified.body);
  first.session.stage = json_str(verified.json, "stage");
  return first.session;
}

Phone activate_phone_by_qr(testing::HttpsClient& http, const std::string& create_path,
                           const testing::Headers& write_headers,
                           const testing::Headers& read_headers) {
  auto created = http.post(create_path, json::object{}, write_headers);
  if (created.status != 201) throw std::runtime_error("activation: " + created.body);
  const std::string qr_url = json_str(created.json, "qr_png_url");
  auto qr = http.get(qr_url.substr(qr_url.find("/v1/")), read_headers);
  if (qr.status != 200) throw std::runtime_error("qr: " + qr.body);
  const std::string uri = testing::zbar_decode(qr.body, ".png");
  if (uri != json_str(created.json, "activation_uri")) throw std::runtime_error("qr: " + uri);
  auto key = client::DeviceKey::generate();
  if (!key) throw std::runtime_error("key generation failed");
  Phone phone;
  phone.key = std::make_shared<client::DeviceKey>(std::move(*key));
  auto activated =
      http.post("/v1/activate", json::object{{"code", query_value(uri, "code")},
                                             {"device_name", "Session test phone"},
                                             {"platform", "itest"},
                                             {"app_version", "1.0"},
                                             {"public_key", phone.key->public_key_base64url()}});
  if (activated.status != 201) throw std::runtime_error("activate: " + activated.body);
  phone.device_id = json_str(activated.json, "device_id");
  phone.secret = json_str(activated.json.at("totp"), "secret");
  return phone;
}

}  // namespace twostep::itest
