// Start-up and graceful shutdown of `twostep serve`.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/harness/server_test.hpp"

namespace twostep::testing {
namespace {

using namespace std::chrono_literals;

TEST(ServerLifecycle, PrintsWhereItListensAndWritesThePortFile) {
  ServerProcess server;
  ASSERT_TRUE(server.running());
  std::string where = "https://127.0.0.1:" + std::to_string(server.port());
  EXPECT_NE(server.output().find("twostep listening on " + where + " (public URL " + where + ")"),
            std::string::npos)
      << server.output();
}

// The names of a process's threads, as `top -H` and `ps -L` show them.
std::vector<std::string> thread_names(pid_t pid) {
  std::vector<std::string> names;
  const auto tasks = std::filesystem::path("/proc") / std::to_string(pid) / "task";
  for (const auto& task : std::filesystem::directory_iterator(tasks)) {
    std::ifstream comm(task.path() / "comm");
    std::string name;
    std::getline(comm, name);
    names.push_back(name);
  }
  return names;
}

TEST(ServerLifecycle, NamesItsThreadsButNotTheProcess) {
  ServerProcessOptions options;
  options.config_toml = "io_threads = 2\nworker_threads = 3\n";
  ServerProcess server(options);
  ASSERT_TRUE(server.running());
  // The threads name themselves as they start: wait (up to 5 s) until all have.
  std::vector<std::string> names;
  auto count = [&](const char* name) { return std::count(names.begin(), names.end(), name); };
  for (int i = 0; i < 500; ++i) {
    names = thread_names(server.pid());
    if (count("worker") == 3 && count("io") == 1) break;
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_EQ(count("worker"), 3);
  EXPECT_EQ(count("io"), 1) << "the main thread is the other";
  std::ifstream comm("/proc/" + std::to_string(server.pid()) + "/comm");
  std::string process_name;
  std::getline(comm, process_name);
  EXPECT_EQ(process_name, "twostep") << "ps and pkill find the server by this name";
}

TEST(ServerLifecycle, SigtermAndSigintExitZero) {
  for (int signal : {SIGTERM, SIGINT}) {
    ServerProcess server;
    ASSERT_TRUE(server.running());
    ASSERT_EQ(server.client().get("/healthz").status, 200u);
    EXPECT_EQ(server.stop(signal), 0) << server.log();
    EXPECT_NE(server.log().find("\"msg\":\"server stopped\""), std::string::npos);
  }
}

TEST(ServerLifecycle, IdleKeepAliveConnectionsDoNotDelayShutdown) {
  ServerProcess server;
  ASSERT_TRUE(server.running());
  HttpsClient client = server.client();
  ASSERT_EQ(client.get("/healthz").status, 200u);  // the connection stays open and idle
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(server.stop(SIGTERM), 0);
  // Well inside the 5 s grace period: idle connections are closed at once, not waited for.
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1500ms);
}

TEST(ServerLifecycle, InFlightRequestFinishesAfterSigterm) {
  ServerProcess server;
  ASSERT_TRUE(server.running());
  RawConnection raw = server.client().raw();
  raw.send(
      "POST /v1/users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Content-Length: 2\r\n\r\n{");
  std::this_thread::sleep_for(300ms);  // the server is now reading this request's body
  ASSERT_EQ(::kill(server.pid(), SIGTERM), 0);
  std::this_thread::sleep_for(300ms);
  raw.send("}");
  Response r = raw.read_response();
  EXPECT_EQ(r.status, 401u);  // answered (no credential), not dropped
  EXPECT_EQ(r.header("connection"), "close");
  EXPECT_TRUE(raw.wait_closed(5s));
  EXPECT_EQ(server.stop(SIGTERM), 0);
}

}  // namespace
}  // namespace twostep::testing
