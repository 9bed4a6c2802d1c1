// The authenticator methods API (API.md, issue "QR activation, TOTP, and explicit
// deactivation"): activations and their QR codes, the device registry and every admin
// removal path, OATH tokens, a user's methods, the phone's POST /v1/activate and the
// application's POST /v1/auth/totp.
//
// The per-user handlers take a UserScope instead of reading the path themselves, so the
// admin routes (/v1/users/{user}/…) and the self-service routes (/v1/me/…, with the
// session's user) are thin lambdas around the same functions.
#pragma once

#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "account/users.hpp"
#include "server/app.hpp"
#include "server/router.hpp"
#include "store/store.hpp"

namespace twostep::server {

using Reply = core::Result<HttpResponse>;

/// Whose methods a request works on.
struct UserScope {
  std::string user_ref;       // user id or username
  bool self_service = false;  // true: URLs under /v1/me, removals have reason user_removed
};

/// "/v1/me" or "/v1/users/USER_ID": where the scope's URLs (QR codes) live.
std::string scope_path(const UserScope& scope, std::string_view user_id);

enum class QrFormat { kPng, kSvg };

// Activations (activations.cpp). Status and QR are readable only by the activation's
// creator (the same audit actor: that user's session, or that admin) and answer 404
// activation_not_found to anyone else.

/// Body {replace_device_id?} (an empty body is {}) → 201 {activation_id, activation_uri,
/// code, url, qr_png_url, qr_svg_url, expires_at}.
Reply create_activation_for(App& app, HttpRequest& request, const UserScope& scope);
/// → {activation_id, status: pending|completed|expired, device_id?, expires_at, created_at}.
Reply activation_status_for(App& app, HttpRequest& request, const UserScope& scope,
                            std::string_view activation_id);
/// The QR code of a pending activation's URI.
Reply activation_qr_for(App& app, HttpRequest& request, const UserScope& scope,
                        std::string_view activation_id, QrFormat format);

// Devices (authenticators.cpp).

/// Every device of the user, active and deactivated: {items, next_cursor}.
Reply list_authenticators_for(App& app, HttpRequest& request, const UserScope& scope);
/// Deactivates one device (admin_removed, or user_removed for self-service) → 200 device.
Reply remove_authenticator_for(App& app, HttpRequest& request, const UserScope& scope,
                               std::string_view device_id);

// OATH tokens (oath_tokens.cpp).

/// Body {display_name} → 201 {id, display_name, status: "pending", otpauth_uri, secret,
/// qr_png_url, qr_svg_url, algorithm, digits, period, created_at}.
Reply create_oath_token_for(App& app, HttpRequest& request, const UserScope& scope);
/// Body {code} → 200 token with status "active".
Reply verify_oath_token_for(App& app, HttpRequest& request, const UserScope& scope,
                            std::string_view token_id);
/// → 204.
Reply delete_oath_token_for(App& app, HttpRequest& request, const UserScope& scope,
                            std::string_view token_id);
/// The QR code of a pending token's otpauth URI (409 oath_token_active once proved).
Reply oath_token_qr_for(App& app, HttpRequest& request, const UserScope& scope,
                        std::string_view token_id, QrFormat format);

// Methods (methods.cpp).

/// {authenticators (active devices), oath_tokens, phones, app_passwords,
///  trusted_browsers: {count}, preferred_method}: the one place where each method family
/// adds its part (GET …/methods, GET /v1/me, and pre-auth use it).
boost::json::object user_methods_json(store::Tx& tx, const core::Clock& clock,
                                      const account::User& user);
/// → user_methods_json of the scope's user.
Reply methods_for(App& app, HttpRequest& request, const UserScope& scope);

/// Removes every method of the user in one transaction (devices deactivated with reason
/// admin_reregistration, OATH tokens deleted, pending activations cancelled, app passwords
/// deleted, remember tokens revoked) and issues a new registration link →
/// {registration_url, registration_expires_at, deactivated_devices, oath_tokens_deleted,
/// activations_cancelled, app_passwords_deleted}.
Reply require_reregistration_for(App& app, HttpRequest& request, const UserScope& scope);

/// Registers every route of this area; called once from register_routes() in app.cpp.
void register_authenticator_area_routes(Router& router, App& app);

// The parts, each in its own file.
void register_activation_routes(Router& router, App& app);      // activations.cpp
void register_activate_route(Router& router, App& app);         // activation_public.cpp
void register_authenticators_routes(Router& router, App& app);  // authenticators.cpp
void register_stale_routes(Router& router, App& app);           // authenticators_stale.cpp
void register_oath_token_routes(Router& router, App& app);      // oath_tokens.cpp
void register_methods_routes(Router& router, App& app);         // methods.cpp
void register_auth_totp_routes(Router& router, App& app);       // auth_totp.cpp

}  // namespace twostep::server
