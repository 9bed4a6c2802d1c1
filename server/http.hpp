// The HTTP types that handlers see. Deliberately free of Beast and Asio, so handler files
// compile fast and the domain stays testable without a network.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.hpp"

namespace twostep::server {

/// Which credential a route requires; the server authenticates before calling the handler.
enum class Access {
  kPublic,       // no credential
  kAdmin,        // admin bearer token, or the session of a user with the admin role
  kApplication,  // application API key (bearer)
  kSession,      // an end user's session cookie (+ X-CSRF-Token on writes), signed in
  // The same cookie during sign-in (account/sessions.hpp stages), for the few routes that
  // serve a sign-in before it is done; other routes see such a session as no session (401).
  kSessionEnrolling,  // stage "register" or "done": adding a first or replacement method
  kSessionAnyStage,   // any stage ("mfa" too): the /v1/session… second-step routes
};

/// Who is calling, as established by the server's authenticator.
struct Principal {
  enum class Kind { kNone, kAdmin, kApplication, kUser };
  Kind kind = Kind::kNone;
  std::string id;          // admin token id, application id, or user id
  std::string name;        // token name, application name, or username
  std::string session_id;  // for kUser (and admins signed in through the web)
};

struct HttpRequest {
  std::string method;                         // "GET", "POST", …
  std::string path;                           // decoded path without the query
  std::map<std::string, std::string> query;   // decoded query parameters
  std::map<std::string, std::string> params;  // path parameters, e.g. {"user": "alice"}
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::string client_ip;
  std::string correlation_id;
  Principal principal;

  /// The first header with this lower-case name, or "".
  std::string_view header(std::string_view lower_name) const;
  /// A query parameter or "".
  std::string_view query_param(const std::string& name) const;
  const std::string& param(const std::string& name) const { return params.at(name); }
};

struct HttpResponse {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers (Set-Cookie, …)
};

/// A handler runs on a worker thread and may block on the store or on CPU work. Expected
/// failures are returned as errors; the server renders them with the correlation id.
using Handler = std::function<core::Result<HttpResponse>(HttpRequest&)>;

/// For long polls: the handler returns at once and calls `respond` exactly once, later,
/// from any thread. No thread is held while it waits.
using Respond = std::function<void(core::Result<HttpResponse>)>;
using AsyncHandler = std::function<void(HttpRequest&, Respond)>;

struct RouteOptions {
  std::size_t body_limit = 0;  // 0 = the server default (64 KiB)
};

}  // namespace twostep::server
