#include "server/bodies/admin_bodies.hpp"

#include "account/passwords.hpp"
#include "account/settings_fields.hpp"
#include "account/temporary_access.hpp"
#include "server/json_io.hpp"

namespace twostep::server {

core::Result<NewUserBody> read_new_user_body(const HttpRequest& request) {
  auto body = read_json_fields(request, {"username", "display_name", "password", "role"});
  if (!body) return std::unexpected(body.error());
  auto username = required_string(*body, "username", 1, 64);
  if (!username) return std::unexpected(username.error());
  auto display_name = required_string(*body, "display_name", 1, 128);
  if (!display_name) return std::unexpected(display_name.error());
  auto role = optional_enum(*body, "role", {"user", "admin"});
  if (!role) return std::unexpected(role.error());
  auto password = optional_string(*body, "password", 0, account::kMaxPasswordBytes);
  if (!password) return std::unexpected(password.error());
  return NewUserBody{std::move(*username), std::move(*display_name), role->value_or("user"),
                     std::move(*password)};
}

core::Result<UserPatchBody> read_user_patch_body(const HttpRequest& request) {
  auto body = read_json_fields(request, {"display_name", "status", "role"});
  if (!body) return std::unexpected(body.error());
  auto display_name = optional_string(*body, "display_name", 1, 128);
  if (!display_name) return std::unexpected(display_name.error());
  auto status = optional_enum(*body, "status", {"active", "disabled"});
  if (!status) return std::unexpected(status.error());
  auto role = optional_enum(*body, "role", {"user", "admin"});
  if (!role) return std::unexpected(role.error());
  return UserPatchBody{std::move(*display_name), std::move(*status), std::move(*role)};
}

core::Result<std::string> read_application_body(const HttpRequest& request) {
  return read_single_string(request, "name", 64);
}

core::Result<int> read_temporary_access_body(const HttpRequest& request) {
  auto body = read_json_fields(request, {"hours"});
  if (!body) return std::unexpected(body.error());
  auto hours = required_int(*body, "hours", account::kMinTemporaryAccessHours,
                            account::kMaxTemporaryAccessHours);
  if (!hours) return std::unexpected(hours.error());
  return static_cast<int>(*hours);
}

core::Result<boost::json::object> read_settings_body(const HttpRequest& request) {
  auto body = parse_json_object(request);
  if (!body) return std::unexpected(body.error());
  // Whether a field is known and its value fits does not depend on the current settings.
  if (auto ok = account::apply_settings_patch(account::Settings{}, *body); !ok) {
    return std::unexpected(ok.error());
  }
  return body;
}

}  // namespace twostep::server
