// POST /v1/auth/totp: an application asks whether this user's code is good. A denial is an
// answer, not an error (200 with a reason), and it is committed — the failure count and the
// accepted step are stored before the verdict leaves, so a code is never accepted twice and
// lockout survives a restart. An unknown user looks exactly like a wrong code. With
// `remember: true` an approval also returns a remember_token (unless remember_days is 0).
#include "account/settings.hpp"
#include "activation/verifier.hpp"
#include "server/bodies/auth_bodies.hpp"
#include "server/handlers/admin_support.hpp"
#include "server/handlers/app_credential_routes.hpp"
#include "server/handlers/authenticator_routes.hpp"
#include "server/http_status.hpp"
#include "server/json_io.hpp"

namespace twostep::server {
namespace {

activation::TotpPolicy policy_of(const account::Settings& settings) {
  return {settings.totp_window_steps, {settings.lockout_threshold, settings.lockout_minutes}};
}

boost::json::object verdict_json(const activation::TotpVerdict& verdict) {
  if (verdict.approved) return {{"status", "approved"}};
  boost::json::object out{{"status", "denied"}, {"reason", verdict.reason}};
  if (verdict.retry_after.count() > 0) out["retry_after"] = verdict.retry_after.count();
  return out;
}

// One verification on its way through the store's writer: what the request said, and what
// the transaction decided.
struct TotpJob {
  App& app;
  TotpBody input;
  store::AuditContext who;
  std::string application_id;
  activation::TotpVerdict verdict;
  std::optional<account::IssuedRememberToken> remembered;
};

// Settings, verification and any remember token, all in the job's write transaction.
void verify(TotpJob& job, store::Tx& tx) {
  const activation::TotpPolicy policy = policy_of(account::load_settings(tx));
  job.verdict = activation::verify_user_totp(tx, job.app.clock, *job.app.sealer, job.who,
                                             job.input.username, job.input.code, policy);
  if (job.verdict.approved && job.input.remember) {
    job.remembered = issue_application_remember_token(tx, job.app, job.who, job.verdict.user_id,
                                                      job.application_id);
  }
}

core::Result<HttpResponse> answer(const TotpJob& job, const std::exception_ptr& error) {
  if (error) return handler_failure(error, job.who.correlation_id, "/v1/auth/totp");
  boost::json::object body = verdict_json(job.verdict);
  put_remember_token(body, job.remembered);
  return json_response(200, body);
}

// Asynchronous so that verifications arriving together share one commit (on SQLite the
// store's writer batches them). The write is committed — even on denial — before the
// verdict is answered.
void auth_totp(App& app, HttpRequest& request, Respond respond) {
  auto input = read_totp_body(request);
  if (!input) {
    respond(std::unexpected(input.error()));
    return;
  }
  auto job = std::make_shared<TotpJob>(
      TotpJob{app, std::move(*input), audit_context(request), request.principal.id, {}, {}});
  app.store->run_write_async(
      [job](store::Tx& tx) {
        verify(*job, tx);
        return true;
      },
      [job, respond = std::move(respond)](std::exception_ptr error) {
        respond(answer(*job, error));
      });
}

}  // namespace

void register_auth_totp_routes(Router& router, App& app) {
  router.add_async("POST", "/v1/auth/totp", Access::kApplication,
                   [&app](HttpRequest& request, Respond respond) {
                     auth_totp(app, request, std::move(respond));
                   });
}

}  // namespace twostep::server
