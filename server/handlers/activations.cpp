// Activation sessions for the help desk (and, through the same functions, for the user's
// own Security info page): create one with its code, URI and QR URLs; read its status; fetch
// its QR code while it is pending. Only the creator may read status and QR.
#include "activation/activation_codes.hpp"
#include "activation/user_guard.hpp"
#include "server/bodies/activation_bodies.hpp"
#include "server/handlers/admin_support.hpp"
#include "server/handlers/authenticator_json.hpp"
#include "server/handlers/authenticator_routes.hpp"
#include "server/json_io.hpp"

namespace twostep::server {
namespace {

core::Result<activation::ActivationRequest> read_activation_request(const App& app,
                                                                    const HttpRequest& request,
                                                                    const UserScope& scope) {
  auto replace = read_new_activation_body(request);
  if (!replace) return std::unexpected(replace.error());
  return activation::ActivationRequest{scope.user_ref, *replace, activation::kMaxActivationLifetime,
                                       activate_url(app)};
}

// The activation, if it belongs to the scope's user and was created by this caller. Anyone
// else learns nothing, not even that it exists: 404 activation_not_found.
core::Result<activation::ActivationInfo> owned_activation(store::Tx& tx, App& app,
                                                          const HttpRequest& request,
                                                          const UserScope& scope,
                                                          std::string_view activation_id) {
  auto user = activation::require_user(tx, scope.user_ref);
  if (!user) return std::unexpected(user.error());
  auto info = activation::get_activation(tx, app.clock, activation_id);
  if (!info) return std::unexpected(info.error());
  if (info->user_id != user->id || info->created_by != audit_context(request).actor) {
    return core::fail(core::ErrorKind::kNotFound, "activation_not_found", "no such activation");
  }
  return info;
}

std::string activation_path(const App& app, const UserScope& scope, std::string_view user_id,
                            std::string_view activation_id) {
  return app.config.base_url() + scope_path(scope, user_id) + "/authenticators/activations/" +
         std::string(activation_id);
}

}  // namespace

Reply create_activation_for(App& app, HttpRequest& request, const UserScope& scope) {
  auto input = read_activation_request(app, request, scope);
  if (!input) return std::unexpected(input.error());
  auto created = app.store->write([&](store::Tx& tx) {
    return activation::create_activation(tx, app.clock, app.random, *app.sealer,
                                         audit_context(request), *input);
  });
  if (!created) return std::unexpected(created.error());
  const std::string path = activation_path(app, scope, created->user_id, created->id);
  return json_response(201,
                       boost::json::object{{"activation_id", created->id},
                                           {"activation_uri", created->uri},
                                           {"code", created->code},
                                           {"url", input->activate_url},
                                           {"qr_png_url", path + "/qr.png"},
                                           {"qr_svg_url", path + "/qr.svg"},
                                           {"status_url", path},
                                           {"expires_at", core::to_rfc3339(created->expires_at)}});
}

Reply activation_status_for(App& app, HttpRequest& request, const UserScope& scope,
                            std::string_view activation_id) {
  auto info = app.store->read(
      [&](store::Tx& tx) { return owned_activation(tx, app, request, scope, activation_id); });
  if (!info) return std::unexpected(info.error());
  boost::json::object body{{"activation_id", info->id},
                           {"status", activation::activation_status_name(info->status)},
                           {"created_at", core::to_rfc3339(info->created_at)},
                           {"expires_at", core::to_rfc3339(info->expires_at)}};
  if (info->device_id) body["device_id"] = *info->device_id;
  if (info->completed_at) body["completed_at"] = core::to_rfc3339(*info->completed_at);
  if (info->replace_device_id) body["replace_device_id"] = *info->replace_device_id;
  return json_response(200, body);
}

Reply activation_qr_for(App& app, HttpRequest& request, const UserScope& scope,
                        std::string_view activation_id, QrFormat format) {
  auto uri = app.store->read([&](store::Tx& tx) -> core::Result<std::string> {
    auto info = owned_activation(tx, app, request, scope, activation_id);
    if (!info) return std::unexpected(info.error());
    return activation::activation_uri_for(tx, app.clock, *app.sealer, activation_id,
                                          activate_url(app));
  });
  if (!uri) return std::unexpected(uri.error());
  return qr_response(*uri, format);
}

void register_activation_routes(Router& router, App& app) {
  constexpr std::string_view kBase = "/v1/users/{user}/authenticators/activations";
  auto admin = [](const HttpRequest& request) { return UserScope{request.param("user"), false}; };
  router.add("POST", std::string(kBase), Access::kAdmin, [&app, admin](HttpRequest& request) {
    return create_activation_for(app, request, admin(request));
  });
  router.add("GET", std::string(kBase) + "/{activation_id}", Access::kAdmin,
             [&app, admin](HttpRequest& request) {
               return activation_status_for(app, request, admin(request),
                                            request.param("activation_id"));
             });
  for (auto [suffix, format] :
       {std::pair{"/qr.png", QrFormat::kPng}, std::pair{"/qr.svg", QrFormat::kSvg}}) {
    router.add("GET", std::string(kBase) + "/{activation_id}" + suffix, Access::kAdmin,
               [&app, admin, format](HttpRequest& request) {
                 return activation_qr_for(app, request, admin(request),
                                          request.param("activation_id"), format);
               });
  }
}

}  // namespace twostep::server
