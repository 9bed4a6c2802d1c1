// Drives the real twostep-device binary's listen and remove commands against the test server.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <fstream>

#include "activation/activation_uri.hpp"
#include "activation/qr.hpp"
#include "client/device_key.hpp"
#include "client/state.hpp"
#include "core/crypto.hpp"
#include "tests/unit/client/test_server.hpp"

extern char** environ;

namespace twostep::client {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using testing::run_until;

// A child process whose stdout is collected; it is waited for without blocking so the test's
// io_context (the server) keeps running meanwhile.
class Child {
 public:
  explicit Child(std::vector<std::string> args) {
    int fds[2];
    if (::pipe(fds) != 0) return;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    posix_spawn_file_actions_addclose(&actions, fds[1]);
    std::vector<char*> argv;
    for (auto& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    if (::posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
    ::close(fds[1]);
    out_fd_ = fds[0];
    ::fcntl(out_fd_, F_SETFL, O_NONBLOCK);
  }
  ~Child() {
    if (pid_ > 0 && !exit_code_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    if (out_fd_ >= 0) ::close(out_fd_);
  }

  bool exited() {
    drain();
    if (!exit_code_ && pid_ > 0) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        drain();
      }
    }
    return exit_code_.has_value();
  }
  int exit_code() const { return exit_code_.value_or(-2); }
  void signal(int sig) const { ::kill(pid_, sig); }

  // The JSON lines printed so far.
  std::vector<json::object> lines() {
    drain();
    std::vector<json::object> out;
    std::size_t start = 0;
    for (std::size_t end; (end = out_.find('\n', start)) != std::string::npos; start = end + 1) {
      out.push_back(json::parse(out_.substr(start, end - start)).as_object());
    }
    return out;
  }
  std::vector<std::string> types() {
    std::vector<std::string> out;
    for (const auto& line : lines()) out.emplace_back(line.at("type").as_string());
    return out;
  }

 private:
  void drain() {
    char buffer[4096];
    for (ssize_t n; (n = ::read(out_fd_, buffer, sizeof buffer)) > 0;) {
      out_.append(buffer, static_cast<std::size_t>(n));
    }
  }

  pid_t pid_ = -1;
  int out_fd_ = -1;
  std::string out_;
  std::optional<int> exit_code_;
};

class DeviceCliListen : public ::testing::Test {
 protected:
  void SetUp() override {
    auto key = DeviceKey::generate().value();
    server_.devices["dev_cli"] = core::parse_p256_public_key(key.public_key_der()).value();
    DeviceState state;
    state.server_url = server_.https_url("");
    state.ws_url = server_.ws_url();
    state.device_id = "dev_cli";
    state.user = {"usr_1", "alice", "Alice"};
    state.private_key_pem = key.private_key_pem();
    state.totp_secret = core::SecretBytes::from_string("12345678901234567890");
    state.tls = {true, "", certificate_.pin};
    state_path_ = fs::temp_directory_path() / ("twostep-listen-" + std::to_string(::getpid()));
    ASSERT_TRUE(save_state(state_path_, state).has_value());
  }
  void TearDown() override { fs::remove(state_path_); }

  Child run(std::vector<std::string> args) {
    const char* dir = std::getenv("TWOSTEP_BINARY_DIR");
    args.insert(args.begin(), std::string(dir ? dir : ".") + "/bin/twostep-device");
    return Child(std::move(args));
  }

  std::shared_ptr<testing::Peer> wait_peer() {
    EXPECT_TRUE(run_until(io_, [&] { return !server_.peers.empty(); }));
    return server_.peers.empty() ? nullptr : server_.peers[0];
  }

  boost::asio::io_context io_;
  testing::TestCertificate certificate_ = testing::make_certificate({"localhost"}, {"127.0.0.1"});
  testing::TestServer server_{io_, certificate_};
  fs::path state_path_;
};

TEST_F(DeviceCliListen, ApprovesWithTheGivenNumberAndExitsAfterTheResult) {
  Child child =
      run({"listen", "--state", state_path_.string(), "--approve-with", "42", "--exit-after", "1"});
  auto peer = wait_peer();
  ASSERT_TRUE(peer);
  peer->send(R"({"type":"push","txid":"tx_1","context":{"app":"VPN","ip":"203.0.113.1",
                 "location":"Oslo","browser":"Firefox"},"expires_at":"2026-11-28T00:01:00Z"})");
  ASSERT_TRUE(run_until(io_, [&] { return !peer->received.empty(); }));
  const auto respond = json::parse(peer->received[0]).as_object();
  EXPECT_EQ(respond.at("decision"), "approve");
  EXPECT_EQ(respond.at("number"), "42");
  peer->send(R"({"type":"result","txid":"tx_1","status":"approved"})");
  ASSERT_TRUE(run_until(io_, [&] { return child.exited(); }));
  EXPECT_EQ(child.exit_code(), 0);
  const auto lines = child.lines();
  EXPECT_EQ(child.types(),
            (std::vector<std::string>{"ready", "push", "answered", "result", "closed"}));
  EXPECT_EQ(lines[1].at("context").at("location"), "Oslo");
  EXPECT_EQ(lines[3].at("status"), "approved");
}

TEST_F(DeviceCliListen, APushDeliveredTwiceIsShownAndAnsweredOnce) {
  Child child =
      run({"listen", "--state", state_path_.string(), "--approve-with", "42", "--exit-after", "1"});
  auto peer = wait_peer();
  ASSERT_TRUE(peer);
  const std::string push =
      R"({"type":"push","txid":"tx_1","context":{"app":"VPN"},"expires_at":"2026-11-28T00:01:00Z"})";
  peer->send(push);
  peer->send(push);
  ASSERT_TRUE(run_until(io_, [&] { return !peer->received.empty(); }));
  peer->send(R"({"type":"result","txid":"tx_1","status":"approved"})");
  ASSERT_TRUE(run_until(io_, [&] { return child.exited() && peer->closed; }));
  EXPECT_EQ(child.exit_code(), 0);
  EXPECT_EQ(peer->received.size(), 1u);
  EXPECT_EQ(child.types(),
            (std::vector<std::string>{"ready", "push", "answered", "result", "closed"}));
}

TEST_F(DeviceCliListen, DeactivationExitsWithTheReason) {
  Child child = run({"listen", "--state", state_path_.string()});
  auto peer = wait_peer();
  ASSERT_TRUE(peer);
  peer->send(R"({"type":"deactivated","reason":"admin_removed"})");
  peer->close(4403);
  ASSERT_TRUE(run_until(io_, [&] { return child.exited(); }));
  EXPECT_EQ(child.exit_code(), 3);
  const auto lines = child.lines();
  ASSERT_GE(lines.size(), 2u);
  EXPECT_EQ(lines[1].at("type"), "deactivated");
  EXPECT_EQ(lines[1].at("reason"), "admin_removed");
}

TEST_F(DeviceCliListen, UnknownDeviceExitsWith4) {
  server_.devices.clear();
  Child child = run({"listen", "--state", state_path_.string()});
  ASSERT_TRUE(run_until(io_, [&] { return child.exited(); }));
  EXPECT_EQ(child.exit_code(), 4);
}

TEST_F(DeviceCliListen, SigtermStopsCleanly) {
  Child child = run({"listen", "--state", state_path_.string()});
  auto peer = wait_peer();
  ASSERT_TRUE(peer);
  ASSERT_TRUE(run_until(io_, [&] { return !child.lines().empty(); }));  // "ready" printed
  child.signal(SIGTERM);
  ASSERT_TRUE(run_until(io_, [&] { return child.exited() && peer->closed; }));
  EXPECT_EQ(child.exit_code(), 0);
}

TEST_F(DeviceCliListen, RemoveSendsRemoveAndDeletesTheState) {
  Child child = run({"remove", "--state", state_path_.string()});
  auto peer = wait_peer();
  ASSERT_TRUE(peer);
  ASSERT_TRUE(run_until(io_, [&] { return !peer->received.empty(); }));
  EXPECT_EQ(json::parse(peer->received[0]), json::parse(R"({"type":"remove"})"));
  peer->send(R"({"type":"deactivated","reason":"device_removed"})");
  peer->close(4403);
  ASSERT_TRUE(run_until(io_, [&] { return child.exited(); }));
  EXPECT_EQ(child.exit_code(), 0);
  EXPECT_FALSE(fs::exists(state_path_));
  const auto lines = child.lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].at("type"), "removed");
  EXPECT_EQ(lines[0].at("reason"), "device_removed");
}

TEST_F(DeviceCliListen, ActivatesFromAQrImageAndPrintsCodes) {
  std::vector<std::string> bodies;
  server_.http = [&](const std::string&, const std::string& target, const std::string& body) {
    bodies.push_back(body);
    return testing::TestServer::HttpReply{target == "/v1/activate" ? 201u : 404u,
                                          testing::activation_response(server_.ws_url())};
  };
  const std::string uri =
      activation::build_activation_uri("code-qr", server_.https_url("/v1/activate"));
  const fs::path png = state_path_.string() + ".png";
  const auto image = activation::render_qr_png(uri).value();
  std::ofstream(png, std::ios::binary)
      .write(reinterpret_cast<const char*>(image.data()),
             static_cast<std::streamsize>(image.size()));
  const fs::path fresh = state_path_.string() + ".new";

  Child child = run({"activate", "--state", fresh.string(), "--qr", png.string(), "--insecure",
                     "--name", "CLI phone"});
  ASSERT_TRUE(run_until(io_, [&] { return child.exited(); }));
  EXPECT_EQ(child.exit_code(), 0);
  const auto lines = child.lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].at("device_id"), "dev_new");
  ASSERT_EQ(bodies.size(), 1u);
  EXPECT_EQ(json::parse(bodies[0]).at("code"), "code-qr");
  EXPECT_EQ(json::parse(bodies[0]).at("device_name"), "CLI phone");

  auto state = load_state(fresh);
  ASSERT_TRUE(state.has_value()) << state.error().message;
  EXPECT_EQ(state->tls.pin_sha256, certificate_.pin);
  // Activating again over an existing state is refused before any request.
  Child again = run({"activate", "--state", fresh.string(), "--qr", png.string(), "--insecure"});
  ASSERT_TRUE(run_until(io_, [&] { return again.exited(); }));
  EXPECT_EQ(again.exit_code(), 1);
  EXPECT_EQ(bodies.size(), 1u);
  fs::remove(fresh);
  fs::remove(png);
}

}  // namespace
}  // namespace twostep::client
