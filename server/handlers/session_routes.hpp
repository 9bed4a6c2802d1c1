// The web sign-in and self-service API (API.md "Self-service", docs/API-ADDITIONS.md
// "Sessions and registration"): POST /v1/session and its second steps, registration with
// the admin's link, GET /v1/me and the user's own methods, and the help desk's temporary
// access codes. The shared pieces of the handlers are declared here too; each part lives in
// its own file.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "account/sessions.hpp"
#include "server/app.hpp"
#include "server/http.hpp"
#include "server/router.hpp"
#include "store/audit.hpp"
#include "store/store.hpp"

namespace twostep::server {

/// Registers every route of this area; called once from register_routes() in app.cpp.
void register_session_area_routes(Router& router, App& app);

// The parts, each in its own file.
void register_session_routes(Router& router, App& app);           // session.cpp
void register_session_push_routes(Router& router, App& app);      // session_push.cpp
void register_session_verify_routes(Router& router, App& app);    // session_verify.cpp
void register_registration_routes(Router& router, App& app);      // registration.cpp
void register_me_routes(Router& router, App& app);                // me.cpp
void register_me_method_routes(Router& router, App& app);         // me_methods.cpp
void register_temporary_access_routes(Router& router, App& app);  // temporary_access.cpp

// Shared by the handlers (session_support.cpp).

/// The session token of the request's cookie ("" when none).
std::string_view session_token(const HttpRequest& request);

/// A JSON response of `body` plus "csrf_token" of the session whose token is `token`.
HttpResponse session_json(unsigned status, boost::json::object body, std::string_view token);

/// The request's session (by the principal's session id) in `tx`, which must be at `stage`:
/// 409 "invalid_stage" otherwise, 401 when it has ended.
core::Result<account::Session> require_stage(store::Tx& tx, App& app, const HttpRequest& request,
                                             account::SessionStage stage);

/// Ends the second step in `tx`: the session moves from mfa to done (recording `method`),
/// and when `remember` is asked and remember_days > 0 a remember token is issued. Returns
/// the Set-Cookie value of that token, if any.
core::Result<std::optional<std::string>> finish_second_step(store::Tx& tx, App& app,
                                                            const store::AuditContext& who,
                                                            const account::Session& session,
                                                            std::string_view method, bool remember);

}  // namespace twostep::server
