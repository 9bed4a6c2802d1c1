// Remembered browsers over HTTP: the remember_token handed to applications after a second
// step with `remember: true`, and "Restore multi-factor authentication on previously
// trusted devices" (self-service and admin), which revokes every token of the user at once.
#include "account/settings.hpp"
#include "account/users.hpp"
#include "push/push_service.hpp"
#include "server/handlers/admin_support.hpp"
#include "server/handlers/app_credential_routes.hpp"
#include "server/json_io.hpp"

namespace twostep::server {

std::optional<account::IssuedRememberToken> issue_application_remember_token(
    store::Tx& tx, App& app, const store::AuditContext& who, std::string_view user_id,
    std::string_view application_id) {
  const int remember_days = account::load_settings(tx).remember_days;
  return account::issue_remember_token(tx, account_env(app), who, user_id, remember_days,
                                       {"application", std::string(application_id)});
}

void put_remember_token(boost::json::object& out,
                        const std::optional<account::IssuedRememberToken>& issued) {
  if (!issued) return;
  out["remember_token"] = issued->token;
  out["remember_expires_at"] = core::to_rfc3339(issued->expires_at);
}

std::optional<account::IssuedRememberToken> claim_push_remember_token(
    App& app, const store::AuditContext& who, std::string_view txid, std::string_view user_id,
    std::string_view application_id) {
  std::optional<account::IssuedRememberToken> issued;
  app.store->run(store::TxMode::kWrite, [&](store::Tx& tx) {
    if (!push::claim_remember_token(tx, app.clock, txid)) return false;
    // The claim is spent either way: a user blocked or disabled since the approval (whose
    // tokens were revoked) gets none, and no later read may bring it back.
    const auto user = account::find_user(tx, user_id);
    if (user && user->status == account::UserStatus::kActive) {
      issued = issue_application_remember_token(tx, app, who, user_id, application_id);
    }
    return true;
  });
  return issued;
}

core::Result<HttpResponse> revoke_trusted_browsers_for(App& app, HttpRequest& request,
                                                       std::string_view user_id,
                                                       std::string_view reason) {
  const store::AuditContext who = audit_context(request);
  const std::int64_t revoked =
      app.store
          ->write([&](store::Tx& tx) -> core::Result<std::int64_t> {
            return account::revoke_remember_tokens(tx, app.clock, who, user_id, reason);
          })
          .value_or(0);
  return json_response(200, boost::json::object{{"revoked", revoked}});
}

}  // namespace twostep::server
