#include "server/account_authenticator.hpp"

#include "account/admin_tokens.hpp"
#include "account/applications.hpp"
#include "account/sessions.hpp"
#include "server/session_cookies.hpp"

namespace twostep::server {
namespace {

std::unexpected<core::Error> unauthenticated(std::string message) {
  return core::fail(core::ErrorKind::kUnauthenticated, "unauthenticated", std::move(message));
}

std::unexpected<core::Error> forbidden(std::string message) {
  return core::fail(core::ErrorKind::kForbidden, "forbidden", std::move(message));
}

bool iequals_ascii(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

bool is_write(std::string_view method) {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

// Which stages a route's access admits. kAdmin through the web needs a finished sign-in.
bool stage_allowed(account::SessionStage stage, Access access) {
  switch (access) {
    case Access::kSessionAnyStage:
      return true;
    case Access::kSessionEnrolling:
      return stage != account::SessionStage::kMfa;
    default:
      return stage == account::SessionStage::kDone;
  }
}

core::Result<void> check_csrf(const HttpRequest& request, std::string_view token) {
  if (!is_write(request.method)) return {};
  std::string_view presented = request.header("x-csrf-token");
  if (presented.empty()) {
    return core::fail(core::ErrorKind::kForbidden, "csrf_required",
                      "requests made with the session cookie must send X-CSRF-Token");
  }
  if (!account::csrf_token_matches(token, presented)) {
    return core::fail(core::ErrorKind::kForbidden, "csrf_invalid",
                      "the X-CSRF-Token does not belong to this session");
  }
  return {};
}

}  // namespace

std::string_view bearer_token(const HttpRequest& request) {
  std::string_view value = request.header("authorization");
  constexpr std::string_view kScheme = "bearer ";
  if (value.size() <= kScheme.size() || !iequals_ascii(value.substr(0, kScheme.size()), kScheme)) {
    return {};
  }
  value.remove_prefix(kScheme.size());
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  return value;
}

core::Result<Principal> AccountAuthenticator::authenticate(const HttpRequest& request,
                                                           Access access) {
  switch (access) {
    case Access::kPublic:
      return Principal{};
    case Access::kAdmin:
      return admin(request, bearer_token(request));
    case Access::kApplication:
      return application(bearer_token(request));
    case Access::kSession:
    case Access::kSessionEnrolling:
    case Access::kSessionAnyStage:
      return session(request, access);
  }
  return unauthenticated("sign-in is required");
}

core::Result<account::Session> AccountAuthenticator::signed_in(const HttpRequest& request,
                                                               Access access) {
  const std::string_view token = request_cookie(request, kSessionCookie);
  if (token.empty()) return unauthenticated("sign-in is required");
  auto session = account::authenticate_session(store_, clock_, token);
  if (!session) return std::unexpected(session.error());
  if (!stage_allowed(session->stage, access)) {
    return unauthenticated("the sign-in is not finished (stage " +
                           std::string(account::to_string(session->stage)) + ")");
  }
  if (auto ok = check_csrf(request, token); !ok) return std::unexpected(ok.error());
  return session;
}

core::Result<Principal> AccountAuthenticator::session(const HttpRequest& request, Access access) {
  auto session = signed_in(request, access);
  if (!session) return std::unexpected(session.error());
  return Principal{Principal::Kind::kUser, session->user_id, session->username, session->id};
}

core::Result<Principal> AccountAuthenticator::admin(const HttpRequest& request,
                                                    std::string_view bearer) {
  // An admin signed in through the web: the session of a user with the admin role.
  if (bearer.empty() && !request_cookie(request, kSessionCookie).empty()) {
    auto session = signed_in(request, Access::kSession);
    if (!session) return std::unexpected(session.error());
    if (session->role != account::Role::kAdmin) {
      return forbidden("the admin API needs an admin's session or an admin token");
    }
    return Principal{Principal::Kind::kAdmin, session->user_id, session->username, session->id};
  }
  if (bearer.empty()) return unauthenticated("an admin token is required (Authorization: Bearer)");
  if (auto token = account::authenticate_admin_token(store_, clock_, bearer)) {
    return Principal{Principal::Kind::kAdmin, token->id, token->name, ""};
  }
  bool is_app = store_.read(
      [&](store::Tx& tx) { return account::find_application_by_key(tx, bearer).has_value(); });
  if (is_app) return forbidden("an application key cannot use the admin API");
  return unauthenticated("the admin token is not valid");
}

core::Result<Principal> AccountAuthenticator::application(std::string_view bearer) {
  if (bearer.empty()) {
    return unauthenticated("an application key is required (Authorization: Bearer)");
  }
  if (auto app = account::authenticate_application_key(store_, clock_, bearer)) {
    return Principal{Principal::Kind::kApplication, app->id, app->name, ""};
  }
  bool is_admin =
      store_.read([&](store::Tx& tx) { return account::find_admin_token(tx, bearer).has_value(); });
  if (is_admin) return forbidden("an admin token cannot use the application API");
  return unauthenticated("the application key is not valid");
}

}  // namespace twostep::server
