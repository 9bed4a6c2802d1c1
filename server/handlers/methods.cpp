// A user's verification methods at a glance, and "require re-registration", which removes
// all of them at once. Both are the one place where each method family has its part: the
// phone numbers, app passwords and trusted browsers of later modules join here.
#include "account/app_passwords.hpp"
#include "account/registration.hpp"
#include "account/remember_tokens.hpp"
#include "account/settings.hpp"
#include "activation/devices.hpp"
#include "activation/oath_tokens.hpp"
#include "activation/sweep.hpp"
#include "phone/phones.hpp"
#include "server/handlers/admin_support.hpp"
#include "server/handlers/app_credential_routes.hpp"
#include "server/handlers/authenticator_json.hpp"
#include "server/handlers/authenticator_routes.hpp"
#include "server/handlers/phone_routes.hpp"
#include "server/json_io.hpp"

namespace twostep::server {
namespace {

boost::json::array active_devices_json(store::Tx& tx, const core::Clock& clock,
                                       std::string_view user_id) {
  activation::DeviceFilter filter;
  filter.user_id = std::string(user_id);
  filter.status = activation::DeviceStatus::kActive;
  filter.limit = 500;  // far above what one person carries
  boost::json::array out;
  if (auto page = activation::list_devices(tx, clock, filter)) {
    for (const auto& device : page->items) out.push_back(device_json(device));
  }
  return out;
}

boost::json::array oath_tokens_json(store::Tx& tx, std::string_view user_id) {
  boost::json::array out;
  for (const auto& token : activation::list_oath_tokens(tx, user_id)) {
    out.push_back(oath_token_json(token));
  }
  return out;
}

// What re-registration removed, and the link that starts it again.
struct Reregistered {
  activation::Reregistration removed;
  account::RegistrationLink link;
  std::int64_t app_passwords_deleted = 0;
};

}  // namespace

boost::json::object user_methods_json(store::Tx& tx, const core::Clock& clock,
                                      const account::User& user) {
  boost::json::object out;
  out["authenticators"] = active_devices_json(tx, clock, user.id);
  out["oath_tokens"] = oath_tokens_json(tx, user.id);
  out["phones"] = phones_json(tx, user.id);
  out["app_passwords"] = app_passwords_json(tx, user.id);
  const int remember_days = account::load_settings(tx).remember_days;
  out["trusted_browsers"] = boost::json::object{
      {"count", account::count_remember_tokens(tx, clock, user.id, remember_days)}};
  if (user.preferred_method.empty()) {
    out["preferred_method"] = nullptr;
  } else {
    out["preferred_method"] = user.preferred_method;
  }
  return out;
}

Reply methods_for(App& app, HttpRequest&, const UserScope& scope) {
  auto methods = app.store->read([&](store::Tx& tx) -> core::Result<boost::json::object> {
    auto user = account::get_user(tx, scope.user_ref);
    if (!user) return std::unexpected(user.error());
    return user_methods_json(tx, app.clock, *user);
  });
  if (!methods) return std::unexpected(methods.error());
  return json_response(200, *methods);
}

Reply require_reregistration_for(App& app, HttpRequest& request, const UserScope& scope) {
  const store::AuditContext who = audit_context(request);
  auto done = app.store->write([&](store::Tx& tx) -> core::Result<Reregistered> {
    auto removed = activation::require_reregistration(tx, app.clock, who, scope.user_ref);
    if (!removed) return std::unexpected(removed.error());
    auto link = account::reissue_registration_link(tx, account_env(app), who, scope.user_ref);
    if (!link) return std::unexpected(link.error());
    // Starting over includes the browsers the user once trusted and the app passwords.
    auto user = account::get_user(tx, scope.user_ref);
    if (!user) return std::unexpected(user.error());
    account::revoke_remember_tokens(tx, app.clock, who, user->id, "reregistration");
    const auto app_passwords =
        account::delete_all_app_passwords(tx, account_env(app), who, user->id);
    phone::remove_all_phones(tx, app.clock, who, user->id);  // audited "phone.removed" each
    return Reregistered{std::move(*removed), std::move(*link), app_passwords};
  });
  if (!done) return std::unexpected(done.error());
  announce_deactivations(app, done->removed.deactivations);
  return json_response(
      200, boost::json::object{{"registration_url",
                                account::registration_url(app.config.base_url(), done->link.token)},
                               {"registration_expires_at", core::to_rfc3339(done->link.expires_at)},
                               {"deactivated_devices", done->removed.deactivations.size()},
                               {"oath_tokens_deleted", done->removed.oath_tokens_deleted},
                               {"activations_cancelled", done->removed.activations_cancelled},
                               {"app_passwords_deleted", done->app_passwords_deleted}});
}

void register_methods_routes(Router& router, App& app) {
  auto admin = [](const HttpRequest& request) { return UserScope{request.param("user"), false}; };
  router.add(
      "GET", "/v1/users/{user}/methods", Access::kAdmin,
      [&app, admin](HttpRequest& request) { return methods_for(app, request, admin(request)); });
  router.add("POST", "/v1/users/{user}/require-reregistration", Access::kAdmin,
             [&app, admin](HttpRequest& request) {
               return require_reregistration_for(app, request, admin(request));
             });
}

void register_authenticator_area_routes(Router& router, App& app) {
  register_activation_routes(router, app);
  register_activate_route(router, app);
  register_authenticators_routes(router, app);
  register_stale_routes(router, app);
  register_oath_token_routes(router, app);
  register_methods_routes(router, app);
  register_auth_totp_routes(router, app);
}

}  // namespace twostep::server
