// POST /v1/users/{user}/temporary-access {hours}: the help desk's one-use code for a user
// who lost their phone (shown once in the 201 answer; stored hashed; audited).
#include "account/temporary_access.hpp"
#include "server/bodies/admin_bodies.hpp"
#include "server/handlers/admin_support.hpp"
#include "server/handlers/session_routes.hpp"
#include "server/json_io.hpp"

namespace twostep::server {
namespace {

core::Result<HttpResponse> issue(App& app, HttpRequest& request) {
  auto hours = read_temporary_access_body(request);
  if (!hours) return std::unexpected(hours.error());
  auto issued = app.store->write([&](store::Tx& tx) {
    return account::issue_temporary_access(tx, account_env(app), audit_context(request),
                                           request.param("user"), *hours);
  });
  if (!issued) return std::unexpected(issued.error());
  HttpResponse response =
      json_response(201, boost::json::object{{"code", issued->code},
                                             {"expires_at", core::to_rfc3339(issued->expires_at)}});
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

}  // namespace

void register_temporary_access_routes(Router& router, App& app) {
  router.add("POST", "/v1/users/{user}/temporary-access", Access::kAdmin, bind_app(app, issue));
}

}  // namespace twostep::server
