// The web sign-in's code steps: POST /v1/session/verify with a TOTP code, a texted or spoken
// code, or the help desk's temporary access code; POST /v1/session/send-code sends the text
// or call. Wrong codes count toward the user's lockout and are committed with it, so the
// verdict and the failure count survive together.
#include "account/settings.hpp"
#include "account/temporary_access.hpp"
#include "activation/user_guard.hpp"
#include "activation/verifier.hpp"
#include "server/bodies/user_bodies.hpp"
#include "server/handlers/admin_support.hpp"
#include "server/handlers/phone_routes.hpp"
#include "server/handlers/session_routes.hpp"
#include "server/json_io.hpp"
#include "server/session_cookies.hpp"

namespace twostep::server {
namespace {

using account::SessionStage;
using Reply = core::Result<HttpResponse>;

// A refused code as an error: wrong or replayed codes are 401, a lock 423 with Retry-After.
std::unexpected<core::Error> refused(std::string_view reason, std::chrono::seconds retry_after) {
  core::ErrorKind kind = core::ErrorKind::kUnauthenticated;
  if (reason == "locked_out" || reason == "user_blocked") kind = core::ErrorKind::kLocked;
  if (reason == "user_disabled") kind = core::ErrorKind::kForbidden;
  if (reason == "expired") {
    return core::fail(core::ErrorKind::kGone, "code_expired", "the code has expired");
  }
  auto error = core::fail(kind, std::string(reason), "the code was not accepted");
  error.error().retry_after = retry_after;
  return error;
}

// Runs `f` in a write transaction that commits whatever it returns: a refusal still records
// the failure that caused it.
template <class F>
auto commit_always(App& app, F&& f) -> decltype(f(std::declval<store::Tx&>())) {
  std::optional<decltype(f(std::declval<store::Tx&>()))> out;
  app.store->run(store::TxMode::kWrite, [&](store::Tx& tx) {
    out.emplace(f(tx));
    return true;
  });
  return std::move(*out);
}

using Finished = core::Result<std::optional<std::string>>;

Finished verify_totp(App& app, const HttpRequest& request, const SessionVerifyBody& input,
                     const store::AuditContext& who) {
  return commit_always(app, [&](store::Tx& tx) -> Finished {
    auto session = require_stage(tx, app, request, SessionStage::kMfa);
    if (!session) return std::unexpected(session.error());
    const account::Settings settings = account::load_settings(tx);
    const activation::TotpPolicy policy{settings.totp_window_steps,
                                        {settings.lockout_threshold, settings.lockout_minutes}};
    auto verdict = activation::verify_user_totp(tx, app.clock, *app.sealer, who, session->user_id,
                                                input.code, policy);
    if (!verdict.approved) return refused(verdict.reason, verdict.retry_after);
    return finish_second_step(tx, app, who, *session, "totp", input.remember);
  });
}

Finished verify_phone_code(App& app, const HttpRequest& request, const SessionVerifyBody& input,
                           const store::AuditContext& who) {
  const Principal& me = request.principal;
  auto check = check_session_code(app, who, me.id, input.method, input.code, me.session_id);
  if (!check) return std::unexpected(check.error());
  if (check->status != phone::CodeStatus::kApproved) {
    return refused(check->reason.empty() ? "invalid_code" : check->reason, check->retry_after);
  }
  return app.store->write([&](store::Tx& tx) -> Finished {
    auto session = require_stage(tx, app, request, SessionStage::kMfa);
    if (!session) return std::unexpected(session.error());
    return finish_second_step(tx, app, who, *session, input.method, input.remember);
  });
}

// A temporary access code sends the user to register a new method, not to done.
Finished verify_temporary_access(App& app, const HttpRequest& request,
                                 const SessionVerifyBody& input, const store::AuditContext& who) {
  return commit_always(app, [&](store::Tx& tx) -> Finished {
    auto session = require_stage(tx, app, request, SessionStage::kMfa);
    if (!session) return std::unexpected(session.error());
    auto user = activation::require_user(tx, session->user_id);
    if (!user) return std::unexpected(user.error());
    const std::int64_t now = core::unix_seconds(app.clock.now());
    if (totp::is_locked(user->lockout, now)) {
      return refused("locked_out", std::chrono::seconds(*user->lockout.locked_until - now));
    }
    if (account::consume_temporary_access(tx, app.clock, who, user->id, input.code)) {
      auto moved = account::advance_session(tx, app.clock, who, session->id, SessionStage::kMfa,
                                            SessionStage::kRegister, "temporary_access");
      if (!moved) return std::unexpected(moved.error());
      return std::nullopt;
    }
    const account::Settings settings = account::load_settings(tx);
    auto failure = activation::record_user_failure(
        tx, app.clock, who, *user, {settings.lockout_threshold, settings.lockout_minutes},
        "temporary_access");
    if (failure.locked_now) {
      return refused("locked_out", std::chrono::seconds(*failure.state.locked_until - now));
    }
    return refused("invalid_code", std::chrono::seconds(0));
  });
}

Reply verify(App& app, HttpRequest& request) {
  auto input = read_session_verify_body(request);
  if (!input) return std::unexpected(input.error());
  const store::AuditContext who = audit_context(request);
  Finished finished = input->method == "totp" ? verify_totp(app, request, *input, who)
                      : input->method == "temporary_access"
                          ? verify_temporary_access(app, request, *input, who)
                          : verify_phone_code(app, request, *input, who);
  if (!finished) return std::unexpected(finished.error());
  const bool registering = input->method == "temporary_access";
  HttpResponse response =
      session_json(200, {{"stage", registering ? "register" : "done"}}, session_token(request));
  if (*finished) add_set_cookie(response, std::move(**finished));
  return response;
}

Reply send_code(App& app, HttpRequest& request) {
  auto body = read_session_send_code_body(request);
  if (!body) return std::unexpected(body.error());
  auto session = app.store->read(
      [&](store::Tx& tx) { return require_stage(tx, app, request, SessionStage::kMfa); });
  if (!session) return std::unexpected(session.error());
  auto sent = send_session_code(app, audit_context(request), session->user_id, body->method,
                                body->phone, session->id);
  if (!sent) return std::unexpected(sent.error());
  return session_json(200,
                      {{"txid", sent->txid},
                       {"method", phone::to_string(sent->channel)},
                       {"phone", phone::to_string(sent->phone)},
                       {"number", sent->number_masked},
                       {"expires_at", core::to_rfc3339(sent->expires_at)}},
                      session_token(request));
}

}  // namespace

void register_session_verify_routes(Router& router, App& app) {
  router.add("POST", "/v1/session/verify", Access::kSessionAnyStage, bind_app(app, verify));
  router.add("POST", "/v1/session/send-code", Access::kSessionAnyStage, bind_app(app, send_code));
}

}  // namespace twostep::server
