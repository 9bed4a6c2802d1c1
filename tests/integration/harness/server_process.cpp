// Process control for the server under test: posix_spawn, output to files, polling waits.
#include "tests/integration/harness/server_process.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "tests/integration/harness/secret_scan.hpp"

extern char** environ;

namespace twostep::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

fs::path make_temp_dir() {
  std::string pattern = (fs::temp_directory_path() / "twostep-it-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  return pattern;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Starts `args` with stdout and stderr to files; stdin from `stdin_fd` when given, else
// /dev/null.
pid_t spawn(const std::vector<std::string>& args, const fs::path& out, const fs::path& err,
            int stdin_fd = -1) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (stdin_fd >= 0) {
    posix_spawn_file_actions_adddup2(&actions, stdin_fd, 0);
  } else {
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  }
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start " + args[0]);
  return pid;
}

int decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

// The exit status, or -1 when the process is still running at the deadline.
int wait_exit(pid_t pid, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    int status = 0;
    pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) return decode_status(status);
    if (done < 0 || std::chrono::steady_clock::now() >= deadline) return -1;
    std::this_thread::sleep_for(5ms);
  }
}

void kill_and_reap(pid_t pid) {
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
}

}  // namespace

fs::path program_path(std::string_view name) {
  const char* dir = std::getenv("TWOSTEP_BINARY_DIR");
  return fs::path(dir != nullptr ? dir : TWOSTEP_BUILD_BINARY_DIR) / "bin" / name;
}

fs::path twostep_binary() { return program_path("twostep"); }

ChildProcess::ChildProcess(const std::vector<std::string>& argv, bool pipe_stdin)
    : dir_(make_temp_dir()) {
  int fds[2] = {-1, -1};
  if (pipe_stdin) {
    // A write after the program ended must fail with EPIPE, not kill the test.
    std::signal(SIGPIPE, SIG_IGN);
    if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
  }
  try {
    pid_ = spawn(argv, dir_ / "out", dir_ / "err", fds[0]);
  } catch (...) {
    if (pipe_stdin) ::close(fds[1]);
    throw;
  }
  if (pipe_stdin) ::close(fds[0]);
  stdin_fd_ = fds[1];
}

ChildProcess::~ChildProcess() {
  kill();
  if (stdin_fd_ >= 0) ::close(stdin_fd_);
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

int ChildProcess::wait(std::chrono::milliseconds timeout) {
  if (!status_) {
    const int status = wait_exit(pid_, timeout);
    if (status != -1) status_ = status;
  }
  return status_.value_or(-1);
}

bool ChildProcess::wait_for_output(std::string_view text, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (out().find(text) == std::string::npos) {
    // Whatever the program printed before it ended is in the file by now: look once more.
    if (wait(0ms) != -1) return out().find(text) != std::string::npos;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

bool ChildProcess::write_stdin(std::string_view bytes) {
  while (stdin_fd_ >= 0 && !bytes.empty()) {
    const ssize_t n = ::write(stdin_fd_, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return stdin_fd_ >= 0;
}

void ChildProcess::kill() {
  if (status_ || pid_ <= 0) return;
  kill_and_reap(pid_);
  status_ = 128 + SIGKILL;
}

std::string ChildProcess::out() const { return read_file(dir_ / "out"); }
std::string ChildProcess::err() const { return read_file(dir_ / "err"); }

CommandResult run_program(const std::vector<std::string>& argv, std::chrono::seconds timeout) {
  ChildProcess child(argv);
  CommandResult result;
  result.status = child.wait(timeout);
  child.kill();
  result.out = child.out();
  result.err = child.err();
  return result;
}

CommandResult run_twostep(const std::vector<std::string>& args, std::chrono::seconds timeout) {
  std::vector<std::string> argv{twostep_binary().string()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_program(argv, timeout);
}

ServerProcess::ServerProcess(ServerProcessOptions options) {
  root_ = make_temp_dir();
  own_dir_ = true;
  data_dir_ = options.data_dir.empty() ? root_ / "data" : options.data_dir;
  if (postgres_backend()) {
    database_ = options.database ? options.database : std::make_shared<PgTestDatabase>();
  }
  std::vector<std::string> args{
      twostep_binary().string(), "serve", "--listen", "127.0.0.1:0", "--data-dir",
      data_dir_.string()};
  if (database_) {
    args.push_back("--db");
    args.push_back(database_->url());
  }
  if (!options.config_toml.empty()) {
    std::ofstream(root_ / "twostep.toml") << options.config_toml;
    args.push_back("--config");
    args.push_back((root_ / "twostep.toml").string());
  }
  args.insert(args.end(), options.extra_args.begin(), options.extra_args.end());
  std::error_code ec;
  fs::remove(data_dir_ / "listen.port", ec);
  pid_ = spawn(args, root_ / "stdout.log", root_ / "server.log");

  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (std::chrono::steady_clock::now() < deadline) {
    std::string text = read_file(data_dir_ / "listen.port");
    if (!text.empty()) {
      port_ = static_cast<std::uint16_t>(std::stoi(text));
      return;
    }
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      ADD_FAILURE() << "twostep serve exited with status " << decode_status(status) << "\nstdout:\n"
                    << output() << "\nstderr:\n"
                    << log();
      return;
    }
    std::this_thread::sleep_for(10ms);
  }
  kill_and_reap(pid_);
  pid_ = -1;
  ADD_FAILURE() << "twostep serve did not write listen.port within 60 s\n" << log();
}

ServerProcess::~ServerProcess() {
  if (running()) {
    int status = stop();
    EXPECT_EQ(status, 0) << "twostep serve did not exit cleanly on SIGTERM\n" << log();
  }
  expect_no_clear_secrets();
  if (::testing::Test::HasFailure()) {
    std::string text = log();
    constexpr std::size_t kTail = 20000;
    std::cerr << "---- server log (last " << kTail << " bytes) ----\n"
              << (text.size() > kTail ? text.substr(text.size() - kTail) : text) << '\n';
  }
  if (own_dir_) {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
}

void ServerProcess::expect_no_clear_secrets() const {
  std::vector<std::pair<std::string, std::string>> texts{{"log", log() + output()}};
  if (database_) {
    texts.emplace_back("database", pg_database_text(database_->url()));
  } else {
    for (const char* name : {"twostep.db", "twostep.db-wal"}) {
      texts.emplace_back(name, read_file(data_dir_ / name));
    }
  }
  for (const auto& [where, text] : texts) {
    for (const std::string& piece : clear_secrets_in(text)) {
      ADD_FAILURE() << "a secret in the clear in the server's " << where << ": " << piece;
    }
  }
}

std::string ServerProcess::log() const { return read_file(root_ / "server.log"); }
std::string ServerProcess::output() const { return read_file(root_ / "stdout.log"); }

HttpsClient ServerProcess::client(ClientOptions options) const {
  if (options.ca_file.empty()) options.ca_file = cert_path();
  return HttpsClient(port_, std::move(options));
}

CommandResult ServerProcess::run_cli(std::vector<std::string> args) const {
  args.push_back("--data-dir");
  args.push_back(data_dir_.string());
  if (database_) {
    args.push_back("--db");
    args.push_back(database_->url());
  }
  return run_twostep(args);
}

std::string ServerProcess::db_url() const {
  return database_ ? database_->url() : "sqlite:" + (data_dir_ / "twostep.db").string();
}

bool ServerProcess::database_contains(std::string_view text) const {
  if (database_) {
    // Text columns as they are, bytea columns as \x and lowercase hex.
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    for (unsigned char c : text) {
      hex += kHex[c >> 4];
      hex += kHex[c & 15];
    }
    const std::string rows = pg_database_text(database_->url());
    return rows.find(text) != std::string::npos || rows.find(hex) != std::string::npos;
  }
  for (const char* name : {"twostep.db", "twostep.db-wal"}) {
    if (read_file(data_dir_ / name).find(text) != std::string::npos) return true;
  }
  return false;
}

std::string ServerProcess::admin_token(const std::string& name) const {
  CommandResult r = run_cli({"admin", "token", "create", "--name", name});
  EXPECT_EQ(r.status, 0) << r.err;
  std::string token = r.out;
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
  return token;
}

int ServerProcess::stop(int signal, std::chrono::milliseconds timeout) {
  if (!running()) return -1;
  ::kill(pid_, signal);
  int status = wait_exit(pid_, timeout);
  if (status == -1) kill_and_reap(pid_);
  pid_ = -1;
  return status;
}

}  // namespace twostep::testing
