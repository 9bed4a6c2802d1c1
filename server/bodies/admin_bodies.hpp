// The JSON bodies of the admin API's write routes, read against their schemas (API.md).
// Names, passwords and roles are checked here for shape only; the account rules
// (check_username, the password policy) stay with the handler.
#pragma once

#include <optional>
#include <string>

#include <boost/json/object.hpp>

#include "core/error.hpp"
#include "server/http.hpp"

namespace twostep::server {

/// POST /v1/users: {username, display_name, password?, role?}.
struct NewUserBody {
  std::string username;
  std::string display_name;
  std::string role = "user";  // "user" | "admin"
  std::optional<std::string> password;
};
core::Result<NewUserBody> read_new_user_body(const HttpRequest& request);

/// PATCH /v1/users/{user}: {display_name?, status?, role?}.
struct UserPatchBody {
  std::optional<std::string> display_name;
  std::optional<std::string> status;  // "active" | "disabled"
  std::optional<std::string> role;    // "user" | "admin"
};
core::Result<UserPatchBody> read_user_patch_body(const HttpRequest& request);

/// POST /v1/applications: {name} (1–64 characters).
core::Result<std::string> read_application_body(const HttpRequest& request);

/// POST /v1/users/{user}/temporary-access: {hours}.
core::Result<int> read_temporary_access_body(const HttpRequest& request);

/// PATCH /v1/settings: the patch object, every field known and within its range
/// (account::apply_settings_patch's errors).
core::Result<boost::json::object> read_settings_body(const HttpRequest& request);

}  // namespace twostep::server
