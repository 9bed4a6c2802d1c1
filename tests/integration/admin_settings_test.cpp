// The settings part of the admin API: defaults, validated all-or-nothing patches, audit.
#include "tests/integration/admin_fixture.hpp"

namespace twostep::testing {
namespace {

using AdminSettings = AdminTest;

const boost::json::object kDefaults{{"remember_days", 14},
                                    {"push_timeout_seconds", 60},
                                    {"totp_window_steps", 1},
                                    {"lockout_threshold", 10},
                                    {"lockout_minutes", 15},
                                    {"app_passwords_enabled", true},
                                    {"max_app_passwords", 40},
                                    {"stale_device_days", 0},
                                    {"verify_all_phone_changes", false},
                                    {"registration_link_days", 7},
                                    {"push_max_outstanding", 3},
                                    {"push_max_per_minute", 5},
                                    {"unknown_user_preauth", "deny"}};

TEST_F(AdminSettings, DefaultsUntilChanged) {
  Response r = get("/v1/settings");
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.json, kDefaults);
}

TEST_F(AdminSettings, PatchChangesOnlyTheNamedFields) {
  Response r =
      patch("/v1/settings",
            {{"remember_days", 0}, {"lockout_threshold", 100}, {"verify_all_phone_changes", true}});
  ASSERT_EQ(r.status, 200u) << r.body;
  boost::json::object expected = kDefaults;
  expected["remember_days"] = 0;
  expected["lockout_threshold"] = 100;
  expected["verify_all_phone_changes"] = true;
  EXPECT_EQ(r.json, expected);
  EXPECT_EQ(get("/v1/settings").json, expected);

  Response audit = get("/v1/audit?type=settings.updated");
  ASSERT_EQ(audit.json.at("items").as_array().size(), 1u);
  const auto& changes = audit.json.at("items").at(0).at("detail").at("changes");
  EXPECT_EQ(changes.at("remember_days").at("old"), 14);
  EXPECT_EQ(changes.at("remember_days").at("new"), 0);
}

TEST_F(AdminSettings, ABadValueNamesTheFieldAndChangesNothing) {
  struct Case {
    boost::json::object patch;
    const char* code;
    const char* range;
  };
  const Case cases[] = {
      {{{"remember_days", 366}}, "invalid_remember_days", "0 to 365"},
      {{{"remember_days", -1}}, "invalid_remember_days", "0 to 365"},
      {{{"remember_days", "14"}}, "invalid_remember_days", "0 to 365"},
      {{{"remember_days", 1.5}}, "invalid_remember_days", "0 to 365"},
      {{{"lockout_threshold", 101}}, "invalid_lockout_threshold", "1 to 100"},
      {{{"lockout_threshold", 0}}, "invalid_lockout_threshold", "1 to 100"},
      {{{"push_timeout_seconds", 5}}, "invalid_push_timeout_seconds", "10 to 300"},
      {{{"totp_window_steps", 11}}, "invalid_totp_window_steps", "0 to 10"},
      {{{"lockout_minutes", 1441}}, "invalid_lockout_minutes", "1 to 1440"},
      {{{"max_app_passwords", 0}}, "invalid_max_app_passwords", "1 to 100"},
      {{{"stale_device_days", 3651}}, "invalid_stale_device_days", "0 to 3650"},
      {{{"registration_link_days", 31}}, "invalid_registration_link_days", "1 to 30"},
      {{{"push_max_outstanding", 21}}, "invalid_push_max_outstanding", "1 to 20"},
      {{{"push_max_per_minute", 61}}, "invalid_push_max_per_minute", "1 to 60"},
      {{{"app_passwords_enabled", "yes"}}, "invalid_app_passwords_enabled", "true or false"},
      {{{"verify_all_phone_changes", 1}}, "invalid_verify_all_phone_changes", "true or false"},
      // A valid field next to an invalid one is not applied either.
      {{{"remember_days", 30}, {"lockout_threshold", 500}},
       "invalid_lockout_threshold",
       "1 to 100"},
  };
  for (const Case& c : cases) {
    Response r = patch("/v1/settings", c.patch);
    EXPECT_TRUE(is_error(r, 400, c.code)) << boost::json::serialize(c.patch);
    std::string message(r.json.at("error").at("message").as_string());
    EXPECT_NE(message.find(c.range), std::string::npos) << message;
  }
  Response unknown = patch("/v1/settings", {{"remember_dayz", 3}});
  EXPECT_TRUE(is_error(unknown, 400, "unknown_setting"));
  EXPECT_NE(unknown.body.find("remember_dayz"), std::string::npos);
  EXPECT_TRUE(is_error(send_raw("PATCH", "/v1/settings", "[1]"), 400, "invalid_json"));

  EXPECT_EQ(get("/v1/settings").json, kDefaults);
  EXPECT_TRUE(audit_types("&type=settings.*").empty());
}

}  // namespace
}  // namespace twostep::testing
