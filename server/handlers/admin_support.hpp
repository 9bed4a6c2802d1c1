// What the admin handlers share: the audit context of a request, the account Env of the
// App, and the JSON shapes of the objects they return.
#pragma once

#include <boost/json/object.hpp>

#include "account/applications.hpp"
#include "account/audit_query.hpp"
#include "account/env.hpp"
#include "account/users.hpp"
#include "server/app.hpp"
#include "server/http.hpp"
#include "store/audit.hpp"

namespace twostep::server {

/// A handler written as a plain function of the App and the request.
using AppHandler = core::Result<HttpResponse> (*)(App&, HttpRequest&);
/// The router's Handler for `fn` bound to `app`.
inline Handler bind_app(App& app, AppHandler fn) {
  return [&app, fn](HttpRequest& request) { return fn(app, request); };
}

/// Who made the request ("admin:NAME", "user:NAME", "app:NAME"), from where, and its
/// correlation id: the fields every audit row of the request carries.
store::AuditContext audit_context(const HttpRequest& request);

/// The App's real clock and randomness.
inline account::Env account_env(App& app) { return {app.clock, app.random}; }

/// {id, username, display_name, status, role, created_at, updated_at, password_set,
///  registration: {pending, expires_at?}, locked_until?}
boost::json::object user_json(const account::User& user);

/// {id, name, created_at, last_used_at (or null)}
boost::json::object application_json(const account::Application& application);

/// {id, time, type, user, username?, device_id?, actor, ip?, result, correlation_id,
///  detail}
boost::json::object audit_entry_json(const account::AuditEntry& entry);

}  // namespace twostep::server
