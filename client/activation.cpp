#include "client/activation.hpp"

#include <openssl/crypto.h>

#include <boost/json.hpp>

#include "client/blocking.hpp"
#include "client/tls.hpp"
#include "core/encoding.hpp"

namespace twostep::client {
namespace asio = boost::asio;
namespace json = boost::json;
namespace {

core::Error bad_response(std::string message) {
  return core::Error{core::ErrorKind::kInternal,
                     "invalid_activation_response",
                     "unexpected activation response: " + std::move(message),
                     {},
                     {}};
}

std::string_view string_field(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value != nullptr && value->is_string() ? std::string_view(value->as_string()) : "";
}

const json::object* object_field(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value != nullptr && value->is_object() ? &value->as_object() : nullptr;
}

core::Result<totp::Params> totp_params(const json::object& totp) {
  totp::Params params;
  if (const auto algorithm = totp::parse_algorithm(string_field(totp, "algorithm"))) {
    params.algorithm = *algorithm;
  } else {
    return std::unexpected(bad_response("unknown TOTP algorithm"));
  }
  const auto* digits = totp.if_contains("digits");
  const auto* period = totp.if_contains("period");
  if (digits == nullptr || !digits->is_int64() || period == nullptr || !period->is_int64()) {
    return std::unexpected(bad_response("TOTP digits or period missing"));
  }
  params.digits = static_cast<int>(digits->as_int64());
  params.period = static_cast<int>(period->as_int64());
  if (!totp::validate_params(params)) return std::unexpected(bad_response("bad TOTP parameters"));
  return params;
}

// The secret's base32 text is wiped from the parsed document before it is freed.
void wipe_totp_secret(json::value& document) {
  auto* root = document.if_object();
  auto* totp = root != nullptr ? root->if_contains("totp") : nullptr;
  auto* secret =
      totp != nullptr && totp->is_object() ? totp->as_object().if_contains("secret") : nullptr;
  if (secret != nullptr && secret->is_string()) {
    OPENSSL_cleanse(secret->as_string().data(), secret->as_string().size());
  }
}

core::Result<DeviceState> fill_state(const json::object& root, const ActivationRequest& request,
                                     const DeviceKey& key) {
  const json::object* user = object_field(root, "user");
  const json::object* totp = object_field(root, "totp");
  DeviceState state;
  state.device_id = string_field(root, "device_id");
  state.ws_url = string_field(root, "ws_url");
  if (state.device_id.empty() || user == nullptr || totp == nullptr) {
    return std::unexpected(bad_response("device_id, user or totp missing"));
  }
  auto ws_url = parse_url(state.ws_url);
  if (!ws_url || ws_url->scheme != "wss") return std::unexpected(bad_response("bad ws_url"));
  state.user = {std::string(string_field(*user, "id")),
                std::string(string_field(*user, "username")),
                std::string(string_field(*user, "display_name"))};
  auto secret = core::base32_decode(string_field(*totp, "secret"));
  if (!secret || secret->empty()) return std::unexpected(bad_response("bad TOTP secret"));
  state.totp_secret = core::SecretBytes(*secret);
  OPENSSL_cleanse(secret->data(), secret->size());
  auto params = totp_params(*totp);
  if (!params) return std::unexpected(params.error());
  state.totp = *params;
  state.server_url = request.uri.url.origin();
  state.device_name = request.device.name;
  state.platform = request.device.platform;
  state.app_version = request.device.app_version;
  state.activated_at = string_field(root, "server_time");
  state.private_key_pem = key.private_key_pem();
  state.tls = request.tls;
  return state;
}

}  // namespace

std::string activation_body(const ActivationRequest& request, std::string_view public_key) {
  return json::serialize(json::object{{"code", request.uri.code},
                                      {"device_name", request.device.name},
                                      {"platform", request.device.platform},
                                      {"app_version", request.device.app_version},
                                      {"public_key", public_key}});
}

core::Result<DeviceState> state_from_activation(std::string_view body,
                                                const ActivationRequest& request,
                                                const DeviceKey& key,
                                                std::string_view peer_key_pin) {
  boost::system::error_code ec;
  json::value document = json::parse(body, ec);
  if (ec || !document.is_object()) return std::unexpected(bad_response("not a JSON object"));
  auto state = fill_state(document.as_object(), request, key);
  wipe_totp_secret(document);
  if (state && state->tls.insecure && state->tls.pin_sha256.empty()) {
    state->tls.pin_sha256 = peer_key_pin;  // trust on first use
  }
  return state;
}

asio::awaitable<core::Result<DeviceState>> activate_device(asio::ssl::context& context,
                                                           ActivationRequest request,
                                                           HttpsOptions options) {
  auto key = DeviceKey::generate();
  if (!key) co_return std::unexpected(key.error());
  HttpsRequest http{"POST", request.uri.url, activation_body(request, key->public_key_base64url())};
  auto response = co_await https_request(context, request.tls, std::move(http), std::move(options));
  if (!response) co_return std::unexpected(response.error());
  if (response->status != 201 && response->status != 200) {
    co_return std::unexpected(error_from_response(*response));
  }
  auto state = state_from_activation(response->body, request, *key, response->peer_key_pin);
  OPENSSL_cleanse(response->body.data(), response->body.size());
  co_return state;
}

core::Result<DeviceState> activate_device_blocking(const ActivationRequest& request,
                                                   HttpsOptions options) {
  auto context = make_tls_context(request.tls);
  if (!context) return std::unexpected(context.error());
  return run_blocking<DeviceState>(
      [&](asio::io_context&) { return activate_device(**context, request, std::move(options)); });
}

}  // namespace twostep::client
