// Fixture of the admin API integration tests: a fresh server, an admin token made with the
// CLI on its data dir, request helpers that send the token, and checks of the API's error
// shape (status, code, and the correlation id in both the body and the header).
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <boost/json.hpp>

#include "tests/integration/harness/server_test.hpp"

namespace twostep::testing {

/// An API error with this status and code whose body repeats the X-Correlation-ID header.
inline ::testing::AssertionResult is_error(const Response& r, unsigned status,
                                           std::string_view code) {
  if (r.status != status || r.error_code() != code) {
    return ::testing::AssertionFailure()
           << "expected " << status << " " << code << ", got " << r.status << " " << r.body;
  }
  std::string id = r.error_correlation_id();
  if (id.empty() || id != r.header("x-correlation-id")) {
    return ::testing::AssertionFailure() << "correlation id missing or different: " << r.body;
  }
  return ::testing::AssertionSuccess();
}

class AdminTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    if (HasFatalFailure()) return;
    token_ = server().admin_token("it-admin");
    ASSERT_TRUE(token_.starts_with("tsa_")) << token_;
  }

  Headers auth() const { return {{"authorization", "Bearer " + token_}}; }
  Response get(const std::string& target) { return client().get(target, auth()); }
  Response del(const std::string& target) { return client().del(target, auth()); }
  Response post(const std::string& target, const boost::json::value& body) {
    return client().post(target, body, auth());
  }
  /// A POST without a body (the action endpoints take none).
  Response post_empty(const std::string& target) {
    return client().request("POST", target, "", "", auth());
  }
  Response patch(const std::string& target, const boost::json::value& body) {
    return client().patch(target, body, auth());
  }
  /// `body` sent verbatim as application/json.
  Response send_raw(std::string_view method, const std::string& target, std::string body,
                    std::string_view content_type = "application/json") {
    return client().request(method, target, std::move(body), content_type, auth());
  }

  Response create_user(const std::string& username, const std::string& display_name = "Someone") {
    return post("/v1/users", {{"username", username}, {"display_name", display_name}});
  }

  /// Every audit row's type, newest first.
  std::vector<std::string> audit_types(const std::string& query = "") {
    Response r = get("/v1/audit?limit=500" + query);
    EXPECT_EQ(r.status, 200u) << r.body;
    std::vector<std::string> types;
    if (r.status != 200) return types;
    for (const auto& item : r.json.at("items").as_array()) {
      types.emplace_back(item.at("type").as_string());
    }
    return types;
  }

  /// Usernames of GET /v1/users (first page of 200).
  std::vector<std::string> usernames() {
    Response r = get("/v1/users?limit=200");
    EXPECT_EQ(r.status, 200u) << r.body;
    std::vector<std::string> names;
    if (r.status != 200) return names;
    for (const auto& item : r.json.at("items").as_array()) {
      names.emplace_back(item.at("username").as_string());
    }
    return names;
  }

  /// True when `text` is stored in the clear anywhere in the server's database.
  bool database_contains(std::string_view text) { return server().database_contains(text); }

  std::string token_;
};

}  // namespace twostep::testing
