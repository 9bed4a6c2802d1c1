// POST /v1/auth/preauth {username, remember_token?} → {result, methods, preferred_method,
// reason?, …}: an application asks what to do with a user before the second step.
//   deny   — reason user_blocked, user_disabled, locked_out (with retry_after), or
//            unknown_user (see below);
//   enroll — the user has no method an application can use yet; `registration_pending` and
//            `registration_expires_at` (when a link is outstanding) say where they stand;
//   allow  — `remember_token` is a live remember token of this user: skip the second step;
//   auth   — ask for the second step: `methods` ("push", "totp", "sms", "voice") and the
//            preferred one (the user's choice when they still have it, else the first).
// Only `auth` lists methods; the other answers carry an empty list and a null preferred
// method, so nothing is said that the application cannot act on.
//
// An unknown username answers per the `unknown_user_preauth` setting: "deny" (default)
// gives reason unknown_user, which tells the application the name is not enrolled here;
// "enroll" gives exactly the answer of a known user with no method and no pending
// registration link, so the application cannot tell whether the name exists (at the cost
// of sending unknown people to an enrolment that will not work). Blocked, disabled and
// locked-out users are told apart either way: the application needs the reason to show it.
#include "account/remember_tokens.hpp"
#include "account/settings.hpp"
#include "server/bodies/auth_bodies.hpp"
#include "server/handlers/admin_support.hpp"
#include "server/handlers/app_credential_routes.hpp"
#include "server/json_io.hpp"
#include "server/session_sign_in.hpp"

namespace twostep::server {
namespace {

boost::json::object answer(std::string_view result) {
  return {{"result", result}, {"methods", boost::json::array{}}, {"preferred_method", nullptr}};
}

boost::json::object deny(std::string_view reason) {
  boost::json::object out = answer("deny");
  out["reason"] = reason;
  return out;
}

boost::json::object enroll(const account::User* user) {
  boost::json::object out = answer("enroll");
  out["registration_pending"] = user && user->registration_pending();
  if (user && user->registration_expires_at) {
    out["registration_expires_at"] = core::to_rfc3339(*user->registration_expires_at);
  }
  return out;
}

// The second-step methods an application can ask for (the web's temporary access is not
// one of them).
std::vector<std::string> application_methods(store::Tx& tx, const core::Clock& clock,
                                             std::string_view user_id) {
  std::vector<std::string> methods = sign_in_methods(tx, clock, user_id);
  std::erase(methods, "temporary_access");
  return methods;
}

boost::json::object auth(const account::User& user, const std::vector<std::string>& methods) {
  boost::json::object out = answer("auth");
  boost::json::array& list = out["methods"].as_array();
  for (const auto& m : methods) list.emplace_back(m);
  const bool has_preferred = std::ranges::find(methods, user.preferred_method) != methods.end();
  out["preferred_method"] = has_preferred ? user.preferred_method : methods.front();
  return out;
}

std::optional<boost::json::object> refusal(const account::User& user, std::int64_t now) {
  if (user.status == account::UserStatus::kBlocked) return deny("user_blocked");
  if (user.status != account::UserStatus::kActive) return deny("user_disabled");
  if (user.locked_until && core::unix_seconds(*user.locked_until) > now) {
    boost::json::object out = deny("locked_out");
    out["retry_after"] = core::unix_seconds(*user.locked_until) - now;
    return out;
  }
  return std::nullopt;
}

// The answer, and whether it was `allow` (the remember token's use is then recorded).
struct Decision {
  boost::json::object body;
  bool allowed = false;
};

Decision decide(store::Tx& tx, const core::Clock& clock, const PreauthBody& input) {
  const account::Settings settings = account::load_settings(tx);
  const auto user = account::find_user(tx, input.username);
  if (!user) {
    if (settings.unknown_user_preauth == "enroll") return {enroll(nullptr)};
    return {deny("unknown_user")};
  }
  if (auto refused = refusal(*user, core::unix_seconds(clock.now()))) return {*refused};
  const auto methods = application_methods(tx, clock, user->id);
  if (methods.empty()) return {enroll(&*user)};
  if (input.remember_token &&
      account::remember_token_valid(tx, clock, user->id, *input.remember_token,
                                    settings.remember_days)) {
    return {answer("allow"), true};
  }
  return {auth(*user, methods)};
}

core::Result<HttpResponse> auth_preauth(App& app, HttpRequest& request) {
  auto input = read_preauth_body(request);
  if (!input) return std::unexpected(input.error());
  Decision decision = app.store->read([&](store::Tx& tx) { return decide(tx, app.clock, *input); });
  if (decision.allowed) {
    app.store->run(store::TxMode::kWrite, [&](store::Tx& tx) {
      account::record_remember_token_use(tx, app.clock, *input->remember_token);
      return true;
    });
  }
  return json_response(200, decision.body);
}

}  // namespace

void register_auth_preauth_routes(Router& router, App& app) {
  router.add("POST", "/v1/auth/preauth", Access::kApplication, bind_app(app, auth_preauth));
}

}  // namespace twostep::server
