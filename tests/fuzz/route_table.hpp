// The server's route patterns (server/handlers/), without handlers, for the targets that
// route requests: the real Router, the real table shape, and GET /v1/users/me so that a
// literal segment competes with a parameter. Every route has the server's default options
// (no route sets its own body limit).
#pragma once

#include <array>

#include "server/router.hpp"

namespace twostep::fuzz {

struct Pattern {
  const char* method;
  const char* path;
};

inline constexpr std::array kPatterns{
    Pattern{"GET", "/"},
    Pattern{"GET", "/admin"},
    Pattern{"GET", "/register"},
    Pattern{"GET", "/security-info"},
    Pattern{"GET", "/healthz"},
    Pattern{"GET", "/metrics"},
    Pattern{"GET", "/assets/{file}"},
    Pattern{"GET", "/assets/{dir}/{file}"},
    Pattern{"POST", "/v1/activate"},
    Pattern{"GET", "/v1/applications"},
    Pattern{"POST", "/v1/applications"},
    Pattern{"DELETE", "/v1/applications/{id}"},
    Pattern{"GET", "/v1/audit"},
    Pattern{"POST", "/v1/auth/app-password"},
    Pattern{"POST", "/v1/auth/preauth"},
    Pattern{"POST", "/v1/auth/push"},
    Pattern{"POST", "/v1/auth/sms"},
    Pattern{"POST", "/v1/auth/totp"},
    Pattern{"GET", "/v1/auth/transactions/{txid}"},
    Pattern{"POST", "/v1/auth/transactions/{txid}/code"},
    Pattern{"GET", "/v1/authenticators"},
    Pattern{"POST", "/v1/authenticators/deactivate-stale"},
    Pattern{"GET", "/v1/me"},
    Pattern{"GET", "/v1/me/app-passwords"},
    Pattern{"POST", "/v1/me/app-passwords"},
    Pattern{"DELETE", "/v1/me/app-passwords/{id}"},
    Pattern{"DELETE", "/v1/me/authenticators/{device_id}"},
    Pattern{"GET", "/v1/me/phones"},
    Pattern{"POST", "/v1/me/phones/verifications/{verification_id}"},
    Pattern{"PATCH", "/v1/me/preferences"},
    Pattern{"POST", "/v1/registration"},
    Pattern{"POST", "/v1/registration/lookup"},
    Pattern{"GET", "/v1/session"},
    Pattern{"POST", "/v1/session"},
    Pattern{"DELETE", "/v1/session"},
    Pattern{"POST", "/v1/session/complete-registration"},
    Pattern{"POST", "/v1/session/push"},
    Pattern{"GET", "/v1/session/push/{txid}"},
    Pattern{"POST", "/v1/session/send-code"},
    Pattern{"POST", "/v1/session/verify"},
    Pattern{"GET", "/v1/settings"},
    Pattern{"PATCH", "/v1/settings"},
    Pattern{"GET", "/v1/users"},
    Pattern{"POST", "/v1/users"},
    Pattern{"GET", "/v1/users/me"},
    Pattern{"GET", "/v1/users/{user}/methods"},
    Pattern{"GET", "/v1/me/authenticators"},
    Pattern{"POST", "/v1/me/trusted-browsers/revoke"},
    Pattern{"GET", "/v1/users/{user}"},
    Pattern{"PATCH", "/v1/users/{user}"},
    Pattern{"DELETE", "/v1/users/{user}"},
    Pattern{"GET", "/v1/users/{user}/authenticators"},
    Pattern{"DELETE", "/v1/users/{user}/authenticators/{device_id}"},
    Pattern{"POST", "/v1/users/{user}/registration-link"},
    Pattern{"POST", "/v1/users/{user}/require-reregistration"},
    Pattern{"POST", "/v1/users/{user}/temporary-access"},
    Pattern{"POST", "/v1/users/{user}/trusted-browsers/revoke"},
    Pattern{"POST", "/v1/users/{user}/unblock"},
    // Registered from a base path built at run time (activations, OATH tokens, phones).
    Pattern{"POST", "/v1/users/{user}/authenticators/activations"},
    Pattern{"GET", "/v1/users/{user}/authenticators/activations/{activation_id}"},
    Pattern{"GET", "/v1/users/{user}/authenticators/activations/{activation_id}/qr.png"},
    Pattern{"GET", "/v1/users/{user}/authenticators/activations/{activation_id}/qr.svg"},
    Pattern{"POST", "/v1/me/authenticators/activations"},
    Pattern{"GET", "/v1/me/authenticators/activations/{activation_id}"},
    Pattern{"GET", "/v1/me/authenticators/activations/{activation_id}/qr.png"},
    Pattern{"GET", "/v1/me/authenticators/activations/{activation_id}/qr.svg"},
    Pattern{"POST", "/v1/users/{user}/oath-tokens"},
    Pattern{"POST", "/v1/users/{user}/oath-tokens/{token_id}/verify"},
    Pattern{"DELETE", "/v1/users/{user}/oath-tokens/{token_id}"},
    Pattern{"GET", "/v1/users/{user}/oath-tokens/{token_id}/qr.png"},
    Pattern{"GET", "/v1/users/{user}/oath-tokens/{token_id}/qr.svg"},
    Pattern{"POST", "/v1/me/oath-tokens"},
    Pattern{"POST", "/v1/me/oath-tokens/{token_id}/verify"},
    Pattern{"DELETE", "/v1/me/oath-tokens/{token_id}"},
    Pattern{"GET", "/v1/me/oath-tokens/{token_id}/qr.png"},
    Pattern{"GET", "/v1/me/oath-tokens/{token_id}/qr.svg"},
    Pattern{"PUT", "/v1/me/phones/{type}"},
    Pattern{"DELETE", "/v1/me/phones/{type}"},
};

inline const twostep::server::Router& server_router() {
  static const twostep::server::Router table = [] {
    twostep::server::Router r;
    for (const auto& p : kPatterns) {
      r.add(p.method, p.path, twostep::server::Access::kPublic,
            [](twostep::server::HttpRequest&)
                -> twostep::core::Result<twostep::server::HttpResponse> {
              return twostep::server::HttpResponse{};
            });
    }
    return r;
  }();
  return table;
}

}  // namespace twostep::fuzz
