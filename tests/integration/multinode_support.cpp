// Two nodes on one database, and a private PostgreSQL server; see multinode_support.hpp.
#include "tests/integration/multinode_support.hpp"

#include <signal.h>
#include <stdlib.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <thread>

#include <gtest/gtest.h>

namespace twostep::itest {
namespace {

namespace fs = std::filesystem;

std::string environment(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? "" : value;
}

// scripts/pg COMMAND DIR; its output without the final newline. Throws on failure.
std::string run_pg_script(const std::string& command, const fs::path& dir) {
  const fs::path script = fs::path(TWOSTEP_PROJECT_SOURCE_DIR) / "scripts" / "pg";
  const auto result =
      testing::run_program({"/bin/bash", script.string(), command, dir.string()}, 120s);
  if (result.status != 0) {
    throw std::runtime_error("scripts/pg " + command + " failed: " + result.err);
  }
  std::string out = result.out;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

// The same, ignoring failures (clean-up after a failed start).
void run_pg_script_quietly(const std::string& command, const fs::path& dir) {
  try {
    run_pg_script(command, dir);
  } catch (const std::exception&) {
    // Nothing was started, or it is already stopped.
  }
}

// Node b's data dir under `root`: a copy of node a's master key, so both open the same
// sealed secrets.
testing::ServerProcessOptions node_b_options(const testing::ServerProcess& a, const fs::path& root,
                                             std::shared_ptr<testing::PgTestDatabase> database) {
  const fs::path data = root / "data";
  fs::create_directories(data);
  fs::permissions(data, fs::perms::owner_all, fs::perm_options::replace);
  fs::copy_file(a.data_dir() / "master.key", data / "master.key");
  fs::permissions(data / "master.key", fs::perms::owner_read | fs::perms::owner_write,
                  fs::perm_options::replace);
  testing::ServerProcessOptions options;
  options.data_dir = data;
  options.database = std::move(database);
  return options;
}

testing::ServerProcessOptions on_database(std::shared_ptr<testing::PgTestDatabase> database) {
  testing::ServerProcessOptions options;
  options.database = std::move(database);
  return options;
}

}  // namespace

bool postgres_configured() {
  if (environment("TWOSTEP_TEST_PG_URL").empty()) return false;
  ::setenv("TWOSTEP_ITEST_BACKEND", "postgres", 1);
  return true;
}

PrivatePostgres::PrivatePostgres() {
  // Directly under the temporary directory: scripts/pg hands it to the `postgres` user when
  // run as root, which must be able to reach it.
  std::string pattern = (fs::temp_directory_path() / "twostep-pg-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = pattern;
  fs::permissions(dir_, fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec,
                  fs::perm_options::replace);
  try {
    url_ = run_pg_script("start", dir_);
  } catch (...) {
    run_pg_script_quietly("stop", dir_);
    std::error_code ec;
    fs::remove_all(dir_, ec);
    throw;
  }
  ::setenv("TWOSTEP_TEST_PG_URL", url_.c_str(), 1);
  ::setenv("TWOSTEP_ITEST_BACKEND", "postgres", 1);
}

PrivatePostgres::~PrivatePostgres() {
  try {
    run_pg_script("stop", dir_);
  } catch (const std::exception& e) {
    ADD_FAILURE() << e.what();
  }
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

void PrivatePostgres::crash() {
  pid_t pid = 0;
  std::ifstream(dir_ / "data" / "postmaster.pid") >> pid;
  ASSERT_GT(pid, 0) << "no postmaster.pid";
  ASSERT_EQ(::kill(pid, SIGQUIT), 0);
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (::kill(pid, 0) == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(50ms);
  }
  ASSERT_NE(::kill(pid, 0), 0) << "PostgreSQL did not stop";
}

void PrivatePostgres::start() { EXPECT_EQ(run_pg_script("start", dir_), url_); }

TwoNodes::TwoNodes()
    : database(std::make_shared<testing::PgTestDatabase>()),
      a(on_database(database)),
      b(node_b_options(a, b_root.path(), database)),
      admin_token(a.admin_token()),
      admin_a(a.port(), admin_token),
      admin_b(b.port(), admin_token),
      app_key(admin_a.create_application("VPN")),
      app_a(a.port(), app_key),
      app_b(b.port(), app_key) {}

}  // namespace twostep::itest
