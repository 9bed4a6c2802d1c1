// The server's authenticator on the account module: admin tokens for the admin API,
// application keys for the auth API. Sessions (end users, and admins signed in through the
// web) arrive with the accounts work; until then Access::kSession always answers 401.
#pragma once

#include <string_view>

#include "core/clock.hpp"
#include "server/authenticator.hpp"
#include "store/store.hpp"

namespace twostep::server {

class AccountAuthenticator final : public Authenticator {
 public:
  /// Both references must outlive the authenticator.
  AccountAuthenticator(store::Store& store, const core::Clock& clock)
      : store_(store), clock_(clock) {}

  /// kAdmin: `Authorization: Bearer <admin token>`; kApplication: `Bearer <application
  /// key>`. A missing or unknown credential is 401 "unauthenticated"; a valid credential of
  /// the other kind is 403 "forbidden". kSession: 401 (sign-in not available yet).
  core::Result<Principal> authenticate(const HttpRequest& request, Access access) override;

 private:
  core::Result<Principal> admin(std::string_view bearer);
  core::Result<Principal> application(std::string_view bearer);

  store::Store& store_;
  const core::Clock& clock_;
};

/// The credential of an `Authorization: Bearer …` header (scheme in any case), or "".
std::string_view bearer_token(const HttpRequest& request);

}  // namespace twostep::server
