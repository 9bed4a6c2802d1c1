#include "server/handlers/authenticator_json.hpp"

#include <boost/json/array.hpp>

#include "activation/qr.hpp"
#include "server/json_io.hpp"
#include "totp/otp.hpp"

namespace twostep::server {

boost::json::object device_json(const activation::Device& device) {
  boost::json::object out{{"id", device.id},
                          {"display_name", device.display_name},
                          {"platform", device.platform},
                          {"app_version", device.app_version},
                          {"status", activation::status_name(device.status)},
                          {"created_at", core::to_rfc3339(device.created_at)},
                          {"last_seen_at", core::to_rfc3339(device.last_seen_at)}};
  if (device.deactivated_at) out["deactivated_at"] = core::to_rfc3339(*device.deactivated_at);
  if (device.deactivated_reason) {
    out["deactivated_reason"] = activation::reason_name(*device.deactivated_reason);
  }
  out["capabilities"] = boost::json::array{"push", "totp"};
  return out;
}

boost::json::object device_with_user_json(const activation::Device& device) {
  boost::json::object out = device_json(device);
  out["user"] = device.user_id;
  out["username"] = device.username;
  return out;
}

boost::json::object oath_token_json(const activation::OathToken& token) {
  boost::json::object out{{"id", token.id},
                          {"display_name", token.display_name},
                          {"status", token.status},
                          {"algorithm", totp::algorithm_name(token.params.algorithm)},
                          {"digits", token.params.digits},
                          {"period", token.params.period},
                          {"created_at", core::to_rfc3339(token.created_at)}};
  if (token.activated_at) out["activated_at"] = core::to_rfc3339(*token.activated_at);
  return out;
}

std::string activate_url(const App& app) { return app.config.base_url() + "/v1/activate"; }

std::string device_ws_url(const App& app) {
  std::string base = app.config.base_url();
  constexpr std::string_view kHttps = "https://";
  constexpr std::string_view kHttp = "http://";
  if (base.starts_with(kHttps)) {
    base = "wss://" + base.substr(kHttps.size());
  } else if (base.starts_with(kHttp)) {
    base = "ws://" + base.substr(kHttp.size());
  }
  return base + "/v1/device/ws";
}

std::string scope_path(const UserScope& scope, std::string_view user_id) {
  if (scope.self_service) return "/v1/me";
  return "/v1/users/" + std::string(user_id);
}

Reply qr_response(std::string_view text, QrFormat format) {
  HttpResponse response;
  if (format == QrFormat::kPng) {
    auto png = activation::render_qr_png(text);
    if (!png) return std::unexpected(png.error());
    response.content_type = "image/png";
    response.body.assign(png->begin(), png->end());
  } else {
    auto svg = activation::render_qr_svg(text);
    if (!svg) return std::unexpected(svg.error());
    response.content_type = "image/svg+xml";
    response.body = std::move(*svg);
  }
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

void announce_deactivations(App& app, const std::vector<activation::Deactivation>& done) {
  if (!done.empty()) app.on_devices_deactivated(done);
}

}  // namespace twostep::server
