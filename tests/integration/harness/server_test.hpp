// GoogleTest fixture: a fresh `twostep serve` and a client pinned to its certificate for
// every test. Override server_options() for a special configuration:
//
//   class SlowClients : public ServerTest {
//     ServerProcessOptions server_options() const override {
//       ServerProcessOptions options;
//       options.config_toml = "read_timeout_seconds = 2\n";
//       return options;
//     }
//   };
//   TEST_F(SlowClients, …) { auto r = client().get("/healthz"); … }
#pragma once

#include <gtest/gtest.h>

#include <optional>

#include "tests/integration/harness/https_client.hpp"
#include "tests/integration/harness/server_process.hpp"

namespace twostep::testing {

class ServerTest : public ::testing::Test {
 protected:
  virtual ServerProcessOptions server_options() const { return {}; }

  void SetUp() override {
    server_.emplace(server_options());
    ASSERT_TRUE(server_->running());
    client_.emplace(server_->client());
  }
  void TearDown() override {
    client_.reset();
    server_.reset();
  }

  ServerProcess& server() { return *server_; }
  HttpsClient& client() { return *client_; }

 private:
  std::optional<ServerProcess> server_;
  std::optional<HttpsClient> client_;
};

}  // namespace twostep::testing
