// Software OATH tokens over HTTP (for Google Authenticator, FreeOTP, 1Password): create one
// (the otpauth URI, its secret and QR URLs, shown while pending), prove it with a first code,
// delete it. Admin routes here; the self-service twins reuse the same functions.
#include "activation/oath_tokens.hpp"
#include "account/settings.hpp"
#include "activation/user_guard.hpp"
#include "server/bodies/activation_bodies.hpp"
#include "server/handlers/admin_support.hpp"
#include "server/handlers/authenticator_json.hpp"
#include "server/handlers/authenticator_routes.hpp"
#include "server/json_io.hpp"

namespace twostep::server {
namespace {

std::string token_path(const App& app, const UserScope& scope, std::string_view user_id,
                       std::string_view token_id) {
  return app.config.base_url() + scope_path(scope, user_id) + "/oath-tokens/" +
         std::string(token_id);
}

}  // namespace

Reply create_oath_token_for(App& app, HttpRequest& request, const UserScope& scope) {
  auto name = read_oath_token_body(request);
  if (!name) return std::unexpected(name.error());
  std::string user_id;
  auto created = app.store->write([&](store::Tx& tx) -> core::Result<activation::NewOathToken> {
    auto user = activation::require_user(tx, scope.user_ref);
    if (!user) return std::unexpected(user.error());
    user_id = user->id;
    return activation::create_oath_token(tx, app.clock, app.random, *app.sealer,
                                         audit_context(request), user->id, *name, kOathIssuer);
  });
  if (!created) return std::unexpected(created.error());
  const std::string path = token_path(app, scope, user_id, created->token.id);
  boost::json::object body = oath_token_json(created->token);
  body["otpauth_uri"] = created->otpauth_uri;
  body["secret"] = created->secret_base32;
  body["qr_png_url"] = path + "/qr.png";
  body["qr_svg_url"] = path + "/qr.svg";
  return json_response(201, body);
}

Reply verify_oath_token_for(App& app, HttpRequest& request, const UserScope& scope,
                            std::string_view token_id) {
  auto code = read_oath_token_code_body(request);
  if (!code) return std::unexpected(code.error());
  auto token = app.store->write([&](store::Tx& tx) -> core::Result<activation::OathToken> {
    auto user = activation::require_user(tx, scope.user_ref);
    if (!user) return std::unexpected(user.error());
    const account::Settings settings = account::load_settings(tx);
    return activation::verify_oath_token(tx, app.clock, *app.sealer, audit_context(request),
                                         user->id, token_id, *code, settings.totp_window_steps);
  });
  if (!token) return std::unexpected(token.error());
  return json_response(200, oath_token_json(*token));
}

Reply delete_oath_token_for(App& app, HttpRequest& request, const UserScope& scope,
                            std::string_view token_id) {
  auto done = app.store->write([&](store::Tx& tx) -> core::Result<void> {
    auto user = activation::require_user(tx, scope.user_ref);
    if (!user) return std::unexpected(user.error());
    return activation::delete_oath_token(tx, app.clock, audit_context(request), user->id, token_id);
  });
  if (!done) return std::unexpected(done.error());
  return HttpResponse{204, "application/json", "", {}};
}

Reply oath_token_qr_for(App& app, HttpRequest&, const UserScope& scope, std::string_view token_id,
                        QrFormat format) {
  auto uri = app.store->read([&](store::Tx& tx) -> core::Result<std::string> {
    auto user = activation::require_user(tx, scope.user_ref);
    if (!user) return std::unexpected(user.error());
    return activation::oath_token_uri(tx, *app.sealer, user->id, token_id, kOathIssuer);
  });
  if (!uri) return std::unexpected(uri.error());
  return qr_response(*uri, format);
}

void register_oath_token_routes(Router& router, App& app) {
  constexpr std::string_view kBase = "/v1/users/{user}/oath-tokens";
  const std::string one = std::string(kBase) + "/{token_id}";
  auto admin = [](const HttpRequest& request) { return UserScope{request.param("user"), false}; };
  router.add("POST", std::string(kBase), Access::kAdmin, [&app, admin](HttpRequest& request) {
    return create_oath_token_for(app, request, admin(request));
  });
  router.add("POST", one + "/verify", Access::kAdmin, [&app, admin](HttpRequest& request) {
    return verify_oath_token_for(app, request, admin(request), request.param("token_id"));
  });
  router.add("DELETE", one, Access::kAdmin, [&app, admin](HttpRequest& request) {
    return delete_oath_token_for(app, request, admin(request), request.param("token_id"));
  });
  for (auto [suffix, format] :
       {std::pair{"/qr.png", QrFormat::kPng}, std::pair{"/qr.svg", QrFormat::kSvg}}) {
    router.add("GET", one + suffix, Access::kAdmin, [&app, admin, format](HttpRequest& request) {
      return oath_token_qr_for(app, request, admin(request), request.param("token_id"), format);
    });
  }
}

}  // namespace twostep::server
