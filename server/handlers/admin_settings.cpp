// Admin API for the organisation's settings: read all, patch some (all-or-nothing).
#include "account/settings.hpp"
#include "server/bodies/admin_bodies.hpp"
#include "server/handlers/admin_routes.hpp"
#include "server/handlers/admin_support.hpp"
#include "server/json_io.hpp"

namespace twostep::server {
namespace {

using Reply = core::Result<HttpResponse>;

Reply get_settings(App& app, HttpRequest&) {
  auto settings = app.store->read([](store::Tx& tx) { return account::load_settings(tx); });
  return json_response(200, account::settings_to_json(settings));
}

Reply patch_settings(App& app, HttpRequest& request) {
  auto body = read_settings_body(request);
  if (!body) return std::unexpected(body.error());
  auto settings = app.store->write([&](store::Tx& tx) {
    return account::update_settings(tx, app.clock, audit_context(request), *body);
  });
  if (!settings) return std::unexpected(settings.error());
  return json_response(200, account::settings_to_json(*settings));
}

}  // namespace

void register_admin_settings_routes(Router& router, App& app) {
  router.add("GET", "/v1/settings", Access::kAdmin, bind_app(app, get_settings));
  router.add("PATCH", "/v1/settings", Access::kAdmin, bind_app(app, patch_settings));
}

}  // namespace twostep::server
