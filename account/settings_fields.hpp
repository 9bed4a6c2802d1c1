// The organisation's settings as a typed struct with defaults, and the pure rules that read
// JSON into it: each field's name, type and range. Free of the store, so the fuzz build
// checks the settings patch on its own; account/settings.hpp stores them.
#pragma once

#include <string>
#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "core/error.hpp"

namespace twostep::account {

/// Organisation settings. The comment after each field gives its accepted range.
struct Settings {
  int remember_days = 14;         // 0–365; 0 turns "don't ask again" off
  int push_timeout_seconds = 60;  // 10–300
  int totp_window_steps = 1;      // 0–10
  int lockout_threshold = 10;     // 1–100 consecutive failures (NIST SP 800-63B)
  int lockout_minutes = 15;       // 1–1440
  bool app_passwords_enabled = true;
  int max_app_passwords = 40;  // 1–100 per user
  int stale_device_days = 0;   // 0–3650; 0 = no automatic sweep
  bool verify_all_phone_changes = false;
  int registration_link_days = 7;  // 1–30
  int push_max_outstanding = 3;    // 1–20 pending pushes per user
  int push_max_per_minute = 5;     // 1–60 pushes per user per minute
  /// What pre-auth answers for a username nobody has: "deny" (reason unknown_user) or
  /// "enroll" (the same answer as a user who has no method and no pending registration
  /// link, so that an application cannot tell the two apart).
  std::string unknown_user_preauth = "deny";  // "deny" | "enroll"
};

/// `settings` with every field of `patch` (field name → JSON value) applied, or the first
/// refusal with nothing applied: 400 "unknown_setting" (the name echoed only when it is
/// plainly a name), 400 "invalid_<field>" (wrong type or out of range; the message gives
/// the range).
core::Result<Settings> apply_settings_patch(Settings settings, const boost::json::object& patch);

/// Sets one field from a stored value; false when the name is unknown or the value does not
/// fit its type and range (the field is then left as it was).
bool apply_stored_setting(Settings& settings, std::string_view name,
                          const boost::json::value& value);

/// One field's value as JSON (null for a name that is not a setting).
boost::json::value setting_value(const Settings& settings, std::string_view name);

/// {"remember_days": 14, …} with every field.
boost::json::object settings_to_json(const Settings& settings);

}  // namespace twostep::account
