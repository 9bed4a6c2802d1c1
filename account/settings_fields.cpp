#include "account/settings_fields.hpp"

#include <array>
#include <span>
#include <string>

namespace twostep::account {

namespace {

constexpr std::array<std::string_view, 2> kUnknownUserPreauth{"deny", "enroll"};

// One row per setting: an integer field with its range, a boolean field, or a text field
// with its few accepted values.
struct Field {
  std::string_view name;
  int Settings::*integer = nullptr;
  bool Settings::*boolean = nullptr;
  int min = 0;
  int max = 0;
  std::string Settings::*choice = nullptr;
  std::span<const std::string_view> choices = {};
};

constexpr std::array kFields{
    Field{"remember_days", &Settings::remember_days, nullptr, 0, 365},
    Field{"push_timeout_seconds", &Settings::push_timeout_seconds, nullptr, 10, 300},
    Field{"totp_window_steps", &Settings::totp_window_steps, nullptr, 0, 10},
    Field{"lockout_threshold", &Settings::lockout_threshold, nullptr, 1, 100},
    Field{"lockout_minutes", &Settings::lockout_minutes, nullptr, 1, 1440},
    Field{"app_passwords_enabled", nullptr, &Settings::app_passwords_enabled},
    Field{"max_app_passwords", &Settings::max_app_passwords, nullptr, 1, 100},
    Field{"stale_device_days", &Settings::stale_device_days, nullptr, 0, 3650},
    Field{"verify_all_phone_changes", nullptr, &Settings::verify_all_phone_changes},
    Field{"registration_link_days", &Settings::registration_link_days, nullptr, 1, 30},
    Field{"push_max_outstanding", &Settings::push_max_outstanding, nullptr, 1, 20},
    Field{"push_max_per_minute", &Settings::push_max_per_minute, nullptr, 1, 60},
    Field{"unknown_user_preauth", nullptr, nullptr, 0, 0, &Settings::unknown_user_preauth,
          kUnknownUserPreauth},
};

const Field* find_field(std::string_view name) {
  for (const auto& f : kFields) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

boost::json::value get(const Settings& s, const Field& f) {
  if (f.boolean) return s.*f.boolean;
  if (f.choice) return boost::json::string(s.*f.choice);
  return s.*f.integer;
}

core::Result<void> set_choice(Settings& s, const Field& f, const boost::json::value& v) {
  if (v.is_string()) {
    for (std::string_view choice : f.choices) {
      if (v.get_string() == choice) {
        s.*f.choice = std::string(choice);
        return {};
      }
    }
  }
  std::string name(f.name);
  std::string allowed;
  for (std::string_view choice : f.choices) {
    allowed += (allowed.empty() ? "\"" : ", \"") + std::string(choice) + "\"";
  }
  return core::fail_invalid(name, name + " must be one of " + allowed);
}

// Sets `f` from a JSON value when it has the right type and range.
core::Result<void> set(Settings& s, const Field& f, const boost::json::value& v) {
  std::string name(f.name);
  if (f.boolean) {
    if (!v.is_bool()) return core::fail_invalid(name, name + " must be true or false");
    s.*f.boolean = v.get_bool();
    return {};
  }
  if (f.choice) return set_choice(s, f, v);
  // Boost.JSON keeps every integer that fits in int64 as int64; 14.0 is a double, refused.
  if (!v.is_int64() || v.get_int64() < f.min || v.get_int64() > f.max) {
    return core::fail_invalid(name, name + " must be an integer from " + std::to_string(f.min) +
                                        " to " + std::to_string(f.max));
  }
  s.*f.integer = static_cast<int>(v.get_int64());
  return {};
}

bool is_plain_name(std::string_view key) {
  if (key.empty() || key.size() > 64) return false;
  for (char c : key) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
          c == '-' || c == '.')) {
      return false;
    }
  }
  return true;
}

}  // namespace

core::Result<Settings> apply_settings_patch(Settings settings, const boost::json::object& patch) {
  for (const auto& [key, value] : patch) {
    const Field* f = find_field(key);
    if (!f) {
      // Echo the name only when it is plainly a name, never arbitrary client bytes.
      std::string name = is_plain_name(key) ? std::string(key) : std::string();
      return core::fail(core::ErrorKind::kInvalidInput, "unknown_setting",
                        name.empty() ? "unknown setting" : "there is no setting named " + name,
                        name);
    }
    if (auto ok = set(settings, *f, value); !ok) return std::unexpected(ok.error());
  }
  return settings;
}

bool apply_stored_setting(Settings& settings, std::string_view name,
                          const boost::json::value& value) {
  const Field* f = find_field(name);
  if (!f) return false;
  Settings changed = settings;
  if (!set(changed, *f, value)) return false;
  settings = changed;
  return true;
}

boost::json::value setting_value(const Settings& settings, std::string_view name) {
  const Field* f = find_field(name);
  return f ? get(settings, *f) : boost::json::value(nullptr);
}

boost::json::object settings_to_json(const Settings& settings) {
  boost::json::object out;
  for (const auto& f : kFields) out[f.name] = get(settings, f);
  return out;
}

}  // namespace twostep::account
