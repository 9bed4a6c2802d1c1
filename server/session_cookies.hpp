// The web sign-in's cookies: reading them from a request and writing their Set-Cookie
// headers. Both are `__Host-` cookies (Secure, Path=/, no Domain), HttpOnly and
// SameSite=Strict (SPEC.md "Sessions"). The session cookie has no Max-Age: the server ends
// the session (idle and absolute limits), and the browser forgets it when it closes.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "server/http.hpp"

namespace twostep::server {

inline constexpr std::string_view kSessionCookie = "__Host-twostep_session";
inline constexpr std::string_view kRememberCookie = "__Host-twostep_remember";

/// The value of cookie `name` in the request's Cookie headers, or "".
std::string_view request_cookie(const HttpRequest& request, std::string_view name);

/// "NAME=VALUE; Path=/; Secure; HttpOnly; SameSite=Strict" (+ "; Max-Age=N" when
/// `max_age` is positive).
std::string set_cookie_value(std::string_view name, std::string_view value,
                             std::chrono::seconds max_age = std::chrono::seconds(0));
/// The Set-Cookie value that makes the browser drop cookie `name` (Max-Age=0).
std::string clear_cookie_value(std::string_view name);

/// Adds a Set-Cookie header to `response`.
void add_set_cookie(HttpResponse& response, std::string value);

}  // namespace twostep::server
