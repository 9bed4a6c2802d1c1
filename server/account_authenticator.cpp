#include "server/account_authenticator.hpp"

#include "account/admin_tokens.hpp"
#include "account/applications.hpp"

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
      return admin(bearer_token(request));
    case Access::kApplication:
      return application(bearer_token(request));
    case Access::kSession:
      break;
  }
  return unauthenticated("sign-in is required");
}

core::Result<Principal> AccountAuthenticator::admin(std::string_view bearer) {
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
