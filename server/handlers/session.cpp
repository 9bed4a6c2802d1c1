// The web sign-in: POST /v1/session checks the password and starts a session at the stage
// the user is at (second step, registration of a method, or done when this browser is
// remembered); GET /v1/session tells a reloaded page where it stands; DELETE /v1/session
// signs out; POST /v1/session/complete-registration ends the register stage once a method
// was added.
#include <algorithm>
#include <memory>

#include "account/remember_tokens.hpp"
#include "account/settings.hpp"
#include "server/handlers/admin_support.hpp"
#include "server/handlers/session_routes.hpp"
#include "server/json_io.hpp"
#include "server/rate_limiter.hpp"
#include "server/session_cookies.hpp"
#include "server/session_sign_in.hpp"

namespace twostep::server {
namespace {

using account::SessionStage;
using Reply = core::Result<HttpResponse>;

bool is_second_factor(const std::string& method) { return method != "temporary_access"; }

// The user's choice when they can use it, else push, else the first method they have.
std::string preferred_of(const account::User& user, const std::vector<std::string>& methods) {
  auto has = [&](std::string_view m) {
    return std::find(methods.begin(), methods.end(), m) != methods.end();
  };
  if (!user.preferred_method.empty() && has(user.preferred_method)) return user.preferred_method;
  if (has("push")) return "push";
  return methods.empty() ? "" : methods.front();
}

struct Started {
  account::NewSession session;
  std::vector<std::string> methods;
  int remember_days = 0;  // the sign-in page's "Don't ask again for X days" (0: not offered)
};

// Per client address: a burst of 30 sign-ins, refilled at 30 a minute; a refused password
// costs 2 more. Lockout protects one account; this slows password spraying (one password
// tried on many accounts) from one address to a try every 6 s, while an office behind one
// NAT address signing in normally does not notice.
constexpr RateLimiter::Policy kSignInPolicy{30, 30.0 / 60, 10000};
constexpr double kRefusedPasswordExtraCost = 2;

Reply sign_in(App& app, RateLimiter& limiter, HttpRequest& request) {
  if (auto allowed = limiter.take(request.client_ip); !allowed) {
    return std::unexpected(allowed.error());
  }
  auto input = read_username_password(request, 1024);
  if (!input) return std::unexpected(input.error());
  const store::AuditContext who = audit_context(request);
  auto user = check_sign_in_password(app, who, input->username, input->password);
  if (!user) {
    if (user.error().code == "invalid_credentials") {
      limiter.charge(request.client_ip, kRefusedPasswordExtraCost);
    }
    return std::unexpected(user.error());
  }
  const std::string_view remember = request_cookie(request, kRememberCookie);
  const std::string_view old_token = session_token(request);
  Started started =
      app.store
          ->write([&](store::Tx& tx) -> core::Result<Started> {
            // A new session at every sign-in: the browser's earlier one (if any) ends now.
            if (auto old = account::find_session(tx, app.clock, old_token)) {
              account::end_session(tx, app.clock, who, old->id);
            }
            std::vector<std::string> methods = sign_in_methods(tx, app.clock, user->id);
            SessionStage stage = SessionStage::kMfa;
            if (std::none_of(methods.begin(), methods.end(), is_second_factor)) {
              stage = SessionStage::kRegister;
            } else if (!remember.empty() &&
                       account::remember_token_valid(tx, app.clock, user->id, remember,
                                                     account::load_settings(tx).remember_days)) {
              stage = SessionStage::kDone;
            }
            return Started{account::create_session(tx, account_env(app), who, user->id, stage),
                           std::move(methods), account::load_settings(tx).remember_days};
          })
          .value();
  const account::Session& session = started.session.session;
  boost::json::object body{{"stage", account::to_string(session.stage)}};
  if (session.stage == SessionStage::kMfa) {
    boost::json::array methods;
    for (const auto& m : started.methods) methods.emplace_back(m);
    body["methods"] = std::move(methods);
    body["preferred_method"] = preferred_of(*user, started.methods);
    body["remember_days"] = started.remember_days;
  }
  HttpResponse response = session_json(200, std::move(body), started.session.token);
  add_set_cookie(response, set_cookie_value(kSessionCookie, started.session.token));
  return response;
}

Reply current_session(App& app, HttpRequest& request) {
  auto session = app.store->read([&](store::Tx& tx) {
    return account::get_session(tx, app.clock, request.principal.session_id);
  });
  if (!session) return std::unexpected(session.error());
  return session_json(200,
                      {{"stage", account::to_string(session->stage)},
                       {"user", {{"id", session->user_id}, {"username", session->username}}},
                       {"expires_at", core::to_rfc3339(session->expires_at)}},
                      session_token(request));
}

Reply sign_out(App& app, HttpRequest& request) {
  app.store->run(store::TxMode::kWrite, [&](store::Tx& tx) {
    account::end_session(tx, app.clock, audit_context(request), request.principal.session_id);
    return true;
  });
  HttpResponse response{204, "application/json", "", {}};
  add_set_cookie(response, clear_cookie_value(kSessionCookie));
  return response;
}

Reply complete_registration(App& app, HttpRequest& request) {
  const store::AuditContext who = audit_context(request);
  auto done = app.store->write([&](store::Tx& tx) -> core::Result<void> {
    auto session = require_stage(tx, app, request, SessionStage::kRegister);
    if (!session) return std::unexpected(session.error());
    if (!has_method_since(tx, session->user_id, session->stage_since)) {
      return core::fail(core::ErrorKind::kConflict, "method_required",
                        "register a method (the app, an OATH token or a phone) first");
    }
    return account::advance_session(tx, app.clock, who, session->id, SessionStage::kRegister,
                                    SessionStage::kDone, "registration");
  });
  if (!done) return std::unexpected(done.error());
  return session_json(200, {{"stage", "done"}}, session_token(request));
}

}  // namespace

void register_session_routes(Router& router, App& app) {
  auto limiter = make_rate_limiter(app.clock, kSignInPolicy, *app.store, "sign_in");
  router.add("POST", "/v1/session", Access::kPublic,
             [&app, limiter](HttpRequest& request) { return sign_in(app, *limiter, request); });
  router.add("GET", "/v1/session", Access::kSessionAnyStage, bind_app(app, current_session));
  router.add("DELETE", "/v1/session", Access::kSessionAnyStage, bind_app(app, sign_out));
  router.add("POST", "/v1/session/complete-registration", Access::kSessionAnyStage,
             bind_app(app, complete_registration));
}

void register_session_area_routes(Router& router, App& app) {
  register_session_routes(router, app);
  register_session_push_routes(router, app);
  register_session_verify_routes(router, app);
  register_registration_routes(router, app);
  register_me_routes(router, app);
  register_me_method_routes(router, app);
  register_temporary_access_routes(router, app);
}

}  // namespace twostep::server
