// The authenticator of a server that has no credential store wired in: it accepts no
// credential, so every non-public route answers 401. The account module's authenticator
// (admin tokens, application keys, sessions) replaces it in App.
#pragma once

#include "server/authenticator.hpp"

namespace twostep::server {

class RejectingAuthenticator final : public Authenticator {
 public:
  core::Result<Principal> authenticate(const HttpRequest& /*request*/, Access /*access*/) override {
    return core::fail(core::ErrorKind::kUnauthenticated, "unauthenticated",
                      "a valid credential is required");
  }
};

}  // namespace twostep::server
