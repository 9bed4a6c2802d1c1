// Phone methods over HTTP (API.md "Auth API" sms/voice and "Self-service" phones): the
// route registration, the self-service handlers as functions of a user id (the session's
// principal, or a user an admin names), and the two calls the web sign-in makes for its
// send-code and verify steps. Thin adapters over phone::PhoneService: they parse, call the
// domain, announce committed changes, and shape the JSON.
#pragma once

#include <string>
#include <string_view>

#include <boost/json/array.hpp>

#include "core/error.hpp"
#include "phone/phone_service.hpp"
#include "server/app.hpp"
#include "server/http.hpp"
#include "server/push_runtime.hpp"
#include "server/router.hpp"
#include "store/audit.hpp"
#include "store/store.hpp"

namespace twostep::server {

/// POST /v1/auth/sms, POST /v1/auth/transactions/{txid}/code (application key) and the
/// /v1/me/phones routes (session). GET /v1/auth/transactions/{txid} is registered by
/// auth_push.cpp, which hands "stx" transactions to read_phone_transaction().
void register_phone_routes(Router& router, App& app);

/// The application routes only (POST /v1/auth/sms and …/code); register_phone_routes calls it.
void register_auth_phone_routes(Router& router, App& app);

/// The requester id under which a web sign-in session's codes are kept ("session:<id>"), so
/// that only that session can check them.
std::string session_code_requester(std::string_view session_id);

/// The web sign-in's `POST /v1/session/send-code {method, phone}`: sends a sign-in code to
/// the user's phone. `method` is "sms"|"voice" ("" = the domain's default); `phone_type` is
/// "mobile"|"alternate_mobile"|"office" ("" = the domain's default). Errors: 400
/// "invalid_method" / "invalid_phone" (field named), and PhoneService::start_sign_in's
/// (404 "phone_not_found", 429 "too_many_codes" with retry_after, 423 "locked_out", …).
core::Result<phone::NewCodeTransaction> send_session_code(App& app, const store::AuditContext& who,
                                                          std::string_view user_id,
                                                          std::string_view method,
                                                          std::string_view phone_type,
                                                          std::string_view session_id);

/// The web sign-in's `POST /v1/session/verify {method: "sms"|"voice", code}`: checks `code`
/// against the session's newest pending code for the user. The result's `status` is
/// kApproved when the second step is done; otherwise `reason` says why (see
/// phone::CodeCheck; kPending with "invalid_code" means "wrong, try again"). Errors: 400
/// "invalid_method" (field "method"); 409 "no_code_sent" when the session has no pending
/// code (send one first, or it expired); PhoneService::verify_sign_in's errors.
core::Result<phone::CodeCheck> check_session_code(App& app, const store::AuditContext& who,
                                                  std::string_view user_id, std::string_view method,
                                                  std::string_view code,
                                                  std::string_view session_id);

/// The `phones` array of a methods listing (GET /v1/me, GET /v1/users/{user}/methods).
boost::json::array phones_json(store::Tx& tx, std::string_view user_id);

// ---- Self-service, as functions of the user id --------------------------------------------

/// GET /v1/me/phones → {"items": [phone…]}.
core::Result<HttpResponse> list_phones_for(App& app, std::string_view user_id);
/// PUT /v1/me/phones/{type} {number} → 200 {phone} | 202 {verification_id, …}.
core::Result<HttpResponse> set_phone_for(App& app, HttpRequest& request, std::string_view user_id);
/// POST /v1/me/phones/verifications/{verification_id} {code} → 200 {phone}.
core::Result<HttpResponse> confirm_phone_for(App& app, HttpRequest& request,
                                             std::string_view user_id);
/// DELETE /v1/me/phones/{type} → 204.
core::Result<HttpResponse> remove_phone_for(App& app, HttpRequest& request,
                                            std::string_view user_id);

/// GET /v1/auth/transactions/{txid} for an "stx" transaction: the response and whether the
/// transaction is still pending. 404 "transaction_not_found" for another requester.
PushRuntime::PollState read_phone_transaction(App& app, const std::string& txid,
                                              const std::string& requester);

}  // namespace twostep::server
