// Maps METHOD + path pattern ("/v1/users/{user}/authenticators/{device_id}") to a handler.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "server/http.hpp"

namespace twostep::server {

struct Route {
  std::string method;
  std::string pattern;
  Access access = Access::kPublic;
  Handler handler;  // exactly one of handler / async_handler is set
  AsyncHandler async_handler;
  RouteOptions options;
  std::vector<std::string> segments;  // pattern split on '/'
};

class Router {
 public:
  void add(std::string method, std::string pattern, Access access, Handler handler,
           RouteOptions options = {});
  void add_async(std::string method, std::string pattern, Access access, AsyncHandler handler,
                 RouteOptions options = {});

  struct Match {
    const Route* route;
    std::map<std::string, std::string> params;
  };
  enum class Miss { kNotFound, kMethodNotAllowed };
  /// The route for this method and decoded path; literal segments win over parameters.
  /// `path` is the request target's path as received (still percent-encoded): each segment
  /// is decoded after splitting on '/', so "%2F" inside a parameter stays part of it. A
  /// malformed escape matches nothing (kNotFound).
  std::variant<Match, Miss> match(std::string_view method, std::string_view path) const;
  /// The methods that some route accepts for this (raw) path, sorted: the Allow header of
  /// a 405. Empty when no route has this path.
  std::vector<std::string> allowed_methods(std::string_view path) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  /// Validates the pattern and refuses a second route with the same method and shape
  /// (std::logic_error: a wiring mistake found at start-up).
  void insert(Route route);

  std::vector<Route> routes_;
};

}  // namespace twostep::server
