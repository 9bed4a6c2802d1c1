#include "account/settings.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "fixture.hpp"

namespace twostep::account {
namespace {

class SettingsTest : public testing::AccountTest {
 protected:
  Settings load() {
    return read([&](store::Tx& tx) { return load_settings(tx); });
  }
  core::Result<Settings> patch(std::string_view json) {
    auto body = boost::json::parse(json).as_object();
    return write([&](store::Tx& tx) { return update_settings(tx, clock_, who_, body); });
  }
};

TEST_F(SettingsTest, DefaultsWhenNothingIsStored) {
  Settings s = load();
  EXPECT_EQ(s.remember_days, 14);
  EXPECT_EQ(s.push_timeout_seconds, 60);
  EXPECT_EQ(s.totp_window_steps, 1);
  EXPECT_EQ(s.lockout_threshold, 10);
  EXPECT_EQ(s.lockout_minutes, 15);
  EXPECT_TRUE(s.app_passwords_enabled);
  EXPECT_EQ(s.max_app_passwords, 40);
  EXPECT_EQ(s.stale_device_days, 0);
  EXPECT_FALSE(s.verify_all_phone_changes);
  EXPECT_EQ(s.registration_link_days, 7);
  EXPECT_EQ(s.push_max_outstanding, 3);
  EXPECT_EQ(s.push_max_per_minute, 5);
  EXPECT_EQ(s.unknown_user_preauth, "deny");
  EXPECT_EQ(settings_to_json(s).size(), 13u);
}

TEST_F(SettingsTest, PatchChangesNamedFieldsAndPersists) {
  auto r =
      patch(R"({"remember_days": 0, "app_passwords_enabled": false, "lockout_threshold": 100})");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->remember_days, 0);
  EXPECT_FALSE(r->app_passwords_enabled);
  EXPECT_EQ(r->lockout_threshold, 100);
  Settings s = load();
  EXPECT_EQ(s.remember_days, 0);
  EXPECT_FALSE(s.app_passwords_enabled);
  EXPECT_EQ(s.lockout_threshold, 100);
  EXPECT_EQ(s.lockout_minutes, 15);
  EXPECT_EQ(count("SELECT COUNT(*) FROM settings"), 3);
  EXPECT_EQ(
      read([&](store::Tx& tx) {
        return tx.query_one("SELECT value FROM settings WHERE key = 'remember_days'")->text(0);
      }),
      "0");
}

TEST_F(SettingsTest, AuditsOldAndNewValues) {
  ASSERT_TRUE(patch(R"({"remember_days": 30})"));
  auto detail = read([&](store::Tx& tx) {
    return tx.query_one("SELECT detail FROM audit_log WHERE type = 'settings.updated'")->text(0);
  });
  EXPECT_EQ(boost::json::parse(detail),
            boost::json::parse(R"({"changes":{"remember_days":{"old":14,"new":30}}})"));
}

TEST_F(SettingsTest, UnknownUserPreauthIsOneOfItsChoices) {
  auto r = patch(R"({"unknown_user_preauth": "enroll"})");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(load().unknown_user_preauth, "enroll");
  EXPECT_EQ(settings_to_json(load()).at("unknown_user_preauth"), "enroll");
  for (const char* bad : {R"({"unknown_user_preauth": "allow"})", R"({"unknown_user_preauth": 1})",
                          R"({"unknown_user_preauth": "DENY"})"}) {
    auto refused = patch(bad);
    ASSERT_FALSE(refused) << bad;
    EXPECT_EQ(refused.error().code, "invalid_unknown_user_preauth") << bad;
  }
  EXPECT_EQ(load().unknown_user_preauth, "enroll");
}

TEST_F(SettingsTest, UnknownSettingIsNamed) {
  auto r = patch(R"({"remember_days": 3, "remember_dayz": 3})");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "unknown_setting");
  EXPECT_EQ(r.error().field, "remember_dayz");
  EXPECT_EQ(load().remember_days, 14);
}

TEST_F(SettingsTest, UnknownSettingWithStrangeNameIsNotEchoed) {
  auto r = patch(R"({"<script>": 1})");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "unknown_setting");
  EXPECT_EQ(r.error().field, "");
  EXPECT_EQ(r.error().message.find("<script>"), std::string::npos);
}

TEST_F(SettingsTest, RangeAndTypeErrorsNameTheFieldAndChangeNothing) {
  struct Case {
    const char* json;
    const char* code;
  };
  for (const Case& c : {
           Case{R"({"remember_days": 366})", "invalid_remember_days"},
           Case{R"({"remember_days": -1})", "invalid_remember_days"},
           Case{R"({"remember_days": 14.0})", "invalid_remember_days"},
           Case{R"({"remember_days": "14"})", "invalid_remember_days"},
           Case{R"({"remember_days": null})", "invalid_remember_days"},
           Case{R"({"lockout_threshold": 101})", "invalid_lockout_threshold"},
           Case{R"({"lockout_threshold": 0})", "invalid_lockout_threshold"},
           Case{R"({"push_timeout_seconds": 18446744073709551615})",
                "invalid_push_timeout_seconds"},
           Case{R"({"app_passwords_enabled": 1})", "invalid_app_passwords_enabled"},
           Case{R"({"totp_window_steps": 2, "lockout_minutes": 1441})", "invalid_lockout_minutes"},
       }) {
    auto r = patch(c.json);
    ASSERT_FALSE(r) << c.json;
    EXPECT_EQ(r.error().code, c.code) << c.json;
    EXPECT_EQ(r.error().kind, core::ErrorKind::kInvalidInput);
  }
  auto r = patch(R"({"remember_days": 400})");
  EXPECT_NE(r.error().message.find("0 to 365"), std::string::npos) << r.error().message;
  EXPECT_EQ(load().totp_window_steps, 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM settings"), 0);
  EXPECT_EQ(audit_rows("settings.updated"), 0);
}

TEST_F(SettingsTest, BoundsAreInclusive) {
  EXPECT_TRUE(patch(R"({"remember_days": 365, "stale_device_days": 3650, "lockout_minutes": 1})"));
  EXPECT_TRUE(patch(R"({"totp_window_steps": 0, "push_timeout_seconds": 10})"));
  EXPECT_EQ(load().stale_device_days, 3650);
}

TEST_F(SettingsTest, InvalidStoredValueFallsBackToDefault) {
  write([&](store::Tx& tx) {
    tx.exec(
        "INSERT INTO settings (key, value) VALUES ('remember_days', '\"x\"'), "
        "('lockout_threshold', '500'), ('from_the_future', '1'), ('max_app_passwords', '7')");
    return core::Result<void>{};
  });
  Settings s = load();
  EXPECT_EQ(s.remember_days, 14);
  EXPECT_EQ(s.lockout_threshold, 10);
  EXPECT_EQ(s.max_app_passwords, 7);
}

TEST(SettingsJson, HasEveryField) {
  auto json = boost::json::serialize(settings_to_json(Settings{}));
  EXPECT_NE(json.find(R"("remember_days":14)"), std::string::npos);
  EXPECT_NE(json.find(R"("app_passwords_enabled":true)"), std::string::npos);
  EXPECT_NE(json.find(R"("verify_all_phone_changes":false)"), std::string::npos);
}

}  // namespace
}  // namespace twostep::account
