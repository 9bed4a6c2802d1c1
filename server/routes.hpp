// The registration functions of each API area (their handlers live in server/handlers/).
// To add an area: declare `void register_<area>_routes(Router&, App&);` here, define it in
// server/handlers/<area>.cpp, and call it from register_routes() in server/app.cpp.
#pragma once

#include "server/app.hpp"
#include "server/router.hpp"

namespace twostep::server {

/// GET /healthz and GET /metrics (public).
void register_operations_routes(Router& router, App& app);

/// GET /, /register, /security-info, /admin and /assets/… from config.web_root()
/// (server/handlers/web_pages.cpp).
void register_web_page_routes(Router& router, App& app);

/// POST /v1/auth/push and GET /v1/auth/transactions/{txid} (application key;
/// server/handlers/auth_push.cpp).
void register_auth_push_routes(Router& router, App& app);

}  // namespace twostep::server
