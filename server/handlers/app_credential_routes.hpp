// The application-side credentials of issue 5 over HTTP: remembered browsers (their
// revocation, and the remember_token an application gets after a second step with
// `remember: true`), app passwords (self-service list/create/delete, and the application's
// POST /v1/auth/app-password) and the application's POST /v1/auth/preauth.
//
// The per-user handlers take the user id rather than reading the path, so the
// self-service routes (the session's user) and any admin or help-desk route (a user an
// admin names, resolved first) are thin lambdas around the same functions.
#pragma once

#include <optional>
#include <string_view>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "account/remember_tokens.hpp"
#include "server/app.hpp"
#include "server/http.hpp"
#include "server/router.hpp"
#include "store/audit.hpp"
#include "store/store.hpp"

namespace twostep::server {

// ---- Remembered browsers (trusted_browsers.cpp) ----------------------------------------

/// A remember token for an application's user after a successful second step, valid for the
/// `remember_days` setting; nullopt when remember_days is 0. Call in the transaction that
/// records the success.
std::optional<account::IssuedRememberToken> issue_application_remember_token(
    store::Tx& tx, App& app, const store::AuditContext& who, std::string_view user_id,
    std::string_view application_id);

/// Adds `remember_token` (and `remember_expires_at`) to `out` when `issued` has one.
void put_remember_token(boost::json::object& out,
                        const std::optional<account::IssuedRememberToken>& issued);

/// For GET /v1/auth/transactions/{txid}: when the push is approved, was asked for with
/// `remember: true` and its token was not handed out yet, claims it and issues one (the
/// first read of the approved status gets it; later reads do not). nullopt otherwise, also
/// when the user may no longer sign in.
std::optional<account::IssuedRememberToken> claim_push_remember_token(
    App& app, const store::AuditContext& who, std::string_view txid, std::string_view user_id,
    std::string_view application_id);

/// Deletes every remember token of the user id → 200 {revoked: N}. `reason` goes to the
/// audit row ("user_request", "admin_request").
core::Result<HttpResponse> revoke_trusted_browsers_for(App& app, HttpRequest& request,
                                                       std::string_view user_id,
                                                       std::string_view reason);

// ---- App passwords (app_passwords.cpp) -------------------------------------------------

/// [{id, name, created_at, last_used_at (or null)}] of the user id, never a password.
boost::json::array app_passwords_json(store::Tx& tx, std::string_view user_id);

/// → 200 {items: app_passwords_json, next_cursor: null}.
core::Result<HttpResponse> list_app_passwords_for(App& app, HttpRequest& request,
                                                  std::string_view user_id);
/// Body {name} → 201 {id, name, password, created_at} (the password shown this once); the
/// user's devices get an `app_password_created` notice. Errors: 400 "invalid_name", 403
/// "app_passwords_disabled", 409 "too_many_app_passwords".
core::Result<HttpResponse> create_app_password_for(App& app, HttpRequest& request,
                                                   std::string_view user_id);
/// → 204; 404 "app_password_not_found" for an unknown id or another user's.
core::Result<HttpResponse> delete_app_password_for(App& app, HttpRequest& request,
                                                   std::string_view user_id,
                                                   std::string_view app_password_id);

// ---- Routes --------------------------------------------------------------------------

/// /v1/me/trusted-browsers/revoke, /v1/users/{user}/trusted-browsers/revoke,
/// /v1/me/app-passwords… (trusted_browsers.cpp, app_passwords.cpp).
void register_app_credential_routes(Router& router, App& app);
/// POST /v1/auth/app-password (auth_app_password.cpp).
void register_auth_app_password_routes(Router& router, App& app);
/// POST /v1/auth/preauth (auth_preauth.cpp).
void register_auth_preauth_routes(Router& router, App& app);

}  // namespace twostep::server
