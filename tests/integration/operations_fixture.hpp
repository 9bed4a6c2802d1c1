// Fixture of the operations integration tests (backup and restore, master-key rotation):
// the activation fixture's server with four worker threads, so that concurrent clients
// really run at once inside it, and helpers that client threads call on connections of their
// own.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>

#include "tests/integration/activation_fixture.hpp"

namespace twostep::testing {

class OperationsItest : public ActivationItest {
 protected:
  ServerProcessOptions server_options() const override { return with_worker_threads(4); }

  /// Replays and failed checks count toward the lockout: raise it for load tests.
  void raise_lockout_threshold() {
    ASSERT_EQ(patch("/v1/settings", {{"lockout_threshold", 100}}).status, 200u);
  }

  /// verdict() on a client of the caller's own (thread-safe with one client per thread).
  std::string verdict_on(HttpsClient& http, const std::string& username, const std::string& code) {
    Response r = auth_totp(username, code, &http);
    if (r.status != 200) return "status:" + std::to_string(r.status);
    std::string status = str(r.json, "status");
    return status == "denied" ? "denied:" + str(r.json, "reason") : status;
  }

  /// A new user and an activated phone over `http`; nullopt when any step was not
  /// acknowledged.
  std::optional<Phone> enroll_on(HttpsClient& http, const std::string& username) {
    return enroll_over(http, auth(), username);
  }

  /// True once the server's log contains `text` (within `timeout`).
  bool wait_for_log(const std::string& text,
                    std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (server().log().find(text) != std::string::npos) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }

  /// The whole file as bytes.
  static std::string file_bytes(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
};

}  // namespace twostep::testing
