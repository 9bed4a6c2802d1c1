// Registration with the admin's link (SPEC.md capability 1): the page reads the token from
// the link's fragment and sends it in a body (never in a URL, so it stays out of logs).
// POST /v1/registration/lookup says whose link it is; POST /v1/registration sets the password,
// spends the link and signs the browser in at the "register" stage (or "mfa" when the help
// desk already enrolled a method for the user).
#include <algorithm>

#include "account/common_passwords.hpp"
#include "account/passwords.hpp"
#include "account/registration.hpp"
#include "account/remember_tokens.hpp"
#include "server/bodies/user_bodies.hpp"
#include "server/handlers/admin_support.hpp"
#include "server/handlers/session_routes.hpp"
#include "server/json_io.hpp"
#include "server/session_cookies.hpp"
#include "server/session_sign_in.hpp"

namespace twostep::server {
namespace {

using Reply = core::Result<HttpResponse>;

boost::json::object registering_user_json(const account::User& user) {
  return {{"id", user.id}, {"username", user.username}, {"display_name", user.display_name}};
}

Reply lookup(App& app, HttpRequest& request) {
  auto token = read_registration_token_body(request);
  if (!token) return std::unexpected(token.error());
  auto user = app.store->read(
      [&](store::Tx& tx) { return account::check_registration_token(tx, app.clock, *token); });
  if (!user) return std::unexpected(user.error());
  return json_response(
      200, boost::json::object{{"user", registering_user_json(*user)},
                               {"expires_at", core::to_rfc3339(*user->registration_expires_at)}});
}

bool has_second_factor(const std::vector<std::string>& methods) {
  return std::any_of(methods.begin(), methods.end(),
                     [](const std::string& m) { return m != "temporary_access"; });
}

Reply register_password(App& app, HttpRequest& request) {
  auto body = read_registration_password_body(request);
  if (!body) return std::unexpected(body.error());
  const std::string& token = body->token;
  const std::string& password = body->password;
  auto user = app.store->read(
      [&](store::Tx& tx) { return account::check_registration_token(tx, app.clock, token); });
  if (!user) return std::unexpected(user.error());
  if (auto ok = account::check_new_password(password, user->username); !ok) {
    return std::unexpected(ok.error());
  }
  // Argon2id on this worker thread, before and outside the write transaction.
  const std::string hash = account::hash_password(password, app.random);
  const store::AuditContext who = audit_context(request);
  auto started = app.store->write([&](store::Tx& tx) -> core::Result<account::NewSession> {
    auto used = account::consume_registration_token(tx, account_env(app), who, token);
    if (!used) return std::unexpected(used.error());
    if (auto ok = account::set_password_hash(tx, account_env(app), who, used->id, hash); !ok) {
      return std::unexpected(ok.error());
    }
    // A new password ends what the old one opened.
    account::end_user_sessions(tx, used->id);
    account::revoke_remember_tokens(tx, app.clock, who, used->id, "password_changed");
    const auto stage = has_second_factor(sign_in_methods(tx, app.clock, used->id))
                           ? account::SessionStage::kMfa
                           : account::SessionStage::kRegister;
    return account::create_session(tx, account_env(app), who, used->id, stage);
  });
  if (!started) return std::unexpected(started.error());
  HttpResponse response = session_json(200,
                                       {{"stage", account::to_string(started->session.stage)},
                                        {"user", registering_user_json(*user)}},
                                       started->token);
  add_set_cookie(response, set_cookie_value(kSessionCookie, started->token));
  return response;
}

}  // namespace

void register_registration_routes(Router& router, App& app) {
  router.add("POST", "/v1/registration/lookup", Access::kPublic, bind_app(app, lookup));
  router.add("POST", "/v1/registration", Access::kPublic, bind_app(app, register_password));
}

}  // namespace twostep::server
