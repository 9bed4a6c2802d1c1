#include "server/router.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace twostep::server {
namespace {

core::Result<HttpResponse> ok(HttpRequest&) { return HttpResponse{}; }

Router::Match expect_match(const std::variant<Router::Match, Router::Miss>& result) {
  EXPECT_TRUE(std::holds_alternative<Router::Match>(result));
  return std::get<Router::Match>(result);
}

Router sample_router() {
  Router router;
  router.add("GET", "/v1/users", Access::kAdmin, ok);
  router.add("POST", "/v1/users", Access::kAdmin, ok);
  router.add("GET", "/v1/users/{user}", Access::kAdmin, ok);
  router.add("DELETE", "/v1/users/{user}", Access::kAdmin, ok);
  router.add("GET", "/v1/users/me", Access::kSession, ok);
  router.add("DELETE", "/v1/users/{user}/authenticators/{device_id}", Access::kAdmin, ok);
  router.add("GET", "/healthz", Access::kPublic, ok);
  return router;
}

TEST(RouterMatch, FindsLiteralRoute) {
  Router router = sample_router();
  const auto m = expect_match(router.match("GET", "/healthz"));
  EXPECT_EQ(m.route->pattern, "/healthz");
  EXPECT_TRUE(m.params.empty());
}

TEST(RouterMatch, ExtractsPathParameters) {
  Router router = sample_router();
  const auto m = expect_match(router.match("DELETE", "/v1/users/alice/authenticators/dev_1"));
  EXPECT_EQ(m.route->pattern, "/v1/users/{user}/authenticators/{device_id}");
  EXPECT_EQ(m.params.at("user"), "alice");
  EXPECT_EQ(m.params.at("device_id"), "dev_1");
}

TEST(RouterMatch, LiteralSegmentWinsOverParameterRegardlessOfOrder) {
  Router router = sample_router();
  const auto m = expect_match(router.match("GET", "/v1/users/me"));
  EXPECT_EQ(m.route->pattern, "/v1/users/me");
  EXPECT_EQ(m.route->access, Access::kSession);
  // The parameter route still serves other names and other methods on "me".
  EXPECT_EQ(expect_match(router.match("GET", "/v1/users/bob")).route->pattern, "/v1/users/{user}");
  const auto del = expect_match(router.match("DELETE", "/v1/users/me"));
  EXPECT_EQ(del.route->pattern, "/v1/users/{user}");
  EXPECT_EQ(del.params.at("user"), "me");
}

TEST(RouterMatch, PercentDecodesParametersAfterSplitting) {
  Router router = sample_router();
  const auto m = expect_match(router.match("GET", "/v1/users/a%2Fb%20c"));
  EXPECT_EQ(m.params.at("user"), "a/b c");
  EXPECT_EQ(expect_match(router.match("GET", "/v1/%75sers")).route->pattern, "/v1/users");
}

TEST(RouterMatch, UnknownPathIsNotFound) {
  Router router = sample_router();
  EXPECT_EQ(std::get<Router::Miss>(router.match("GET", "/v1/nothing")), Router::Miss::kNotFound);
  EXPECT_EQ(std::get<Router::Miss>(router.match("GET", "/healthz/")), Router::Miss::kNotFound);
  EXPECT_EQ(std::get<Router::Miss>(router.match("GET", "/v1/users//authenticators/x")),
            Router::Miss::kNotFound);
  EXPECT_EQ(std::get<Router::Miss>(router.match("GET", "")), Router::Miss::kNotFound);
  EXPECT_EQ(std::get<Router::Miss>(router.match("GET", "healthz")), Router::Miss::kNotFound);
}

TEST(RouterMatch, EmptyParameterDoesNotMatch) {
  Router router = sample_router();
  EXPECT_EQ(std::get<Router::Miss>(router.match("GET", "/v1/users/")), Router::Miss::kNotFound);
}

TEST(RouterMatch, MalformedEscapeIsNotFound) {
  Router router = sample_router();
  EXPECT_EQ(std::get<Router::Miss>(router.match("GET", "/v1/users/%zz")), Router::Miss::kNotFound);
  EXPECT_EQ(std::get<Router::Miss>(router.match("GET", "/v1/users/%4")), Router::Miss::kNotFound);
  EXPECT_EQ(std::get<Router::Miss>(router.match("GET", "/v1/users/a%00")), Router::Miss::kNotFound);
}

TEST(RouterMatch, KnownPathWithOtherMethodIsMethodNotAllowed) {
  Router router = sample_router();
  EXPECT_EQ(std::get<Router::Miss>(router.match("PUT", "/v1/users")),
            Router::Miss::kMethodNotAllowed);
  EXPECT_EQ(std::get<Router::Miss>(router.match("POST", "/healthz")),
            Router::Miss::kMethodNotAllowed);
}

TEST(RouterAllowedMethods, ListsEveryMethodForThePathSorted) {
  Router router = sample_router();
  EXPECT_EQ(router.allowed_methods("/v1/users"), (std::vector<std::string>{"GET", "POST"}));
  EXPECT_EQ(router.allowed_methods("/v1/users/me"), (std::vector<std::string>{"DELETE", "GET"}));
  EXPECT_TRUE(router.allowed_methods("/nowhere").empty());
}

TEST(RouterAdd, RefusesDuplicateRouteEvenWithOtherParameterNames) {
  Router router = sample_router();
  EXPECT_THROW(router.add("GET", "/v1/users/{id}", Access::kAdmin, ok), std::logic_error);
  EXPECT_NO_THROW(router.add("PATCH", "/v1/users/{user}", Access::kAdmin, ok));
}

TEST(RouterAdd, RefusesMalformedPatterns) {
  Router router;
  EXPECT_THROW(router.add("GET", "v1/users", Access::kPublic, ok), std::logic_error);
  EXPECT_THROW(router.add("GET", "/v1/{a}/{a}", Access::kPublic, ok), std::logic_error);
  EXPECT_THROW(router.add("GET", "/v1/{a", Access::kPublic, ok), std::logic_error);
  EXPECT_THROW(router.add("GET", "/v1/{}", Access::kPublic, ok), std::logic_error);
  EXPECT_THROW(router.add("GET", "/v1/x", Access::kPublic, Handler{}), std::logic_error);
}

TEST(RouterAdd, KeepsAsyncHandlersAndOptions) {
  Router router;
  router.add_async(
      "GET", "/v1/auth/transactions/{txid}", Access::kApplication,
      [](HttpRequest&, Respond respond) { respond(HttpResponse{}); }, RouteOptions{1024});
  const auto m = expect_match(router.match("GET", "/v1/auth/transactions/tx_1"));
  EXPECT_TRUE(m.route->async_handler);
  EXPECT_FALSE(m.route->handler);
  EXPECT_EQ(m.route->options.body_limit, 1024u);
}

}  // namespace
}  // namespace twostep::server
