#include "server/bodies/user_bodies.hpp"

#include "server/json_io.hpp"

namespace twostep::server {

core::Result<std::string> read_preferences_body(const HttpRequest& request) {
  auto body = read_json_fields(request, {"preferred_method"});
  if (!body) return std::unexpected(body.error());
  return required_enum(*body, "preferred_method", {"push", "totp", "sms", "voice"});
}

core::Result<PhoneNumberBody> read_phone_number_body(const HttpRequest& request) {
  auto body = read_json_fields(request, {"number", "method"});
  if (!body) return std::unexpected(body.error());
  auto number = required_string(*body, "number", 1, 64);
  if (!number) return std::unexpected(number.error());
  auto method = optional_enum(*body, "method", {"sms", "voice"});
  if (!method) return std::unexpected(method.error());
  PhoneNumberBody out{std::move(*number), std::nullopt};
  if (*method) out.channel = phone::parse_channel(**method);
  return out;
}

core::Result<std::string> read_app_password_body(const HttpRequest& request) {
  return read_single_string(request, "name", 64);
}

core::Result<std::string> read_registration_token_body(const HttpRequest& request) {
  return read_single_string(request, "token", 128);
}

core::Result<RegistrationPasswordBody> read_registration_password_body(const HttpRequest& request) {
  auto body = read_json_fields(request, {"token", "password"});
  if (!body) return std::unexpected(body.error());
  auto token = required_string(*body, "token", 1, 128);
  if (!token) return std::unexpected(token.error());
  auto password = required_string(*body, "password", 1, 1024);
  if (!password) return std::unexpected(password.error());
  return RegistrationPasswordBody{std::move(*token), std::move(*password)};
}

core::Result<bool> read_session_push_body(const HttpRequest& request) {
  auto body = read_optional_json_fields(request, {"remember"});
  if (!body) return std::unexpected(body.error());
  auto remember = optional_bool(*body, "remember");
  if (!remember) return std::unexpected(remember.error());
  return remember->value_or(false);
}

core::Result<SessionVerifyBody> read_session_verify_body(const HttpRequest& request) {
  auto body = read_json_fields(request, {"method", "code", "remember"});
  if (!body) return std::unexpected(body.error());
  auto method = required_enum(*body, "method", {"totp", "sms", "voice", "temporary_access"});
  if (!method) return std::unexpected(method.error());
  auto code = required_string(*body, "code", 1, 64);
  if (!code) return std::unexpected(code.error());
  auto remember = optional_bool(*body, "remember");
  if (!remember) return std::unexpected(remember.error());
  return SessionVerifyBody{std::move(*method), std::move(*code), remember->value_or(false)};
}

core::Result<SessionSendCodeBody> read_session_send_code_body(const HttpRequest& request) {
  auto body = read_json_fields(request, {"method", "phone"});
  if (!body) return std::unexpected(body.error());
  auto method = optional_enum(*body, "method", {"sms", "voice"});
  if (!method) return std::unexpected(method.error());
  auto phone = optional_enum(*body, "phone", {"mobile", "alternate_mobile", "office"});
  if (!phone) return std::unexpected(phone.error());
  return SessionSendCodeBody{method->value_or(""), phone->value_or("")};
}

}  // namespace twostep::server
