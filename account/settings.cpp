#include "account/settings.hpp"

#include <array>
#include <optional>
#include <span>
#include <string>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "core/log.hpp"

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

std::optional<boost::json::value> parse_scalar(const std::string& text) {
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  if (ec) return std::nullopt;
  return v;
}

}  // namespace

Settings load_settings(store::Tx& tx) {
  Settings s;
  for (const auto& row : tx.query("SELECT key, value FROM settings")) {
    const Field* f = find_field(row.text(0));
    if (!f) continue;  // a setting this version does not know (written by a newer one)
    auto v = parse_scalar(row.text(1));
    if (!v || !set(s, *f, *v)) {
      core::log(core::LogLevel::kWarn, "stored setting is invalid; using its default",
                {{"setting", row.text(0)}});
    }
  }
  return s;
}

core::Result<Settings> update_settings(store::Tx& tx, const core::Clock& clock,
                                       const store::AuditContext& who,
                                       const boost::json::object& patch) {
  Settings before = load_settings(tx);
  Settings after = before;
  // Validate everything first: a bad field must leave every other field unchanged too.
  for (const auto& [key, value] : patch) {
    const Field* f = find_field(key);
    if (!f) {
      // Echo the name only when it is plainly a name, never arbitrary client bytes.
      std::string name = is_plain_name(key) ? std::string(key) : std::string();
      return core::fail(core::ErrorKind::kInvalidInput, "unknown_setting",
                        name.empty() ? "unknown setting" : "there is no setting named " + name,
                        name);
    }
    if (auto ok = set(after, *f, value); !ok) return std::unexpected(ok.error());
  }
  boost::json::object changes;
  for (const auto& [key, value] : patch) {
    const Field& f = *find_field(key);
    tx.exec(
        "INSERT INTO settings (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        {std::string(f.name), boost::json::serialize(get(after, f))});
    changes[f.name] = {{"old", get(before, f)}, {"new", get(after, f)}};
  }
  store::append_audit(tx, clock, who,
                      {"settings.updated", "", "", "success", {{"changes", changes}}});
  return after;
}

boost::json::object settings_to_json(const Settings& settings) {
  boost::json::object out;
  for (const auto& f : kFields) out[f.name] = get(settings, f);
  return out;
}

}  // namespace twostep::account
