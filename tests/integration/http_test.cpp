// Generic HTTP behaviour of the server: operational endpoints, the headers and error body
// every response carries, routing errors, size limits, keep-alive and the access log.
#include <gtest/gtest.h>
#include <cctype>

#include <boost/json/object.hpp>

#include "tests/integration/harness/server_test.hpp"

namespace twostep::testing {
namespace {

using HttpTest = ServerTest;

bool contains(std::string_view text, std::string_view needle) {
  return text.find(needle) != std::string_view::npos;
}

void expect_standard_headers(const Response& r) {
  EXPECT_EQ(r.header("strict-transport-security"), "max-age=63072000");
  EXPECT_EQ(r.header("x-content-type-options"), "nosniff");
  EXPECT_EQ(r.header("cache-control"), "no-store");
  EXPECT_FALSE(r.header("x-correlation-id").empty());
}

void expect_error(const Response& r, unsigned status, std::string_view code) {
  EXPECT_EQ(r.status, status) << r.body;
  EXPECT_EQ(r.error_code(), code) << r.body;
  EXPECT_TRUE(r.json.at("error").as_object().contains("message"));
  EXPECT_EQ(r.error_correlation_id(), r.header("x-correlation-id"));
  expect_standard_headers(r);
}

TEST_F(HttpTest, HealthzAnswersOk) {
  Response r = client().get("/healthz");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.header("content-type"), "application/json");
  EXPECT_EQ(r.json, (boost::json::value{{"status", "ok"}}));
  expect_standard_headers(r);
}

TEST_F(HttpTest, MetricsExposeRequestsLatencyAndConnections) {
  ASSERT_EQ(client().get("/healthz").status, 200u);
  ASSERT_EQ(client().get("/no/such/thing").status, 404u);
  Response r = client().get("/metrics");
  ASSERT_EQ(r.status, 200u);
  EXPECT_TRUE(r.header("content-type").starts_with("text/plain; version=0.0.4"));
  EXPECT_TRUE(contains(r.body, "# TYPE twostep_http_requests_total counter\n"));
  EXPECT_TRUE(contains(
      r.body, "twostep_http_requests_total{route=\"/healthz\",method=\"GET\",status=\"200\"} 1\n"));
  EXPECT_TRUE(contains(
      r.body,
      "twostep_http_requests_total{route=\"unmatched\",method=\"GET\",status=\"404\"} 1\n"));
  EXPECT_TRUE(contains(r.body, "# TYPE twostep_http_request_duration_seconds histogram\n"));
  EXPECT_TRUE(contains(r.body,
                       "twostep_http_request_duration_seconds_count{route=\"/healthz\",method="
                       "\"GET\"} 1\n"));
  EXPECT_TRUE(
      contains(r.body, "# TYPE twostep_open_connections gauge\ntwostep_open_connections 1\n"))
      << r.body;
}

TEST_F(HttpTest, EchoesASaneCorrelationId) {
  for (const auto& id : std::vector<std::string>{"abc-123", "A.b_c-9", std::string(64, 'z')}) {
    Response r = client().get("/healthz", {{"X-Correlation-ID", id}});
    EXPECT_EQ(r.header("x-correlation-id"), id);
  }
}

TEST_F(HttpTest, ReplacesAnUnsafeCorrelationIdWithANewOne) {
  const std::vector<std::string> unsafe{"has space", "semi;colon", "quote\"d", std::string(65, 'z'),
                                        "<script>"};
  for (const auto& id : unsafe) {
    Response r = client().get("/nowhere", {{"X-Correlation-ID", id}});
    std::string_view sent_back = r.header("x-correlation-id");
    EXPECT_NE(sent_back, id);
    EXPECT_EQ(sent_back.size(), 16u);
    EXPECT_EQ(r.error_correlation_id(), sent_back);
  }
  EXPECT_NE(client().get("/healthz").header("x-correlation-id"),
            client().get("/healthz").header("x-correlation-id"));
}

TEST_F(HttpTest, UnknownRouteIs404EvenWithoutCredentials) {
  expect_error(client().get("/v1/nothing-here"), 404, "not_found");
  expect_error(client().get("/healthz/extra"), 404, "not_found");
  expect_error(client().get("/v1/users/%zz"), 404, "not_found");
}

TEST_F(HttpTest, WrongMethodIs405WithAllowHeader) {
  Response r = client().del("/healthz");
  expect_error(r, 405, "method_not_allowed");
  EXPECT_EQ(r.header("allow"), "GET");
  Response post = client().post("/metrics", boost::json::object{});
  expect_error(post, 405, "method_not_allowed");
  EXPECT_EQ(post.header("allow"), "GET");
}

TEST_F(HttpTest, ProtectedRouteWithoutCredentialIs401) {
  expect_error(client().get("/v1/users"), 401, "unauthenticated");
  expect_error(client().get("/v1/users", {{"authorization", "Bearer not-a-token"}}), 401,
               "unauthenticated");
}

TEST_F(HttpTest, OversizeBodyIs413BeforeAuthentication) {
  // Limits come before authentication: an anonymous client cannot make the server read or
  // authenticate a body larger than the route allows.
  std::string big = "{\"username\":\"" + std::string(2 * 1024 * 1024, 'a') + "\"}";
  // The server answers without reading the body, then lingers, draining what the client
  // still sends, so the client reads the 413 instead of a connection reset.
  Response r = client().request("POST", "/v1/users", big, "application/json");
  expect_error(r, 413, "body_too_large");
  EXPECT_EQ(r.header("connection"), "close");
  client().disconnect();
  // At the limit exactly, the body is read and authentication answers.
  std::string fits = "{\"u\":\"" + std::string(64 * 1024 - 8, 'a') + "\"}";
  ASSERT_EQ(fits.size(), 64u * 1024);
  expect_error(client().request("POST", "/v1/users", fits, "application/json"), 401,
               "unauthenticated");
}

TEST_F(HttpTest, MalformedQueryIs400) {
  expect_error(client().get("/healthz?x=%zz"), 400, "invalid_query");
}

TEST_F(HttpTest, KeepAliveServesManyRequestsOnOneConnection) {
  for (int i = 0; i < 5; ++i) ASSERT_EQ(client().get("/healthz").status, 200u);
  EXPECT_EQ(client().requests_on_connection(), 5);
  // An error that leaves no unread body keeps the connection too.
  ASSERT_EQ(client().get("/nope").status, 404u);
  EXPECT_EQ(client().requests_on_connection(), 6);
}

TEST_F(HttpTest, AccessLogHasOneLinePerRequestWithRouteButNoPathQueryOrCredentials) {
  client().get("/healthz?probe=query-secret-123", {{"X-Correlation-ID", "log-test-1"}});
  client().get("/v1/users/path-secret-456",
               {{"authorization", "Bearer token-secret-789"}, {"X-Correlation-ID", "log-test-2"}});
  client().get("/metrics");  // a later request, so the earlier lines are surely written
  std::string log = server().log();
  EXPECT_TRUE(contains(log, "\"route\":\"/healthz\",\"status\":\"200\""));
  EXPECT_TRUE(contains(log, "\"correlation_id\":\"log-test-1\""));
  EXPECT_TRUE(contains(log, "\"route\":\"/v1/users/{user}\",\"status\":\"401\""));
  EXPECT_TRUE(contains(log, "\"client_ip\":\"127.0.0.1\""));
  EXPECT_TRUE(contains(log, "\"duration_ms\":"));
  EXPECT_FALSE(contains(log, "query-secret-123"));
  EXPECT_FALSE(contains(log, "path-secret-456"));
  EXPECT_FALSE(contains(log, "token-secret-789"));
}

}  // namespace
}  // namespace twostep::testing
