// The organisation's settings: a typed struct with defaults, stored as JSON scalars in the
// settings table (a missing row means the default), and a validated patch that changes
// every field it names or none.
#pragma once

#include <string>

#include <boost/json/object.hpp>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "store/audit.hpp"
#include "store/store.hpp"

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

/// The stored settings over the defaults. A stored value that is malformed or out of range
/// (e.g. written by a newer version) is logged and its default used.
Settings load_settings(store::Tx& tx);

/// Applies `patch` (field name → JSON value). Errors, with nothing changed: 400
/// "unknown_setting" (field named), 400 "invalid_<field>" (wrong type or out of range; the
/// message gives the range). Audits "settings.updated" with each field's old and new value.
core::Result<Settings> update_settings(store::Tx& tx, const core::Clock& clock,
                                       const store::AuditContext& who,
                                       const boost::json::object& patch);

/// {"remember_days": 14, …} with every field.
boost::json::object settings_to_json(const Settings& settings);

}  // namespace twostep::account
