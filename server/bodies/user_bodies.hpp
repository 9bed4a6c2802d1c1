// The JSON bodies of the routes a signed-in or registering user calls (/v1/me…, /v1/session…,
// /v1/registration…), read against their schemas (API.md).
#pragma once

#include <optional>
#include <string>

#include "core/error.hpp"
#include "phone/types.hpp"
#include "server/http.hpp"

namespace twostep::server {

/// PATCH /v1/me/preferences: {preferred_method} (push, totp, sms or voice).
core::Result<std::string> read_preferences_body(const HttpRequest& request);

/// PUT …/phones/{type}: {number, method?} (the number is parsed by the phone domain).
struct PhoneNumberBody {
  std::string number;
  std::optional<phone::Channel> channel;
};
core::Result<PhoneNumberBody> read_phone_number_body(const HttpRequest& request);

/// POST /v1/me/app-passwords: {name} (1–64 characters; the account rules follow).
core::Result<std::string> read_app_password_body(const HttpRequest& request);

/// POST /v1/registration/lookup: {token}.
core::Result<std::string> read_registration_token_body(const HttpRequest& request);

/// POST /v1/registration: {token, password}.
struct RegistrationPasswordBody {
  std::string token;
  std::string password;
};
core::Result<RegistrationPasswordBody> read_registration_password_body(const HttpRequest& request);

/// POST /v1/session/push: no body, or {remember?}; the answer is `remember`.
core::Result<bool> read_session_push_body(const HttpRequest& request);

/// POST /v1/session/verify: {method, code, remember?}.
struct SessionVerifyBody {
  std::string method;  // totp | sms | voice | temporary_access
  std::string code;
  bool remember = false;
};
core::Result<SessionVerifyBody> read_session_verify_body(const HttpRequest& request);

/// POST /v1/session/send-code: {method?, phone?}; "" means the default.
struct SessionSendCodeBody {
  std::string method;  // "" | sms | voice
  std::string phone;   // "" | mobile | alternate_mobile | office
};
core::Result<SessionSendCodeBody> read_session_send_code_body(const HttpRequest& request);

}  // namespace twostep::server
