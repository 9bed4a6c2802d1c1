// Support for the multi-node tests and the cross-node round-trip measurement: two `twostep
// serve` nodes on one fresh PostgreSQL database and one master key (as scripts/cluster runs
// them), and a private PostgreSQL server a test may crash and restart. They need the
// PostgreSQL server of TWOSTEP_TEST_PG_URL (for the private one: Debian's postgresql, via
// scripts/pg); without that URL the tests skip.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "tests/integration/harness/server_process.hpp"
#include "tests/integration/harness/test_database.hpp"
#include "tests/integration/push_support.hpp"
#include "tests/unit/core/temp_dir.hpp"

namespace twostep::itest {

/// Skips the current test when TWOSTEP_TEST_PG_URL is unset; otherwise points the harness's
/// servers at PostgreSQL (TWOSTEP_ITEST_BACKEND=postgres) for the rest of this process.
#define TWOSTEP_REQUIRE_POSTGRES()                                                        \
  do {                                                                                    \
    if (!::twostep::itest::postgres_configured()) {                                       \
      GTEST_SKIP() << "TWOSTEP_TEST_PG_URL is not set (scripts/pg start DIR prints one)"; \
    }                                                                                     \
  } while (false)

/// True when TWOSTEP_TEST_PG_URL is set; then sets TWOSTEP_ITEST_BACKEND=postgres.
bool postgres_configured();

/// A PostgreSQL server of the test's own (scripts/pg in a fresh directory), stopped and
/// removed by the destructor. Its URL becomes TWOSTEP_TEST_PG_URL, so the databases made
/// afterwards (PgTestDatabase) live on it.
class PrivatePostgres {
 public:
  PrivatePostgres();
  ~PrivatePostgres();
  PrivatePostgres(const PrivatePostgres&) = delete;
  PrivatePostgres& operator=(const PrivatePostgres&) = delete;

  const std::string& url() const { return url_; }
  /// Kills the server the way a crash does (SIGQUIT to the postmaster: an immediate
  /// shutdown, recovery at the next start) and waits until it is gone.
  void crash();
  /// Starts it again on the same port and data.
  void start();

 private:
  std::filesystem::path dir_;
  std::string url_;
};

/// Two nodes on one database: node a and node b (b's data dir gets a's master key before
/// it starts), an admin token valid on both, and an application "VPN" calling each node.
struct TwoNodes {
  TwoNodes();

  std::shared_ptr<testing::PgTestDatabase> database;
  testing::ServerProcess a;
  testing::TempDir b_root;  // node b's data dir lives here; removed after b stopped
  testing::ServerProcess b;
  std::string admin_token;
  Admin admin_a;
  Admin admin_b;
  std::string app_key;
  Application app_a;
  Application app_b;
};

}  // namespace twostep::itest
