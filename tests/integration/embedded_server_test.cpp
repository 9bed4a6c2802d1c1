// The Server object in-process with its own routes, to drive what the real API's handlers
// rarely do: async handlers answering from other threads (or never), handlers that throw,
// authentication, per-route body limits, handler headers, the upgrade hand-over, and
// shutdown while long polls wait.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <boost/json/object.hpp>

#include "server/json_io.hpp"
#include "server/server.hpp"
#include "server/upgrade.hpp"
#include "tests/integration/harness/https_client.hpp"
#include "tests/unit/core/temp_dir.hpp"

namespace twostep::testing {
namespace {

using namespace std::chrono_literals;
using server::Access;
using server::HttpRequest;
using server::HttpResponse;

class TokenAuthenticator final : public server::Authenticator {
 public:
  core::Result<server::Principal> authenticate(const HttpRequest& request, Access access) override {
    calls.fetch_add(1);
    if (request.header("authorization") == "Bearer app" && access == Access::kAdmin) {
      return core::fail(core::ErrorKind::kForbidden, "forbidden", "not an admin credential");
    }
    if (request.header("authorization") != "Bearer good") {
      return core::fail(core::ErrorKind::kUnauthenticated, "unauthenticated", "no credential");
    }
    return server::Principal{server::Principal::Kind::kAdmin, "tok_1", "tester", {}};
  }
  std::atomic<int> calls{0};
};

// A Respond parked by the /wait route until the test decides.
struct Parked {
  std::mutex mutex;
  std::condition_variable changed;
  std::optional<server::Respond> respond;
};

class EmbeddedServerTest : public ::testing::Test {
 protected:
  EmbeddedServerTest() {
    config_.listen = "127.0.0.1:0";
    config_.data_dir = dir_.path();
    config_.io_threads = 2;
    add_routes();
    server::ServerOptions options;
    options.handle_signals = false;
    options.shutdown_grace = 2s;
    server_.emplace(config_, router_, auth_, metrics_, random_, clock_, options);
    server_->add_upgrade_handler("/upgrade-here", [this](server::UpgradeRequest&& upgrade) {
      std::lock_guard lock(upgraded_mutex_);
      upgraded_target_ = std::string(upgrade.request.target());
      upgraded_correlation_id_ = upgrade.correlation_id;
      // Dropping the stream here closes the connection: the test sees the hand-over.
    });
    runner_ = std::jthread([this] { server_->run(); });
  }

  ~EmbeddedServerTest() override { stop(); }

  void stop() {
    if (!runner_.joinable()) return;
    server_->stop();
    runner_.join();
  }

  HttpsClient client() {
    ClientOptions options;
    options.ca_file = dir_.path() / "tls" / "cert.pem";
    return HttpsClient(server_->port(), options);
  }

  void add_routes() {
    router_.add("GET", "/echo/{name}", Access::kPublic, [](HttpRequest& r) {
      return server::json_response(200, boost::json::object{{"name", r.param("name")},
                                                            {"q", r.query_param("q")},
                                                            {"correlation_id", r.correlation_id},
                                                            {"client_ip", r.client_ip}});
    });
    router_.add("GET", "/admin", Access::kAdmin, [](HttpRequest& r) {
      return server::json_response(200, boost::json::object{{"principal", r.principal.name}});
    });
    router_.add("GET", "/throws", Access::kPublic, [](HttpRequest&) -> core::Result<HttpResponse> {
      throw std::runtime_error("secret detail");
    });
    router_.add("GET", "/internal", Access::kPublic,
                [](HttpRequest&) -> core::Result<HttpResponse> {
                  return core::fail(core::ErrorKind::kInternal, "db_broken", "row 7 is corrupt");
                });
    router_.add(
        "POST", "/small", Access::kPublic,
        [](HttpRequest& r) {
          return server::json_response(200, boost::json::object{{"size", r.body.size()}});
        },
        server::RouteOptions{16});
    router_.add("GET", "/headers", Access::kPublic, [](HttpRequest&) {
      HttpResponse r = server::json_response(200, boost::json::object{});
      r.headers.emplace_back("Cache-Control", "max-age=60");
      r.headers.emplace_back("X-Injected", "a\r\nSet-Cookie: evil=1");
      r.headers.emplace_back("X-Fine", "yes");
      return r;
    });
    router_.add_async("GET", "/async", Access::kPublic,
                      [this](HttpRequest& r, server::Respond respond) {
                        std::string name(r.query_param("name"));
                        std::lock_guard lock(helpers_mutex_);
                        helpers_.emplace_back([respond, name] {
                          std::this_thread::sleep_for(50ms);
                          respond(server::json_response(200, boost::json::object{{"late", name}}));
                        });
                      });
    router_.add_async("GET", "/dropped", Access::kPublic, [](HttpRequest&, server::Respond) {});
    router_.add_async("GET", "/wait", Access::kAdmin,
                      [this](HttpRequest&, server::Respond respond) {
                        std::lock_guard lock(parked_.mutex);
                        parked_.respond = std::move(respond);
                        parked_.changed.notify_all();
                      });
  }

  TempDir dir_;
  core::Config config_;
  server::Router router_;
  TokenAuthenticator auth_;
  server::MetricsRegistry metrics_;
  core::SystemRandom random_;
  core::SystemClock clock_;
  std::mutex helpers_mutex_;
  std::vector<std::jthread> helpers_;  // answer async calls; joined after the server is gone
  Parked parked_;
  std::mutex upgraded_mutex_;
  std::string upgraded_target_;
  std::string upgraded_correlation_id_;
  std::optional<server::Server> server_;
  std::jthread runner_;
};

TEST_F(EmbeddedServerTest, PassesParamsQueryCorrelationIdAndClientIp) {
  HttpsClient c = client();
  Response r = c.get("/echo/a%20b?q=x%2By", {{"X-Correlation-ID", "cid-1"}});
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(r.json.at("name"), "a b");
  EXPECT_EQ(r.json.at("q"), "x+y");
  EXPECT_EQ(r.json.at("correlation_id"), "cid-1");
  EXPECT_EQ(r.json.at("client_ip"), "127.0.0.1");
  EXPECT_EQ(auth_.calls.load(), 0);  // public routes never authenticate
}

TEST_F(EmbeddedServerTest, AuthenticatesBeforeTheHandlerAndPassesThePrincipal) {
  HttpsClient c = client();
  EXPECT_EQ(c.get("/admin").status, 401u);
  EXPECT_EQ(c.get("/admin", {{"authorization", "Bearer app"}}).status, 403u);
  Response ok = c.get("/admin", {{"authorization", "Bearer good"}});
  EXPECT_EQ(ok.status, 200u);
  EXPECT_EQ(ok.json.at("principal"), "tester");
  EXPECT_EQ(auth_.calls.load(), 3);
}

TEST_F(EmbeddedServerTest, ExceptionsAndInternalErrorsBecomeOpaque500s) {
  HttpsClient c = client();
  for (const char* target : {"/throws", "/internal"}) {
    Response r = c.get(target);
    EXPECT_EQ(r.status, 500u) << target;
    EXPECT_EQ(r.error_code(), "internal_error");
    EXPECT_EQ(r.body.find("secret detail"), std::string::npos);
    EXPECT_EQ(r.body.find("row 7"), std::string::npos);
    EXPECT_EQ(r.error_correlation_id(), r.header("x-correlation-id"));
  }
  EXPECT_EQ(c.get("/echo/still-alive").status, 200u);
  EXPECT_EQ(c.requests_on_connection(), 3);
}

TEST_F(EmbeddedServerTest, RouteBodyLimitReplacesTheDefault) {
  HttpsClient c = client();
  EXPECT_EQ(c.request("POST", "/small", std::string(16, 'a'), "text/plain").status, 200u);
  Response big = c.request("POST", "/small", std::string(17, 'a'), "text/plain");
  EXPECT_EQ(big.status, 413u);
  EXPECT_EQ(big.error_code(), "body_too_large");
}

TEST_F(EmbeddedServerTest, KeepsHandlerHeadersButDropsInjectedOnes) {
  HttpsClient c = client();
  Response r = c.get("/headers");
  EXPECT_EQ(r.header("cache-control"), "max-age=60");
  EXPECT_EQ(r.header("x-fine"), "yes");
  EXPECT_TRUE(r.header("x-injected").empty());
  EXPECT_TRUE(r.header("set-cookie").empty());
  EXPECT_EQ(r.header("strict-transport-security"), "max-age=63072000");
}

TEST_F(EmbeddedServerTest, AsyncHandlersAnswerFromAnotherThreadWithoutHoldingOthers) {
  std::vector<std::jthread> callers;
  std::atomic<int> ok{0};
  for (int i = 0; i < 8; ++i) {
    callers.emplace_back([this, i, &ok] {
      HttpsClient c = client();
      Response r = c.get("/async?name=n" + std::to_string(i));
      const std::string expected = "n" + std::to_string(i);
      if (r.status == 200 && r.json.at("late") == boost::json::value(expected)) ok.fetch_add(1);
    });
  }
  callers.clear();
  EXPECT_EQ(ok.load(), 8);
}

TEST_F(EmbeddedServerTest, AsyncHandlerThatDropsRespondGets500) {
  HttpsClient c = client();
  Response r = c.get("/dropped");
  EXPECT_EQ(r.status, 500u);
  EXPECT_EQ(r.error_code(), "internal_error");
}

TEST_F(EmbeddedServerTest, UpgradeRequestsOnARegisteredPathAreHandedOver) {
  HttpsClient c = client();
  RawConnection raw = c.raw();
  raw.send(
      "GET /upgrade-here HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
      "X-Correlation-ID: up-1\r\nSec-WebSocket-Version: 13\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
  EXPECT_TRUE(raw.wait_closed(5s));
  {
    std::lock_guard lock(upgraded_mutex_);
    EXPECT_EQ(upgraded_target_, "/upgrade-here");
    EXPECT_EQ(upgraded_correlation_id_, "up-1");
  }
  // The same path without Upgrade is routed normally (here: no route, 404).
  EXPECT_EQ(c.get("/upgrade-here").status, 404u);
}

TEST_F(EmbeddedServerTest, ShutdownAnswersWaitingLongPollsWith503AndLateAnswersAreHarmless) {
  std::optional<Response> answer;
  std::jthread caller([this, &answer] {
    HttpsClient c = client();
    answer = c.get("/wait", {{"authorization", "Bearer good"}});
  });
  {
    std::unique_lock lock(parked_.mutex);
    ASSERT_TRUE(parked_.changed.wait_for(lock, 10s, [&] { return parked_.respond.has_value(); }));
  }
  const auto start = std::chrono::steady_clock::now();
  stop();
  caller.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1500ms);
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->status, 503u);
  EXPECT_EQ(answer->error_code(), "shutting_down");
  EXPECT_EQ(answer->header("retry-after"), "1");
  EXPECT_EQ(answer->header("connection"), "close");
  // The domain answers after the server has stopped, and then after it is gone: no effect.
  (*parked_.respond)(server::json_response(200, boost::json::object{}));
  server_.reset();
  (*parked_.respond)(server::json_response(200, boost::json::object{}));
}

TEST_F(EmbeddedServerTest, CountsOpenConnections) {
  HttpsClient c = client();
  ASSERT_EQ(c.get("/echo/x").status, 200u);
  EXPECT_NE(metrics_.render().find("twostep_open_connections 1\n"), std::string::npos);
  c.disconnect();
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (metrics_.render().find("twostep_open_connections 0\n") == std::string::npos &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_NE(metrics_.render().find("twostep_open_connections 0\n"), std::string::npos);
}

}  // namespace
}  // namespace twostep::testing
