// Self-service app passwords (API.md: GET/POST /v1/me/app-passwords, DELETE
// /v1/me/app-passwords/{id}) and the trusted-browser revocation routes. Thin adapters over
// account/app_passwords.hpp and account/remember_tokens.hpp; the password is generated and
// hashed before the write transaction (hashing costs tens of milliseconds) and shown once.
#include "account/app_passwords.hpp"
#include "push/push_service.hpp"
#include "server/bodies/user_bodies.hpp"
#include "server/device_notices.hpp"
#include "server/handlers/admin_support.hpp"
#include "server/handlers/app_credential_routes.hpp"
#include "server/json_io.hpp"

namespace twostep::server {
namespace {

boost::json::object app_password_json(const account::AppPassword& app_password) {
  boost::json::object out{{"id", app_password.id},
                          {"name", app_password.name},
                          {"created_at", core::to_rfc3339(app_password.created_at)}};
  if (app_password.last_used_at) {
    out["last_used_at"] = core::to_rfc3339(*app_password.last_used_at);
  } else {
    out["last_used_at"] = nullptr;
  }
  return out;
}

core::Result<std::string> read_name(const HttpRequest& request) {
  auto name = read_app_password_body(request);
  if (!name) return std::unexpected(name.error());
  if (auto ok = account::check_app_password_name(*name); !ok) return std::unexpected(ok.error());
  return name;
}

// What a creation committed: the new password and the notices to deliver.
struct Created {
  account::NewAppPassword app_password;
  std::vector<push::Notice> notices;
};

// The session's user (Access::kSession authenticates it; its id is the principal's).
std::string_view session_user(const HttpRequest& request) { return request.principal.id; }

// The admin route names its user by id or username.
core::Result<std::string> named_user_id(App& app, const HttpRequest& request) {
  auto user =
      app.store->read([&](store::Tx& tx) { return account::get_user(tx, request.param("user")); });
  if (!user) return std::unexpected(user.error());
  return user->id;
}

}  // namespace

boost::json::array app_passwords_json(store::Tx& tx, std::string_view user_id) {
  boost::json::array out;
  for (const auto& app_password : account::list_app_passwords(tx, user_id)) {
    out.push_back(app_password_json(app_password));
  }
  return out;
}

core::Result<HttpResponse> list_app_passwords_for(App& app, HttpRequest&,
                                                  std::string_view user_id) {
  auto items = app.store->read([&](store::Tx& tx) { return app_passwords_json(tx, user_id); });
  // A user has at most max_app_passwords (≤ 100): one page holds them all.
  return json_response(200, page_body(std::move(items), std::nullopt));
}

core::Result<HttpResponse> create_app_password_for(App& app, HttpRequest& request,
                                                   std::string_view user_id) {
  auto name = read_name(request);
  if (!name) return std::unexpected(name.error());
  const store::AuditContext who = audit_context(request);
  account::PreparedAppPassword prepared = account::prepare_app_password(app.random);
  auto created = app.store->write([&](store::Tx& tx) -> core::Result<Created> {
    auto made = account::create_app_password(tx, account_env(app), who, user_id, *name, prepared);
    if (!made) return std::unexpected(made.error());
    auto notices =
        push::queue_notice(tx, app.clock, app.random, app_password_created_notice(made->record));
    return Created{std::move(*made), std::move(notices)};
  });
  if (!created) return std::unexpected(created.error());
  app.push->deliver_notices(created->notices);
  boost::json::object out = app_password_json(created->app_password.record);
  out["password"] = created->app_password.password;
  return json_response(201, out);
}

core::Result<HttpResponse> delete_app_password_for(App& app, HttpRequest& request,
                                                   std::string_view user_id,
                                                   std::string_view app_password_id) {
  const store::AuditContext who = audit_context(request);
  auto deleted = app.store->write([&](store::Tx& tx) {
    return account::delete_app_password(tx, account_env(app), who, user_id, app_password_id);
  });
  if (!deleted) return std::unexpected(deleted.error());
  return HttpResponse{204, "application/json", "", {}};
}

void register_app_credential_routes(Router& router, App& app) {
  router.add("GET", "/v1/me/app-passwords", Access::kSession, [&app](HttpRequest& request) {
    return list_app_passwords_for(app, request, session_user(request));
  });
  router.add("POST", "/v1/me/app-passwords", Access::kSession, [&app](HttpRequest& request) {
    return create_app_password_for(app, request, session_user(request));
  });
  router.add("DELETE", "/v1/me/app-passwords/{id}", Access::kSession, [&app](HttpRequest& request) {
    return delete_app_password_for(app, request, session_user(request), request.param("id"));
  });
  router.add(
      "POST", "/v1/me/trusted-browsers/revoke", Access::kSession, [&app](HttpRequest& request) {
        return revoke_trusted_browsers_for(app, request, session_user(request), "user_request");
      });
  router.add("POST", "/v1/users/{user}/trusted-browsers/revoke", Access::kAdmin,
             [&app](HttpRequest& request) -> core::Result<HttpResponse> {
               auto user_id = named_user_id(app, request);
               if (!user_id) return std::unexpected(user_id.error());
               return revoke_trusted_browsers_for(app, request, *user_id, "admin_request");
             });
}

}  // namespace twostep::server
