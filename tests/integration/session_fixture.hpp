// Fixture of the session integration tests: a fresh `twostep serve` whose clock the test can
// move (TWOSTEP_TEST_CLOCK_FILE, honoured by test builds only: core/server_clock.hpp), an
// admin token, and users made through the admin API with a password and a phone.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include <boost/json.hpp>

#include "core/server_clock.hpp"
#include "tests/integration/harness/server_process.hpp"
#include "tests/integration/session_support.hpp"
#include "tests/unit/core/temp_dir.hpp"

namespace twostep::itest {

inline constexpr const char* kPassword = "violet kettle orbit 42";

class SessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    clock_file_ = clock_dir_ / "clock";
    move_clock(std::chrono::seconds(0));
    ::setenv("TWOSTEP_TEST_CLOCK_FILE", clock_file_.c_str(), 1);
    server_.emplace();
    ::unsetenv("TWOSTEP_TEST_CLOCK_FILE");
    ASSERT_TRUE(server_->running());
    http_.emplace(server_->client());
    admin_ = {{"authorization", "Bearer " + server_->admin_token("helpdesk")}};
  }
  void TearDown() override {
    http_.reset();
    server_.reset();
  }

  /// Sets the server's clock to real time + `offset` (test builds only).
  void move_clock(std::chrono::seconds offset) {
    std::ofstream(clock_file_, std::ios::trunc) << offset.count() << "\n";
  }

  testing::ServerProcess& server() { return *server_; }
  testing::HttpsClient& http() { return *http_; }
  const testing::Headers& admin() const { return admin_; }

  /// POST /v1/users with a password; the user's id.
  std::string create_user(const std::string& username, const std::string& role = "user") {
    boost::json::object body{
        {"username", username}, {"display_name", username + " Example"}, {"password", kPassword}};
    if (role != "user") body["role"] = role;
    auto r = http().post("/v1/users", body, admin());
    EXPECT_EQ(r.status, 201u) << r.body;
    return r.json.at("id").as_string().c_str();
  }
  /// A phone for the user, activated through the admin API's activation and QR code.
  Phone admin_phone(const std::string& user_id) {
    return activate_phone_by_qr(http(), "/v1/users/" + user_id + "/authenticators/activations",
                                admin(), admin());
  }

 private:
  testing::TempDir clock_dir_;  // holds the clock file; removed with the fixture
  std::filesystem::path clock_file_;
  std::optional<testing::ServerProcess> server_;
  std::optional<testing::HttpsClient> http_;
  testing::Headers admin_;
};

/// json[key] as a string ("" when absent or not a string).
inline std::string str(const boost::json::value& v, std::string_view key) {
  if (!v.is_object()) return {};
  const auto* field = v.get_object().if_contains(key);
  return field != nullptr && field->is_string() ? std::string(field->get_string()) : "";
}

}  // namespace twostep::itest
