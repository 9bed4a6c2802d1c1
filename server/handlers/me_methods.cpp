// The user's own methods under /v1/me (API.md "Self-service"): the same handler functions as
// the admin routes, with the session's user as the scope, so another user's device, token
// or activation is simply not found (404). While registering (stage "register") a user may
// add methods — activations, OATH tokens — and list them; removing needs a finished sign-in.
#include "server/handlers/authenticator_routes.hpp"
#include "server/handlers/session_routes.hpp"

namespace twostep::server {
namespace {

UserScope me(const HttpRequest& request) { return UserScope{request.principal.id, true}; }

void register_activations(Router& router, App& app) {
  constexpr std::string_view kBase = "/v1/me/authenticators/activations";
  router.add("POST", std::string(kBase), Access::kSessionEnrolling, [&app](HttpRequest& request) {
    return create_activation_for(app, request, me(request));
  });
  router.add("GET", std::string(kBase) + "/{activation_id}", Access::kSessionEnrolling,
             [&app](HttpRequest& request) {
               return activation_status_for(app, request, me(request),
                                            request.param("activation_id"));
             });
  for (auto [suffix, format] :
       {std::pair{"/qr.png", QrFormat::kPng}, std::pair{"/qr.svg", QrFormat::kSvg}}) {
    router.add("GET", std::string(kBase) + "/{activation_id}" + suffix, Access::kSessionEnrolling,
               [&app, format](HttpRequest& request) {
                 return activation_qr_for(app, request, me(request), request.param("activation_id"),
                                          format);
               });
  }
}

void register_devices(Router& router, App& app) {
  router.add(
      "GET", "/v1/me/authenticators", Access::kSessionEnrolling,
      [&app](HttpRequest& request) { return list_authenticators_for(app, request, me(request)); });
  router.add("DELETE", "/v1/me/authenticators/{device_id}", Access::kSession,
             [&app](HttpRequest& request) {
               return remove_authenticator_for(app, request, me(request),
                                               request.param("device_id"));
             });
}

void register_oath_tokens(Router& router, App& app) {
  const std::string base = "/v1/me/oath-tokens";
  const std::string one = base + "/{token_id}";
  router.add("POST", base, Access::kSessionEnrolling, [&app](HttpRequest& request) {
    return create_oath_token_for(app, request, me(request));
  });
  router.add("POST", one + "/verify", Access::kSessionEnrolling, [&app](HttpRequest& request) {
    return verify_oath_token_for(app, request, me(request), request.param("token_id"));
  });
  router.add("DELETE", one, Access::kSession, [&app](HttpRequest& request) {
    return delete_oath_token_for(app, request, me(request), request.param("token_id"));
  });
  for (auto [suffix, format] :
       {std::pair{"/qr.png", QrFormat::kPng}, std::pair{"/qr.svg", QrFormat::kSvg}}) {
    router.add(
        "GET", one + suffix, Access::kSessionEnrolling, [&app, format](HttpRequest& request) {
          return oath_token_qr_for(app, request, me(request), request.param("token_id"), format);
        });
  }
}

}  // namespace

void register_me_method_routes(Router& router, App& app) {
  register_activations(router, app);
  register_devices(router, app);
  register_oath_tokens(router, app);
}

}  // namespace twostep::server
