// Runs the real `twostep` binary for an integration test: a fresh temporary data dir,
// `serve --listen 127.0.0.1:0`, the port read from DATA_DIR/listen.port, and SIGTERM at the
// end with the exit status checked. Also runs one-shot CLI commands, and other programs of
// the build (twostep-device) in the background.
//
//   ServerProcess server;                       // started and listening
//   HttpsClient client = server.client();       // pins the server's self-signed certificate
//   EXPECT_EQ(client.get("/healthz").status, 200);
//   // the destructor stops the server and expects exit status 0
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tests/integration/harness/https_client.hpp"
#include "tests/integration/harness/test_database.hpp"

namespace twostep::testing {

/// $TWOSTEP_BINARY_DIR/bin/NAME, an executable of the build under test (TWOSTEP_BINARY_DIR
/// is set by tests/CMakeLists.txt; without it, the build dir the harness was built in).
std::filesystem::path program_path(std::string_view name);
/// program_path("twostep").
std::filesystem::path twostep_binary();

struct CommandResult {
  int status = -1;  // exit status, or 128 + signal
  std::string out;
  std::string err;
};

/// Runs `twostep args…` to completion (killed after `timeout`).
CommandResult run_twostep(const std::vector<std::string>& args,
                          std::chrono::seconds timeout = std::chrono::seconds(60));

/// A program running in the background: stdin from /dev/null (or a pipe the test writes to),
/// stdout and stderr to files read at any time. The destructor kills a program still running
/// (SIGKILL), so a test that fails half-way never leaves one behind or waits on it.
///
///   ChildProcess child({program_path("twostep-device").string(), "listen", …});
///   ASSERT_TRUE(child.wait_for_output("\"ready\"", 20s)) << child.err();
///   EXPECT_EQ(child.wait(20s), 0);
class ChildProcess {
 public:
  /// Starts `argv` (argv[0] is the program's path); throws when it cannot be started.
  explicit ChildProcess(const std::vector<std::string>& argv, bool pipe_stdin = false);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  /// The exit status (128 + signal when killed by one) once the program has ended within
  /// `timeout`; -1 while it is still running.
  int wait(std::chrono::milliseconds timeout);
  /// True once stdout contains `text`; false when the program ends or `timeout` passes
  /// without it.
  bool wait_for_output(std::string_view text, std::chrono::milliseconds timeout);
  /// Writes to the program's stdin (with pipe_stdin); false when it is closed.
  bool write_stdin(std::string_view bytes);
  /// Kills the program (SIGKILL) if it is still running and reaps it.
  void kill();
  std::string out() const;
  std::string err() const;

 private:
  std::filesystem::path dir_;  // holds the output files; removed by the destructor
  pid_t pid_ = -1;
  int stdin_fd_ = -1;
  std::optional<int> status_;
};

/// Runs `argv` to completion (killed after `timeout`, status -1 then).
CommandResult run_program(const std::vector<std::string>& argv,
                          std::chrono::seconds timeout = std::chrono::seconds(60));

struct ServerProcessOptions {
  /// TOML written to a file passed with --config (e.g. "read_timeout_seconds = 2\n").
  std::string config_toml;
  /// More arguments after `serve …`.
  std::vector<std::string> extra_args;
  /// The data dir to use instead of a fresh one (e.g. to restart on the same database).
  std::filesystem::path data_dir;
  /// On PostgreSQL (test_database.hpp), the database to use instead of a fresh one: a
  /// restart on the same data dir passes the first server's database() here.
  std::shared_ptr<PgTestDatabase> database;
};

class ServerProcess {
 public:
  /// Starts the server and waits until it listens; a failed start is a test failure (the
  /// server's output is printed) and leaves running() false.
  explicit ServerProcess(ServerProcessOptions options = {});
  /// Stops a running server and expects exit status 0; removes the temporary directory.
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  std::uint16_t port() const { return port_; }
  const std::filesystem::path& data_dir() const { return data_dir_; }
  std::filesystem::path cert_path() const { return data_dir_ / "tls" / "cert.pem"; }
  /// The server's database: sqlite:DATA_DIR/twostep.db, or its PostgreSQL database's URL.
  std::string db_url() const;
  /// The PostgreSQL database (null on SQLite), kept alive as long as a holder needs it.
  const std::shared_ptr<PgTestDatabase>& database() const { return database_; }
  /// True when `text` is stored in the clear anywhere in the server's database: in the
  /// SQLite file or its WAL, or in any row of the PostgreSQL database.
  bool database_contains(std::string_view text) const;
  /// What the server wrote to stderr (the JSON log) and stdout so far.
  std::string log() const;
  std::string output() const;

  /// A client that pins the server's certificate; `options` may change anything else.
  HttpsClient client(ClientOptions options = {}) const;

  /// Runs `twostep args… --data-dir DATA_DIR [--db URL]` against this server's data dir and
  /// database.
  CommandResult run_cli(std::vector<std::string> args) const;
  /// A new admin token from `twostep admin token create --name NAME` (a test failure when
  /// the command fails).
  std::string admin_token(const std::string& name = "integration-test") const;

  /// Sends `signal` and waits up to `timeout`; returns the exit status (128 + signal when
  /// killed by one; -1 on timeout, after which the process is killed).
  int stop(int signal = 15, std::chrono::milliseconds timeout = std::chrono::seconds(20));

 private:
  /// A test failure for each secret found in the clear in the log or the database (run as
  /// the server is destroyed, so every integration test checks what it leaves behind).
  void expect_no_clear_secrets() const;

  std::filesystem::path root_;  // removed at the end when the directory was ours
  std::filesystem::path data_dir_;
  std::shared_ptr<PgTestDatabase> database_;  // dropped after the server stopped
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  bool own_dir_ = false;
};

}  // namespace twostep::testing
