// Test support for suites that need an end user's web session (issue 5): sign in through the
// real POST /v1/session, keep the `__Host-twostep_session` cookie and the CSRF token, finish
// the second step with a TOTP code, and activate a phone through the session's own
// activation API (reading the QR code back with zbarimg, as a phone's camera would).
//
//   auto session = itest::sign_in_with_totp(http, "alice", kPassword, phone.secret);
//   http.get("/v1/me", session.read_headers());
//   http.del("/v1/me/authenticators/" + id, session.write_headers());
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include "client/device_key.hpp"
#include "tests/integration/harness/https_client.hpp"

namespace twostep::itest {

inline constexpr std::string_view kSessionCookie = "__Host-twostep_session";
inline constexpr std::string_view kRememberCookie = "__Host-twostep_remember";

/// The whole Set-Cookie header that sets cookie `name`, or "".
std::string set_cookie_header(const testing::Response& response, std::string_view name);
/// The value that response's Set-Cookie gives cookie `name`, or nullopt when not set.
std::optional<std::string> set_cookie_value(const testing::Response& response,
                                            std::string_view name);

/// A browser's session: its cookie token and CSRF token.
struct WebSession {
  std::string token;
  std::string csrf;
  std::string stage;  // as last answered: "mfa" | "register" | "done"
  /// Cookie header only (GET).
  testing::Headers read_headers() const;
  /// Cookie and X-CSRF-Token (POST, PUT, PATCH, DELETE).
  testing::Headers write_headers() const;
};

/// The answer of POST /v1/session and the session it started (empty when it failed).
struct SignIn {
  testing::Response response;
  WebSession session;
};

/// POST /v1/session {username, password}, sending `remember_cookie` when given.
SignIn sign_in(testing::HttpsClient& http, const std::string& username, const std::string& password,
               const std::string& remember_cookie = {});

/// The TOTP code (SHA1, 6 digits, 30 s) of a base32 secret, `offset_seconds` from now.
std::string totp_code(const std::string& base32_secret, int offset_seconds = 0);

/// sign_in, then POST /v1/session/verify with the TOTP code: a session at stage "done".
/// Throws std::runtime_error when either step fails.
WebSession sign_in_with_totp(testing::HttpsClient& http, const std::string& username,
                             const std::string& password, const std::string& base32_secret);

/// A phone activated by POST /v1/activate with a fresh P-256 key.
struct Phone {
  std::string device_id;
  std::string secret;  // base32 TOTP secret
  std::shared_ptr<client::DeviceKey> key;
};

/// Creates an activation with `create_path` (e.g. "/v1/me/authenticators/activations" with
/// the session's write headers, or the admin twin with a bearer header), reads its QR code
/// PNG (with the same headers) through zbarimg, and activates a phone with the code in the
/// decoded URI. Throws std::runtime_error on any failure.
Phone activate_phone_by_qr(testing::HttpsClient& http, const std::string& create_path,
                           const testing::Headers& write_headers,
                           const testing::Headers& read_headers);

}  // namespace twostep::itest
