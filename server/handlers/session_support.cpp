// What the session handlers share: the cookie's token, the CSRF token in every answer, the
// stage check and the end of the second step (with "don't ask again" on this browser).
#include "account/remember_tokens.hpp"
#include "account/settings.hpp"
#include "server/handlers/admin_support.hpp"
#include "server/handlers/session_routes.hpp"
#include "server/json_io.hpp"
#include "server/session_cookies.hpp"

namespace twostep::server {

std::string_view session_token(const HttpRequest& request) {
  return request_cookie(request, kSessionCookie);
}

HttpResponse session_json(unsigned status, boost::json::object body, std::string_view token) {
  body["csrf_token"] = account::csrf_token_for(token);
  HttpResponse response = json_response(status, body);
  // Answers carry the CSRF token and sign-in state: never cached.
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

core::Result<account::Session> require_stage(store::Tx& tx, App& app, const HttpRequest& request,
                                             account::SessionStage stage) {
  auto session = account::get_session(tx, app.clock, request.principal.session_id);
  if (!session) return session;
  if (session->stage != stage) {
    return core::fail(core::ErrorKind::kConflict, "invalid_stage",
                      "the sign-in is at the " + std::string(account::to_string(session->stage)) +
                          " stage, not " + std::string(account::to_string(stage)));
  }
  return session;
}

core::Result<std::optional<std::string>> finish_second_step(store::Tx& tx, App& app,
                                                            const store::AuditContext& who,
                                                            const account::Session& session,
                                                            std::string_view method,
                                                            bool remember) {
  if (auto ok =
          account::advance_session(tx, app.clock, who, session.id, account::SessionStage::kMfa,
                                   account::SessionStage::kDone, method);
      !ok) {
    return std::unexpected(ok.error());
  }
  if (!remember) return std::nullopt;
  const int days = account::load_settings(tx).remember_days;
  auto issued = account::issue_remember_token(tx, account_env(app), who, session.user_id, days,
                                              account::RememberOrigin{"web", ""});
  if (!issued) return std::nullopt;
  return set_cookie_value(
      kRememberCookie, issued->token,
      std::chrono::ceil<std::chrono::seconds>(issued->expires_at - app.clock.now()));
}

}  // namespace twostep::server
