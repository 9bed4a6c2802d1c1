// Test support for the phone integration tests (issue 6): a session-test server with an
// application key, phones stored straight into the server's database (for the sign-in
// tests, which are about codes, not about saving numbers), and the outbox file the server
// writes every text message and call to, read back the way a developer would.
#pragma once

#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "tests/integration/harness/https_client.hpp"
#include "tests/integration/session_fixture.hpp"

namespace twostep::itest {

inline constexpr const char* kMobile = "+31612345678";
inline constexpr const char* kAlternate = "+31687654321";
inline constexpr const char* kOffice = "+31201234567";

/// Every line of DATA_DIR/outbox.jsonl, parsed (a test failure for a line that is not a JSON
/// object).
std::vector<boost::json::object> read_outbox(const testing::ServerProcess& server);

/// The newest outbox message to `e164`, or an empty object.
boost::json::object last_message_to(const testing::ServerProcess& server, const std::string& e164);

/// Saves `e164` in the user's `type` slot directly in the server's database (as a saved,
/// unverified phone), bypassing the self-service rules.
void store_phone(const testing::ServerProcess& server, const std::string& user_id,
                 const std::string& type, const std::string& e164);

/// A SessionTest server with an application ("VPN") for the auth API.
class PhoneTest : public SessionTest {
 protected:
  void SetUp() override;

  /// POST /v1/applications; the key.
  std::string create_application(const std::string& name);
  /// Authorization for the application `key` (default: the "VPN" application).
  testing::Headers app_headers(const std::string& key = {}) const;
  /// POST /v1/auth/sms with `body` as the VPN application.
  testing::Response send_code(const boost::json::object& body);
  /// POST /v1/auth/transactions/{txid}/code {code} as the VPN application.
  testing::Response check_code(const std::string& txid, const std::string& code);
  /// PATCH /v1/settings with `patch` (a test failure unless 200).
  void patch_settings(const boost::json::object& patch);

  std::string app_key_;
};

}  // namespace twostep::itest
