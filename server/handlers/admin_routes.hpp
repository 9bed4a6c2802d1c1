// The admin API's route registrations (API.md "Admin API"), one per area; each is called
// once from register_routes() in server/app.cpp. Every route requires Access::kAdmin.
#pragma once

#include "server/app.hpp"
#include "server/router.hpp"

namespace twostep::server {

/// POST/GET /v1/users, GET/PATCH/DELETE /v1/users/{user}, POST /v1/users/{user}/unblock,
/// POST /v1/users/{user}/registration-link (admin_users.cpp).
void register_admin_users_routes(Router& router, App& app);
/// POST/GET /v1/applications, DELETE /v1/applications/{id} (admin_applications.cpp).
void register_admin_applications_routes(Router& router, App& app);
/// GET/PATCH /v1/settings (admin_settings.cpp).
void register_admin_settings_routes(Router& router, App& app);
/// GET /v1/audit (admin_audit.cpp).
void register_admin_audit_routes(Router& router, App& app);

}  // namespace twostep::server
