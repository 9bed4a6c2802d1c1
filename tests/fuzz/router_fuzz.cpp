// A request target through the router (server/router.hpp) and the query helpers of list
// endpoints (server/json_io.hpp): percent-decoding, matching, path parameters, 404 vs 405.
// The route table is the server's own set of patterns (tests/fuzz/route_table.hpp).
#include <algorithm>

#include "server/json_io.hpp"
#include "server/router.hpp"
#include "server/url.hpp"
#include "tests/fuzz/fuzz_check.hpp"
#include "tests/fuzz/route_table.hpp"
#include "totp/uri_component.hpp"

using twostep::fuzz::check;
using twostep::fuzz::server_router;
namespace server = twostep::server;

namespace {

// The raw path for `route` with each parameter percent-encoded, as a client would send it.
std::string render(const server::Route& route, const std::map<std::string, std::string>& params) {
  std::string out;
  for (const auto& segment : route.segments) {
    out += '/';
    const bool param = segment.size() > 2 && segment.front() == '{';
    out += param ? twostep::totp::percent_encode(params.at(segment.substr(1, segment.size() - 2)))
                 : segment;
  }
  return out;
}

void check_path(std::string_view method, std::string_view path) {
  const auto result = server_router().match(method, path);
  const auto allowed = server_router().allowed_methods(path);
  const bool method_allowed = std::ranges::find(allowed, method) != allowed.end();
  if (const auto* miss = std::get_if<server::Router::Miss>(&result)) {
    check(!method_allowed, "a miss is never for an allowed method");
    check((*miss == server::Router::Miss::kNotFound) == allowed.empty(),
          "404 exactly when no method is allowed, else 405");
    return;
  }
  const auto& match = std::get<server::Router::Match>(result);
  check(match.route->method == method && method_allowed, "a match is for the request's method");
  for (const auto& [name, value] : match.params) {
    check(!value.empty() && value.find('\0') == std::string::npos,
          "a path parameter is a non-empty decoded segment");
  }
  // Re-encoding the parameters gives a path that matches the same route with the same values.
  const auto again = server_router().match(method, render(*match.route, match.params));
  const auto* same = std::get_if<server::Router::Match>(&again);
  check(same != nullptr && same->route == match.route && same->params == match.params,
        "match(render(match(p))) == match(p)");
}

void check_query(std::string_view query) {
  auto parsed = server::parse_query(query);
  if (!parsed) return;
  std::string rendered;
  for (const auto& [name, value] : *parsed) {
    check(!name.empty(), "query names are not empty");
    rendered +=
        twostep::totp::percent_encode(name) + "=" + twostep::totp::percent_encode(value) + "&";
  }
  check(server::parse_query(rendered) == parsed,
        "parse_query(render(parse_query(q))) == parse_query(q)");

  server::HttpRequest request;
  request.query = std::move(*parsed);
  if (auto limit = server::query_limit(request)) {
    check(*limit >= 1 && *limit <= server::kMaxPageLimit, "limit within 1..kMaxPageLimit");
  } else {
    check(limit.error().code == "invalid_limit", "a bad limit is invalid_limit");
  }
  if (auto cursor = server::query_cursor(request)) {
    check(cursor->size() <= 512 && *cursor == request.query_param("cursor"), "cursor as given");
  }
  if (auto flag = server::query_bool(request, "active"); flag && flag->has_value()) {
    const std::string_view raw = request.query_param("active");
    check(**flag == (raw == "true" || raw == "1"), "query_bool reads true/1 and false/0");
  }
}

}  // namespace

// Input: METHOD, a space, then the request target (path, optionally "?query").
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto parts = twostep::fuzz::fields(twostep::fuzz::as_text(data, size), ' ', 2);
  const auto target = twostep::fuzz::fields(parts[1], '?', 2);
  check_path(parts[0], target[0]);
  check_query(target[1]);
  if (auto segment = server::percent_decode(target[0])) {
    check(server::percent_decode(twostep::totp::percent_encode(*segment)) == segment,
          "percent_decode(percent_encode(x)) == x");
  }
  return 0;
}
