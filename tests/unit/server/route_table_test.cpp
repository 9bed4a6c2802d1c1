// The fuzz build cannot link the application, so fuzz.router and fuzz.http_request route
// over a copy of its route patterns (tests/fuzz/route_table.hpp). This keeps the copy
// honest: it must hold every route the server registers, with the server's default options,
// and nothing else but the one route it adds on purpose.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <utility>

#include "server/app.hpp"
#include "server/router.hpp"
#include "tests/fuzz/route_table.hpp"
#include "tests/unit/core/temp_dir.hpp"

namespace twostep::server {
namespace {

using Routes = std::set<std::pair<std::string, std::string>>;

TEST(FuzzRouteTable, MatchesTheRoutesTheServerRegisters) {
  twostep::testing::TempDir dir;
  core::Config config;
  config.data_dir = dir.path() / "data";
  App app(config);
  Router router;
  register_routes(router, app);

  Routes server;
  for (const Route& route : router.routes()) {
    server.emplace(route.method, route.pattern);
    EXPECT_EQ(route.options.body_limit, 0u) << route.method << " " << route.pattern;
  }
  Routes copy;
  for (const auto& pattern : fuzz::kPatterns) copy.emplace(pattern.method, pattern.path);
  copy.erase({"GET", "/v1/users/me"});  // added to the copy: a literal beside {user}

  Routes missing;
  for (const auto& route : server) {
    if (!copy.contains(route)) missing.insert(route);
  }
  Routes extra;
  for (const auto& route : copy) {
    if (!server.contains(route)) extra.insert(route);
  }
  for (const auto& [method, path] : missing)
    ADD_FAILURE() << "not in the copy: " << method << " " << path;
  for (const auto& [method, path] : extra)
    ADD_FAILURE() << "not a server route: " << method << " " << path;
}

}  // namespace
}  // namespace twostep::server
