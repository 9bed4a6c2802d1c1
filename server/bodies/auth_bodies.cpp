#include "server/bodies/auth_bodies.hpp"

#include "server/json_io.hpp"

namespace twostep::server {

namespace {

core::Result<push::PushContext> read_context(const boost::json::object& body) {
  push::PushContext context;
  auto object = optional_object(body, "context");
  if (!object) return std::unexpected(object.error());
  if (*object == nullptr) return context;
  const boost::json::object& fields = **object;
  if (auto ok = reject_unknown_fields(fields, {"ip", "location", "browser"}); !ok) {
    return std::unexpected(ok.error());
  }
  for (auto [name, target] :
       {std::pair{"ip", &context.ip}, std::pair{"location", &context.location},
        std::pair{"browser", &context.browser}}) {
    auto value = optional_string(fields, name, 0, push::PushContext::kMaxContextField);
    if (!value) return std::unexpected(value.error());
    *target = value->value_or("");
  }
  return context;
}

}  // namespace

core::Result<std::optional<phone::PhoneType>> phone_type_or_default(std::string_view text) {
  if (text.empty()) return std::nullopt;
  if (auto type = phone::parse_phone_type(text)) return type;
  return core::fail_invalid("phone", "phone must be one of: mobile, alternate_mobile, office");
}

core::Result<std::optional<phone::Channel>> channel_or_default(std::string_view text) {
  if (text.empty()) return std::nullopt;
  if (auto channel = phone::parse_channel(text)) return channel;
  return core::fail_invalid("method", "method must be one of: sms, voice");
}

core::Result<PreauthBody> read_preauth_body(const HttpRequest& request) {
  auto body = read_json_fields(request, {"username", "remember_token"});
  if (!body) return std::unexpected(body.error());
  auto username = required_string(*body, "username", 1, 128);
  if (!username) return std::unexpected(username.error());
  auto token = optional_string(*body, "remember_token", 1, 256);
  if (!token) return std::unexpected(token.error());
  return PreauthBody{std::move(*username), std::move(*token)};
}

core::Result<PushBody> read_push_body(const HttpRequest& request) {
  auto body = read_json_fields(request, {"username", "context", "remember"});
  if (!body) return std::unexpected(body.error());
  auto username = required_string(*body, "username", 1, 64);
  if (!username) return std::unexpected(username.error());
  auto context = read_context(*body);
  if (!context) return std::unexpected(context.error());
  auto remember = optional_bool(*body, "remember");
  if (!remember) return std::unexpected(remember.error());
  return PushBody{std::move(*username), std::move(*context), remember->value_or(false)};
}

core::Result<TotpBody> read_totp_body(const HttpRequest& request) {
  auto body = parse_json_object(request);
  if (!body) return std::unexpected(body.error());
  auto username = required_string(*body, "username", 1, 128);
  if (!username) return std::unexpected(username.error());
  auto code = required_string(*body, "code", 1, 16);
  if (!code) return std::unexpected(code.error());
  auto remember = optional_bool(*body, "remember");
  if (!remember) return std::unexpected(remember.error());
  return TotpBody{std::move(*username), std::move(*code), remember->value_or(false)};
}

core::Result<PhoneCodeBody> read_phone_code_body(const HttpRequest& request) {
  auto body = read_json_fields(request, {"username", "phone", "method"});
  if (!body) return std::unexpected(body.error());
  auto username = required_string(*body, "username", 1, 128);
  if (!username) return std::unexpected(username.error());
  auto phone_text = optional_string(*body, "phone", 0, 32);
  if (!phone_text) return std::unexpected(phone_text.error());
  auto method_text = optional_string(*body, "method", 0, 16);
  if (!method_text) return std::unexpected(method_text.error());
  auto type = phone_type_or_default(phone_text->value_or(""));
  if (!type) return std::unexpected(type.error());
  auto channel = channel_or_default(method_text->value_or(""));
  if (!channel) return std::unexpected(channel.error());
  return PhoneCodeBody{std::move(*username), *type, *channel};
}

core::Result<std::string> read_code_body(const HttpRequest& request) {
  return read_single_string(request, "code", 32);
}

}  // namespace twostep::server
