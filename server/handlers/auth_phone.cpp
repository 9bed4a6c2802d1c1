// Sign-in codes by text message or call (API.md "Auth API"): POST /v1/auth/sms sends a code
// and opens an "stx" transaction, POST /v1/auth/transactions/{txid}/code checks a code, and
// read_phone_transaction() serves GET /v1/auth/transactions/{txid} for them (the route and
// its long poll live in auth_push.cpp). Also the web sign-in's send-code and verify steps,
// which use the same transactions under the session's requester id. Thin adapters over
// phone::PhoneService; every call blocks on the store (and sending on the provider), so they
// run on worker threads like every synchronous handler.
#include "account/users.hpp"
#include "server/bodies/auth_bodies.hpp"
#include "server/handlers/admin_support.hpp"
#include "server/handlers/phone_routes.hpp"
#include "server/json_io.hpp"
#include "server/phone_wiring.hpp"

namespace twostep::server {
namespace {

using Reply = core::Result<HttpResponse>;

constexpr std::string_view kSessionRequesterPrefix = "session:";

// The refusal for a username nobody has: the same 404 as a user without the phone asked
// for, so an application cannot probe which usernames exist (auth_totp.cpp hides them the
// same way behind invalid_code).
std::unexpected<core::Error> phone_not_found() {
  return core::fail(core::ErrorKind::kNotFound, "phone_not_found",
                    "the user has no such phone for sign-in codes", "phone");
}

boost::json::object new_transaction_json(const phone::NewCodeTransaction& created) {
  return {{"txid", created.txid},
          {"status", "pending"},
          {"method", phone::to_string(created.channel)},
          {"phone", phone::to_string(created.phone)},
          {"sent_to", created.number_masked},
          {"expires_at", core::to_rfc3339(created.expires_at)}};
}

Reply send_code(App& app, HttpRequest& request) {
  auto input = read_phone_code_body(request);
  if (!input) return std::unexpected(input.error());
  auto user =
      app.store->read([&](store::Tx& tx) { return account::find_user(tx, input->username); });
  if (!user) return phone_not_found();
  phone::SignInCodeRequest code_request{user->id, input->phone, input->channel,
                                        request.principal.id};
  auto created =
      app.phone->start_sign_in(code_request, load_phone_settings(app), audit_context(request));
  if (!created) return std::unexpected(created.error());
  return json_response(202, new_transaction_json(*created));
}

// The wire answer to one code: a wrong code that may be tried again is a denial of that
// code ("invalid_code") while the transaction stays pending for the right one.
boost::json::object code_check_json(const phone::CodeCheck& check) {
  const bool retry = check.status == phone::CodeStatus::kPending;
  boost::json::object out{{"txid", check.txid},
                          {"status", retry ? "denied" : phone::to_string(check.status)}};
  if (!check.reason.empty()) out["reason"] = check.reason;
  if (retry) out["attempts_remaining"] = check.attempts_remaining;
  if (check.retry_after.count() > 0) out["retry_after"] = check.retry_after.count();
  return out;
}

Reply check_code(App& app, HttpRequest& request) {
  auto code = read_code_body(request);
  if (!code) return std::unexpected(code.error());
  auto check = app.phone->verify_sign_in(request.param("txid"), request.principal.id, *code,
                                         load_phone_settings(app), audit_context(request));
  if (!check) return std::unexpected(check.error());
  return json_response(200, code_check_json(*check));
}

boost::json::object code_transaction_json(const phone::CodeTransaction& transaction) {
  boost::json::object out{{"txid", transaction.txid},
                          {"method", phone::to_string(transaction.channel)},
                          {"phone", phone::to_string(transaction.phone)},
                          {"status", phone::to_string(transaction.status)},
                          {"expires_at", core::to_rfc3339(transaction.expires_at)}};
  if (!transaction.reason.empty()) out["reason"] = transaction.reason;
  return out;
}

}  // namespace

PushRuntime::PollState read_phone_transaction(App& app, const std::string& txid,
                                              const std::string& requester) {
  auto transaction = app.phone->get_transaction(txid, requester);
  if (!transaction) return {std::unexpected(transaction.error()), false};
  return {json_response(200, code_transaction_json(*transaction)),
          transaction->status == phone::CodeStatus::kPending};
}

std::string session_code_requester(std::string_view session_id) {
  return std::string(kSessionRequesterPrefix) + std::string(session_id);
}

core::Result<phone::NewCodeTransaction> send_session_code(App& app, const store::AuditContext& who,
                                                          std::string_view user_id,
                                                          std::string_view method,
                                                          std::string_view phone_type,
                                                          std::string_view session_id) {
  auto type = phone_type_or_default(phone_type);
  if (!type) return std::unexpected(type.error());
  auto channel = channel_or_default(method);
  if (!channel) return std::unexpected(channel.error());
  phone::SignInCodeRequest code_request{std::string(user_id), *type, *channel,
                                        session_code_requester(session_id)};
  return app.phone->start_sign_in(code_request, load_phone_settings(app), who);
}

core::Result<phone::CodeCheck> check_session_code(App& app, const store::AuditContext& who,
                                                  std::string_view user_id, std::string_view method,
                                                  std::string_view code,
                                                  std::string_view session_id) {
  if (auto channel = channel_or_default(method); !channel || !*channel) {
    return core::fail_invalid("method", "method must be one of: sms, voice");
  }
  const std::string requester = session_code_requester(session_id);
  const auto txid = app.phone->latest_pending_txid(requester, user_id);
  if (!txid) {
    return core::fail(core::ErrorKind::kConflict, "no_code_sent",
                      "no code is waiting for this sign-in: send a new one");
  }
  return app.phone->verify_sign_in(*txid, requester, code, load_phone_settings(app), who);
}

void register_auth_phone_routes(Router& router, App& app) {
  router.add("POST", "/v1/auth/sms", Access::kApplication, bind_app(app, send_code));
  router.add("POST", "/v1/auth/transactions/{txid}/code", Access::kApplication,
             bind_app(app, check_code));
}

}  // namespace twostep::server
