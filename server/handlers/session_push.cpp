// The web sign-in's push step: POST /v1/session/push asks the user's devices (the session is
// the requester, so only it can read the answer), GET /v1/session/push/{txid}?wait=S
// long-polls it like the auth API (a timer and a waiter, no thread). The read that first sees
// the approval finishes the second step (and sets the remember cookie when it was asked).
#include <algorithm>
#include <limits>

#include "push/types.hpp"
#include "server/bodies/user_bodies.hpp"
#include "server/device_actions.hpp"
#include "server/handlers/admin_support.hpp"
#include "server/handlers/authenticator_json.hpp"
#include "server/handlers/session_routes.hpp"
#include "server/json_io.hpp"
#include "server/push_runtime.hpp"
#include "server/session_cookies.hpp"

namespace twostep::server {
namespace {

using account::SessionStage;
using Reply = core::Result<HttpResponse>;

/// API.md: a long poll waits at most 30 seconds.
constexpr std::int64_t kMaxWaitSeconds = 30;
/// What the user's phone shows as the application asking.
constexpr std::string_view kPortalName = "twostep sign-in";

std::string requester_of(std::string_view session_id) {
  return "session:" + std::string(session_id);
}

std::string truncated(std::string_view text) {
  return std::string(text.substr(0, push::PushContext::kMaxContextField));
}

Reply start_push(App& app, HttpRequest& request) {
  auto remember = read_session_push_body(request);
  if (!remember) return std::unexpected(remember.error());
  auto session = app.store->read(
      [&](store::Tx& tx) { return require_stage(tx, app, request, SessionStage::kMfa); });
  if (!session) return std::unexpected(session.error());
  push::PushContext context{truncated(request.client_ip), "",
                            truncated(request.header("user-agent"))};
  push::PushRequest push_request{session->user_id,
                                 {requester_of(session->id), std::string(kPortalName)},
                                 std::move(context),
                                 *remember};
  auto created =
      app.push->create_push(push_request, load_push_settings(app), audit_context(request));
  if (!created) return std::unexpected(created.error());
  return session_json(200,
                      {{"txid", created->txid},
                       {"number", created->number},
                       {"expires_at", core::to_rfc3339(created->expires_at)}},
                      session_token(request));
}

// One read of the push for the long poll. On approval the session is finished here, in a
// conditional update, so only one read ever does it (and sets the remember cookie).
PushRuntime::PollState read_session_push(App& app, const std::string& txid,
                                         const std::string& session_id, const std::string& token,
                                         const store::AuditContext& who) {
  auto push = app.push->get_transaction(txid, requester_of(session_id));
  if (!push) return {std::unexpected(push.error()), false};
  const bool pending = push->status == push::PushStatus::kPending;
  boost::json::object body{{"txid", txid}, {"status", push::to_string(push->status)}};
  if (!push->reason.empty()) body["reason"] = push->reason;
  std::optional<std::string> remember_cookie;
  auto stage = app.store->write([&](store::Tx& tx) -> core::Result<SessionStage> {
    auto session = account::get_session(tx, app.clock, session_id);
    if (!session) return std::unexpected(session.error());
    if (push->status != push::PushStatus::kApproved || session->stage != SessionStage::kMfa) {
      return session->stage;
    }
    auto finished = finish_second_step(tx, app, who, *session, "push", push->remember);
    if (!finished) return std::unexpected(finished.error());
    remember_cookie = std::move(*finished);
    return SessionStage::kDone;
  });
  if (!stage) return {std::unexpected(stage.error()), false};
  body["stage"] = account::to_string(*stage);
  HttpResponse response = session_json(200, std::move(body), token);
  if (remember_cookie) add_set_cookie(response, std::move(*remember_cookie));
  return {std::move(response), pending};
}

void poll_push(App& app, HttpRequest& request, Respond respond) {
  auto wait = query_int(request, "wait", 0, std::numeric_limits<std::int32_t>::max());
  if (!wait) {
    respond(std::unexpected(wait.error()));
    return;
  }
  const std::string txid = request.param("txid");
  if (!txid.starts_with(push::kTxidPrefix)) {
    respond(core::fail(core::ErrorKind::kNotFound, "transaction_not_found", "no such transaction"));
    return;
  }
  PushRuntime::PollRead read = [&app, txid, session_id = request.principal.session_id,
                                token = std::string(session_token(request)),
                                who = audit_context(request)] {
    return read_session_push(app, txid, session_id, token, who);
  };
  const auto seconds = std::chrono::seconds(std::min(wait->value_or(0), kMaxWaitSeconds));
  app.push_runtime->long_poll(app.transaction_waiters, txid, seconds, std::move(read),
                              std::move(respond));
}

}  // namespace

void register_session_push_routes(Router& router, App& app) {
  router.add("POST", "/v1/session/push", Access::kSessionAnyStage, bind_app(app, start_push));
  router.add_async("GET", "/v1/session/push/{txid}", Access::kSessionAnyStage,
                   [&app](HttpRequest& request, Respond respond) {
                     poll_push(app, request, std::move(respond));
                   });
}

}  // namespace twostep::server
