// The server's authenticator on the account module: admin tokens for the admin API,
// application keys for the auth API, and the web sign-in's session cookie for end users (and
// for admins signed in through the web, on the admin API). A request made with the cookie
// that may change something (POST, PUT, PATCH, DELETE) must also carry the session's CSRF
// token in X-CSRF-Token.
#pragma once

#include <string_view>

#include "account/sessions.hpp"
#include "core/clock.hpp"
#include "server/authenticator.hpp"
#include "store/store.hpp"

namespace twostep::server {

class AccountAuthenticator final : public Authenticator {
 public:
  /// Both references must outlive the authenticator.
  AccountAuthenticator(store::Store& store, const core::Clock& clock)
      : store_(store), clock_(clock) {}

  /// kAdmin: `Authorization: Bearer <admin token>`, or without one the session cookie of a
  /// signed-in user with the admin role; kApplication: `Bearer <application key>`. A missing
  /// or unknown credential is 401 "unauthenticated"; a valid credential of the other kind is
  /// 403 "forbidden" (also a session of a user who is not an admin). kSession,
  /// kSessionEnrolling, kSessionAnyStage: the `__Host-twostep_session` cookie of a live
  /// session at an allowed stage (401 "unauthenticated" otherwise) → Principal kUser with
  /// the user's id and username and the session id. Writes made with the cookie need
  /// X-CSRF-Token: 403 "csrf_required" when absent, 403 "csrf_invalid" when wrong.
  core::Result<Principal> authenticate(const HttpRequest& request, Access access) override;

 private:
  core::Result<Principal> admin(const HttpRequest& request, std::string_view bearer);
  core::Result<Principal> application(std::string_view bearer);
  core::Result<Principal> session(const HttpRequest& request, Access access);
  core::Result<account::Session> signed_in(const HttpRequest& request, Access access);

  store::Store& store_;
  const core::Clock& clock_;
};

/// The credential of an `Authorization: Bearer …` header (scheme in any case), or "".
std::string_view bearer_token(const HttpRequest& request);

}  // namespace twostep::server
