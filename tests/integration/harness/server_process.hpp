// Runs the real `twostep` binary for an integration test: a fresh temporary data dir,
// `serve --listen 127.0.0.1:0`, the port read from DATA_DIR/listen.port, and SIGTERM at the
// end with the exit status checked. Also runs one-shot CLI commands.
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
#include <string>
#include <vector>

#include "tests/integration/harness/https_client.hpp"

namespace twostep::testing {

/// $TWOSTEP_BINARY_DIR/bin/twostep (TWOSTEP_BINARY_DIR is set by tests/CMakeLists.txt).
std::filesystem::path twostep_binary();

struct CommandResult {
  int status = -1;  // exit status, or 128 + signal
  std::string out;
  std::string err;
};

/// Runs `twostep args…` to completion (killed after `timeout`).
CommandResult run_twostep(const std::vector<std::string>& args,
                          std::chrono::seconds timeout = std::chrono::seconds(60));

struct ServerProcessOptions {
  /// TOML written to a file passed with --config (e.g. "read_timeout_seconds = 2\n").
  std::string config_toml;
  /// More arguments after `serve …`.
  std::vector<std::string> extra_args;
  /// The data dir to use instead of a fresh one (e.g. to restart on the same database).
  std::filesystem::path data_dir;
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
  /// What the server wrote to stderr (the JSON log) and stdout so far.
  std::string log() const;
  std::string output() const;

  /// A client that pins the server's certificate; `options` may change anything else.
  HttpsClient client(ClientOptions options = {}) const;

  /// Runs `twostep args… --data-dir DATA_DIR` against this server's data dir and database.
  CommandResult run_cli(std::vector<std::string> args) const;
  /// A new admin token from `twostep admin token create --name NAME` (a test failure when
  /// the command fails).
  std::string admin_token(const std::string& name = "integration-test") const;

  /// Sends `signal` and waits up to `timeout`; returns the exit status (128 + signal when
  /// killed by one; -1 on timeout, after which the process is killed).
  int stop(int signal = 15, std::chrono::milliseconds timeout = std::chrono::seconds(20));

 private:
  std::filesystem::path root_;  // removed at the end when the directory was ours
  std::filesystem::path data_dir_;
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  bool own_dir_ = false;
};

}  // namespace twostep::testing
