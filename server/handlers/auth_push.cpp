// Auth API for push approvals (API.md "Auth API"): POST /v1/auth/push asks a user's devices,
// GET /v1/auth/transactions/{txid}?wait=S long-polls a transaction's status. Thin adapters:
// the rules are push::PushService's; the waiting is the push runtime's (a timer and a
// one-shot waiter, no thread). The status route serves every kind of transaction and picks
// the reader by the txid's prefix in transaction_reader(), the one place to add SMS.
#include <algorithm>
#include <limits>
#include <optional>

#include "account/users.hpp"
#include "push/types.hpp"
#include "server/bodies/auth_bodies.hpp"
#include "server/device_actions.hpp"
#include "server/handlers/admin_support.hpp"
#include "server/handlers/app_credential_routes.hpp"
#include "server/handlers/phone_routes.hpp"
#include "server/json_io.hpp"
#include "server/push_runtime.hpp"
#include "server/routes.hpp"

namespace twostep::server {
namespace {

using Reply = core::Result<HttpResponse>;

/// API.md: a long poll waits at most 30 seconds; longer requests are served as 30.
constexpr std::int64_t kMaxWaitSeconds = 30;

Reply create_push(App& app, HttpRequest& request) {
  auto body = read_push_body(request);
  if (!body) return std::unexpected(body.error());

  auto user = app.store->read([&](store::Tx& tx) { return account::get_user(tx, body->username); });
  if (!user) return std::unexpected(user.error());
  const Principal& caller = request.principal;
  push::PushRequest push_request{user->id, push::Requester{caller.id, caller.name},
                                 std::move(body->context), body->remember};
  auto created =
      app.push->create_push(push_request, load_push_settings(app), audit_context(request));
  if (!created) return std::unexpected(created.error());
  return json_response(202,
                       boost::json::object{{"txid", created->txid},
                                           {"status", "pending"},
                                           {"number", created->number},
                                           {"expires_at", core::to_rfc3339(created->expires_at)}});
}

boost::json::object push_transaction_json(const push::PushTransaction& push) {
  boost::json::object out{{"txid", push.txid},
                          {"method", "push"},
                          {"status", push::to_string(push.status)},
                          {"expires_at", core::to_rfc3339(push.expires_at)}};
  if (!push.reason.empty()) out["reason"] = push.reason;
  if (!push.device_id.empty()) out["device_id"] = push.device_id;
  return out;
}

// An approved push asked for with `remember: true` carries its remember_token in the first
// read of the approved status only (claim_push_remember_token); the application keeps it.
PushRuntime::PollState read_push(App& app, const std::string& txid, const std::string& requester,
                                 const store::AuditContext& who) {
  auto push = app.push->get_transaction(txid, requester);
  if (!push) return {std::unexpected(push.error()), false};
  boost::json::object body = push_transaction_json(*push);
  if (push->remember && push->status == push::PushStatus::kApproved) {
    put_remember_token(body, claim_push_remember_token(app, who, txid, push->user_id, requester));
  }
  return {json_response(200, body), push->status == push::PushStatus::kPending};
}

// The one dispatch on the kind of transaction. Only the application that created a
// transaction may read it; anyone else gets the same 404 as for an unknown txid.
std::optional<PushRuntime::PollRead> transaction_reader(App& app, const std::string& txid,
                                                        const std::string& requester,
                                                        const store::AuditContext& who) {
  if (txid.starts_with(push::kTxidPrefix)) {
    return [&app, txid, requester, who] { return read_push(app, txid, requester, who); };
  }
  if (txid.starts_with(phone::kTxidPrefix)) {
    return [&app, txid, requester] { return read_phone_transaction(app, txid, requester); };
  }
  return std::nullopt;
}

void get_transaction(App& app, HttpRequest& request, Respond respond) {
  auto wait = query_int(request, "wait", 0, std::numeric_limits<std::int32_t>::max());
  if (!wait) {
    respond(std::unexpected(wait.error()));
    return;
  }
  const std::string& txid = request.param("txid");
  auto reader = transaction_reader(app, txid, request.principal.id, audit_context(request));
  if (!reader) {
    respond(core::fail(core::ErrorKind::kNotFound, "transaction_not_found", "no such transaction"));
    return;
  }
  const auto seconds = std::min(wait->value_or(0), kMaxWaitSeconds);
  app.push_runtime->long_poll(app.transaction_waiters, txid, std::chrono::seconds(seconds),
                              std::move(*reader), std::move(respond));
}

}  // namespace

void register_auth_push_routes(Router& router, App& app) {
  router.add("POST", "/v1/auth/push", Access::kApplication, bind_app(app, create_push));
  router.add_async("GET", "/v1/auth/transactions/{txid}", Access::kApplication,
                   [&app](HttpRequest& request, Respond respond) {
                     get_transaction(app, request, std::move(respond));
                   });
}

}  // namespace twostep::server
