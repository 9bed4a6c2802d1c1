// GET /v1/me (the Security info page's data) and PATCH /v1/me/preferences.
#include <algorithm>

#include "account/preferences.hpp"
#include "account/settings.hpp"
#include "phone/phones.hpp"
#include "server/bodies/user_bodies.hpp"
#include "server/handlers/admin_support.hpp"
#include "server/handlers/authenticator_routes.hpp"
#include "server/handlers/session_routes.hpp"
#include "server/json_io.hpp"
#include "server/session_sign_in.hpp"

namespace twostep::server {
namespace {

using Reply = core::Result<HttpResponse>;

Reply me(App& app, HttpRequest& request) {
  auto body = app.store->read([&](store::Tx& tx) -> core::Result<boost::json::object> {
    auto user = account::get_user(tx, request.principal.id);
    if (!user) return std::unexpected(user.error());
    const account::Settings settings = account::load_settings(tx);
    return boost::json::object{{"user",
                                {{"id", user->id},
                                 {"username", user->username},
                                 {"display_name", user->display_name},
                                 {"role", account::to_string(user->role)}}},
                               {"methods", user_methods_json(tx, app.clock, *user)},
                               {"settings",
                                {{"remember_days", settings.remember_days},
                                 {"app_passwords_enabled", settings.app_passwords_enabled}}}};
  });
  if (!body) return std::unexpected(body.error());
  return session_json(200, std::move(*body), session_token(request));
}

Reply set_preferences(App& app, HttpRequest& request) {
  auto method = read_preferences_body(request);
  if (!method) return std::unexpected(method.error());
  const std::string& user_id = request.principal.id;
  auto done = app.store->write([&](store::Tx& tx) -> core::Result<void> {
    const auto methods = sign_in_methods(tx, app.clock, user_id);
    if (std::find(methods.begin(), methods.end(), *method) == methods.end()) {
      return core::fail_invalid("preferred_method",
                                "preferred_method must be a method you have registered");
    }
    // The seed's rule: sms and voice as the preferred method use the mobile phone.
    if (!phone::has_phone_for_method(tx, user_id, *method)) {
      return core::fail_invalid("preferred_method",
                                "text and call as the preferred method need a mobile phone");
    }
    return account::set_preferred_method(tx, app.clock, audit_context(request), user_id, *method);
  });
  if (!done) return std::unexpected(done.error());
  return session_json(200, {{"preferred_method", *method}}, session_token(request));
}

}  // namespace

void register_me_routes(Router& router, App& app) {
  router.add("GET", "/v1/me", Access::kSession, bind_app(app, me));
  router.add("PATCH", "/v1/me/preferences", Access::kSession, bind_app(app, set_preferences));
}

}  // namespace twostep::server
