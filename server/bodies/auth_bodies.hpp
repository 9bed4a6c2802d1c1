// The JSON bodies of the Auth API (applications asking about a user's second step), read
// against their schemas (API.md "Auth API").
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "phone/types.hpp"
#include "push/types.hpp"
#include "server/http.hpp"

namespace twostep::server {

/// POST /v1/auth/preauth: {username, remember_token?}.
struct PreauthBody {
  std::string username;
  std::optional<std::string> remember_token;
};
core::Result<PreauthBody> read_preauth_body(const HttpRequest& request);

/// POST /v1/auth/push: {username, context?: {ip?, location?, browser?}, remember?}. `app` is
/// not a context field: the application's own name is shown, so no caller can pose as
/// another application on the user's phone.
struct PushBody {
  std::string username;
  push::PushContext context;
  bool remember = false;
};
core::Result<PushBody> read_push_body(const HttpRequest& request);

/// POST /v1/auth/totp: {username, code, remember?}.
struct TotpBody {
  std::string username;
  std::string code;
  bool remember = false;
};
core::Result<TotpBody> read_totp_body(const HttpRequest& request);

/// POST /v1/auth/sms: {username, phone?, method?}; absent means the domain's default.
struct PhoneCodeBody {
  std::string username;
  std::optional<phone::PhoneType> phone;
  std::optional<phone::Channel> channel;
};
core::Result<PhoneCodeBody> read_phone_code_body(const HttpRequest& request);

/// A phone type or channel named in a body or a query: "" means the domain's default;
/// anything else must be a known name (400 invalid_phone / invalid_method).
core::Result<std::optional<phone::PhoneType>> phone_type_or_default(std::string_view text);
core::Result<std::optional<phone::Channel>> channel_or_default(std::string_view text);

/// A code typed by the user: {code} (1–32 characters), for the Auth API's phone codes and
/// the confirmation of a new phone number.
core::Result<std::string> read_code_body(const HttpRequest& request);

}  // namespace twostep::server
