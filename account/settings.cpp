#include "account/settings.hpp"

#include <optional>
#include <string>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "core/log.hpp"

namespace twostep::account {

namespace {

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
    const std::string name = row.text(0);
    if (setting_value(s, name).is_null()) continue;  // unknown here (a newer version's)
    auto v = parse_scalar(row.text(1));
    if (!v || !apply_stored_setting(s, name, *v)) {
      core::log(core::LogLevel::kWarn, "stored setting is invalid; using its default",
                {{"setting", name}});
    }
  }
  return s;
}

core::Result<Settings> update_settings(store::Tx& tx, const core::Clock& clock,
                                       const store::AuditContext& who,
                                       const boost::json::object& patch) {
  const Settings before = load_settings(tx);
  // Validated as a whole first: a bad field must leave every other field unchanged too.
  auto after = apply_settings_patch(before, patch);
  if (!after) return after;
  boost::json::object changes;
  for (const auto& [key, value] : patch) {
    const boost::json::value now = setting_value(*after, key);
    tx.exec(
        "INSERT INTO settings (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        {std::string(key), boost::json::serialize(now)});
    changes[key] = {{"old", setting_value(before, key)}, {"new", now}};
  }
  store::append_audit(tx, clock, who,
                      {"settings.updated", "", "", "success", {{"changes", changes}}});
  return after;
}

}  // namespace twostep::account
