// A request target through the router (server/router.hpp) and the query helpers of list
// endpoints (server/json_io.hpp): percent-decoding, matching, path parameters, 404 vs 405.
// The route table is the server's own set of patterns (server/handlers/), without handlers,
// plus GET /v1/users/me so that a literal segment competes with a parameter.
#include <algorithm>
#include <array>

#include "server/json_io.hpp"
#include "server/router.hpp"
#include "server/url.hpp"
#include "tests/fuzz/fuzz_check.hpp"
#include "totp/uri_component.hpp"

using twostep::fuzz::check;
namespace server = twostep::server;

namespace {

struct Pattern {
  const char* method;
  const char* path;
};

constexpr std::array kPatterns{
    Pattern{"GET", "/healthz"},
    Pattern{"GET", "/metrics"},
    Pattern{"GET", "/assets/{file}"},
    Pattern{"GET", "/assets/{dir}/{file}"},
    Pattern{"POST", "/v1/activate"},
    Pattern{"GET", "/v1/applications"},
    Pattern{"POST", "/v1/applications"},
    Pattern{"DELETE", "/v1/applications/{id}"},
    Pattern{"GET", "/v1/audit"},
    Pattern{"POST", "/v1/auth/app-password"},
    Pattern{"POST", "/v1/auth/preauth"},
    Pattern{"POST", "/v1/auth/push"},
    Pattern{"POST", "/v1/auth/sms"},
    Pattern{"POST", "/v1/auth/totp"},
    Pattern{"GET", "/v1/auth/transactions/{txid}"},
    Pattern{"POST", "/v1/auth/transactions/{txid}/code"},
    Pattern{"GET", "/v1/authenticators"},
    Pattern{"POST", "/v1/authenticators/deactivate-stale"},
    Pattern{"GET", "/v1/me"},
    Pattern{"GET", "/v1/me/app-passwords"},
    Pattern{"POST", "/v1/me/app-passwords"},
    Pattern{"DELETE", "/v1/me/app-passwords/{id}"},
    Pattern{"DELETE", "/v1/me/authenticators/{device_id}"},
    Pattern{"GET", "/v1/me/phones"},
    Pattern{"POST", "/v1/me/phones/verifications/{verification_id}"},
    Pattern{"PATCH", "/v1/me/preferences"},
    Pattern{"POST", "/v1/registration"},
    Pattern{"POST", "/v1/registration/lookup"},
    Pattern{"GET", "/v1/session"},
    Pattern{"POST", "/v1/session"},
    Pattern{"DELETE", "/v1/session"},
    Pattern{"POST", "/v1/session/complete-registration"},
    Pattern{"POST", "/v1/session/push"},
    Pattern{"GET", "/v1/session/push/{txid}"},
    Pattern{"POST", "/v1/session/send-code"},
    Pattern{"POST", "/v1/session/verify"},
    Pattern{"GET", "/v1/settings"},
    Pattern{"PATCH", "/v1/settings"},
    Pattern{"GET", "/v1/users"},
    Pattern{"POST", "/v1/users"},
    Pattern{"GET", "/v1/users/me"},
    Pattern{"GET", "/v1/users/{user}"},
    Pattern{"PATCH", "/v1/users/{user}"},
    Pattern{"DELETE", "/v1/users/{user}"},
    Pattern{"GET", "/v1/users/{user}/authenticators"},
    Pattern{"DELETE", "/v1/users/{user}/authenticators/{device_id}"},
    Pattern{"POST", "/v1/users/{user}/registration-link"},
    Pattern{"POST", "/v1/users/{user}/require-reregistration"},
    Pattern{"POST", "/v1/users/{user}/temporary-access"},
    Pattern{"POST", "/v1/users/{user}/trusted-browsers/revoke"},
    Pattern{"POST", "/v1/users/{user}/unblock"},
};

const server::Router& router() {
  static const server::Router table = [] {
    server::Router r;
    for (const auto& p : kPatterns) {
      r.add(p.method, p.path, server::Access::kPublic,
            [](server::HttpRequest&) -> twostep::core::Result<server::HttpResponse> {
              return server::HttpResponse{};
            });
    }
    return r;
  }();
  return table;
}

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
  const auto result = router().match(method, path);
  const auto allowed = router().allowed_methods(path);
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
  const auto again = router().match(method, render(*match.route, match.params));
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
