// Route table: patterns are split once at registration; a request path is split and
// percent-decoded once per match. The table is small (tens of routes), so a linear scan
// with a specificity rule is both simple and fast enough.
#include "server/router.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>

#include "server/url.hpp"

namespace twostep::server {
namespace {

bool is_param(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

std::string param_name(std::string_view segment) {
  return std::string(segment.substr(1, segment.size() - 2));
}

// "/a/b" -> {"a", "b"}; "/" -> {""}. Both patterns and raw paths go through here.
std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> out;
  path.remove_prefix(1);
  while (true) {
    std::size_t slash = path.find('/');
    out.emplace_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

std::optional<std::vector<std::string>> decode_path(std::string_view raw_path) {
  if (raw_path.empty() || raw_path.front() != '/') return std::nullopt;
  std::vector<std::string> segments = split_path(raw_path);
  for (auto& segment : segments) {
    auto decoded = percent_decode(segment);
    if (!decoded) return std::nullopt;
    segment = std::move(*decoded);
  }
  return segments;
}

bool segments_match(const Route& route, const std::vector<std::string>& path) {
  if (route.segments.size() != path.size()) return false;
  for (std::size_t i = 0; i < path.size(); ++i) {
    const std::string& segment = route.segments[i];
    if (is_param(segment) ? path[i].empty() : segment != path[i]) return false;
  }
  return true;
}

// True when `a` is more specific than `b`: at the first position where one has a literal
// and the other a parameter, the literal wins ("/v1/users/me" beats "/v1/users/{user}").
bool more_specific(const Route& a, const Route& b) {
  for (std::size_t i = 0; i < a.segments.size(); ++i) {
    bool a_param = is_param(a.segments[i]);
    bool b_param = is_param(b.segments[i]);
    if (a_param != b_param) return !a_param;
  }
  return false;
}

bool same_shape(const Route& a, const Route& b) {
  if (a.method != b.method || a.segments.size() != b.segments.size()) return false;
  for (std::size_t i = 0; i < a.segments.size(); ++i) {
    bool a_param = is_param(a.segments[i]);
    if (a_param != is_param(b.segments[i])) return false;
    if (!a_param && a.segments[i] != b.segments[i]) return false;
  }
  return true;
}

void validate_pattern(const Route& route) {
  std::set<std::string> names;
  for (const auto& segment : route.segments) {
    bool braces = segment.find_first_of("{}") != std::string::npos;
    if (braces && !is_param(segment)) {
      throw std::logic_error("malformed parameter in route pattern: " + route.pattern);
    }
    if (is_param(segment) && !names.insert(param_name(segment)).second) {
      throw std::logic_error("duplicate parameter in route pattern: " + route.pattern);
    }
  }
}

}  // namespace

void Router::add(std::string method, std::string pattern, Access access, Handler handler,
                 RouteOptions options) {
  Route route{std::move(method), std::move(pattern), access, std::move(handler), {}, options, {}};
  insert(std::move(route));
}

void Router::add_async(std::string method, std::string pattern, Access access, AsyncHandler handler,
                       RouteOptions options) {
  Route route{std::move(method), std::move(pattern), access, {}, std::move(handler), options, {}};
  insert(std::move(route));
}

void Router::insert(Route route) {
  if (route.pattern.empty() || route.pattern.front() != '/') {
    throw std::logic_error("route pattern must start with '/': " + route.pattern);
  }
  route.segments = split_path(route.pattern);
  validate_pattern(route);
  if (!route.handler == !route.async_handler) {
    throw std::logic_error("route needs exactly one handler: " + route.pattern);
  }
  for (const auto& existing : routes_) {
    if (same_shape(existing, route)) {
      throw std::logic_error("route registered twice: " + route.method + " " + route.pattern);
    }
  }
  routes_.push_back(std::move(route));
}

std::variant<Router::Match, Router::Miss> Router::match(std::string_view method,
                                                        std::string_view path) const {
  auto segments = decode_path(path);
  if (!segments) return Miss::kNotFound;
  const Route* best = nullptr;
  bool path_known = false;
  for (const auto& route : routes_) {
    if (!segments_match(route, *segments)) continue;
    path_known = true;
    if (route.method != method) continue;
    if (best == nullptr || more_specific(route, *best)) best = &route;
  }
  if (best == nullptr) return path_known ? Miss::kMethodNotAllowed : Miss::kNotFound;
  Match out{best, {}};
  for (std::size_t i = 0; i < segments->size(); ++i) {
    if (is_param(best->segments[i])) {
      out.params.emplace(param_name(best->segments[i]), std::move((*segments)[i]));
    }
  }
  return out;
}

std::vector<std::string> Router::allowed_methods(std::string_view path) const {
  auto segments = decode_path(path);
  std::vector<std::string> methods;
  if (!segments) return methods;
  for (const auto& route : routes_) {
    if (segments_match(route, *segments)) methods.push_back(route.method);
  }
  std::sort(methods.begin(), methods.end());
  methods.erase(std::unique(methods.begin(), methods.end()), methods.end());
  return methods;
}

}  // namespace twostep::server
