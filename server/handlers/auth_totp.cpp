// POST /v1/auth/totp: an application asks whether this user's code is good. A denial is an
// answer, not an error (200 with a reason), and it is committed — the failure count and the
// accepted step are stored before the verdict leaves, so a code is never accepted twice and
// lockout survives a restart. An unknown user looks exactly like a wrong code. With
// `remember: true` an approval also returns a remember_token (unless remember_days is 0).
#include "account/settings.hpp"
#include "activation/verifier.hpp"
#include "server/handlers/admin_support.hpp"
#include "server/handlers/app_credential_routes.hpp"
#include "server/handlers/authenticator_routes.hpp"
#include "server/json_io.hpp"

namespace twostep::server {
namespace {

struct TotpInput {
  std::string username;
  std::string code;
  bool remember = false;
};

core::Result<TotpInput> read_totp_input(const HttpRequest& request) {
  auto body = parse_json_object(request);
  if (!body) return std::unexpected(body.error());
  auto username = required_string(*body, "username", 1, 128);
  if (!username) return std::unexpected(username.error());
  auto code = required_string(*body, "code", 1, 16);
  if (!code) return std::unexpected(code.error());
  auto remember = optional_bool(*body, "remember");
  if (!remember) return std::unexpected(remember.error());
  return TotpInput{std::move(*username), std::move(*code), remember->value_or(false)};
}

activation::TotpPolicy policy_of(const account::Settings& settings) {
  return {settings.totp_window_steps, {settings.lockout_threshold, settings.lockout_minutes}};
}

boost::json::object verdict_json(const activation::TotpVerdict& verdict) {
  if (verdict.approved) return {{"status", "approved"}};
  boost::json::object out{{"status", "denied"}, {"reason", verdict.reason}};
  if (verdict.retry_after.count() > 0) out["retry_after"] = verdict.retry_after.count();
  return out;
}

Reply auth_totp(App& app, HttpRequest& request) {
  auto input = read_totp_input(request);
  if (!input) return std::unexpected(input.error());
  const store::AuditContext who = audit_context(request);
  activation::TotpVerdict verdict;
  std::optional<account::IssuedRememberToken> remembered;
  // Settings, verification and any remember token in one write transaction, committed even
  // on denial.
  app.store->run(store::TxMode::kWrite, [&](store::Tx& tx) {
    const activation::TotpPolicy policy = policy_of(account::load_settings(tx));
    verdict = activation::verify_user_totp(tx, app.clock, *app.sealer, who, input->username,
                                           input->code, policy);
    if (verdict.approved && input->remember) {
      remembered =
          issue_application_remember_token(tx, app, who, verdict.user_id, request.principal.id);
    }
    return true;
  });
  boost::json::object body = verdict_json(verdict);
  put_remember_token(body, remembered);
  return json_response(200, body);
}

}  // namespace

void register_auth_totp_routes(Router& router, App& app) {
  router.add("POST", "/v1/auth/totp", Access::kApplication, bind_app(app, auth_totp));
}

}  // namespace twostep::server
