// Resolves the credential a route requires (admin token, application key, session cookie)
// into a Principal. The server calls it on a worker thread before the handler runs; the
// implementation lives with the account module's wiring (server/account_authenticator.cpp).
#pragma once

#include "core/error.hpp"
#include "server/http.hpp"

namespace twostep::server {

class Authenticator {
 public:
  virtual ~Authenticator() = default;
  /// Errors: 401 "unauthenticated" (missing or unknown credential), 403 "forbidden"
  /// (a valid credential of the wrong kind, e.g. an application key on the admin API, or a
  /// cookie write without a valid X-CSRF-Token).
  virtual core::Result<Principal> authenticate(const HttpRequest& request, Access access) = 0;
};

}  // namespace twostep::server
