// JSON in and out for handler authors: the request body as a checked JSON object, typed
// field readers whose errors name the field (API.md: 400 with code "invalid_<field>"), query
// parameter helpers for list endpoints, and JSON responses. Free of Beast and Asio.
//
// Typical handler:
//   auto body = parse_json_object(request);            if (!body) return
//   std::unexpected(body.error()); auto name = required_string(*body, "username", 1, 64);  if
//   (!name) return std::unexpected(name.error()); return json_response(201,
//   boost::json::object{{"id", id}});
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "core/error.hpp"
#include "server/http.hpp"

namespace twostep::server {

/// Nesting deeper than this is refused as invalid_json.
inline constexpr std::size_t kMaxJsonDepth = 32;

/// The body as a JSON object. Errors: 415 `unsupported_media_type` unless Content-Type is
/// application/json (optionally with charset=utf-8); 400 `invalid_json` when the body is
/// empty, malformed, not UTF-8, nested deeper than kMaxJsonDepth, or not an object.
core::Result<boost::json::object> parse_json_object(const HttpRequest& request);
/// The same, except that an empty body reads as {} (for POSTs whose every field is optional).
core::Result<boost::json::object> parse_optional_json_object(const HttpRequest& request);
/// parse_json_object / parse_optional_json_object, then reject_unknown_fields(allowed): the
/// start of every strict body reader.
core::Result<boost::json::object> read_json_fields(const HttpRequest& request,
                                                   std::initializer_list<std::string_view> allowed);
core::Result<boost::json::object> read_optional_json_fields(
    const HttpRequest& request, std::initializer_list<std::string_view> allowed);

// Field readers. An absent field and an explicit JSON null are the same for the optional
// readers. Every error is kInvalidInput, code "invalid_<field>", Error::field = field, and
// a message that says what the field must be ("username must be a string of 1 to 64
// characters"). Lengths count Unicode code points; C0 control characters and DEL are
// refused in strings so they can never reach a log line or a page.

core::Result<std::string> required_string(const boost::json::object& body, std::string_view field,
                                          std::size_t min_chars, std::size_t max_chars);
core::Result<std::optional<std::string>> optional_string(const boost::json::object& body,
                                                         std::string_view field,
                                                         std::size_t min_chars,
                                                         std::size_t max_chars);
core::Result<bool> required_bool(const boost::json::object& body, std::string_view field);
core::Result<std::optional<bool>> optional_bool(const boost::json::object& body,
                                                std::string_view field);
/// Integers only (1.0 is refused), within [min, max].
core::Result<std::int64_t> required_int(const boost::json::object& body, std::string_view field,
                                        std::int64_t min, std::int64_t max);
core::Result<std::optional<std::int64_t>> optional_int(const boost::json::object& body,
                                                       std::string_view field, std::int64_t min,
                                                       std::int64_t max);
/// A string that must be one of `allowed` ("status must be one of: active, disabled").
core::Result<std::string> required_enum(const boost::json::object& body, std::string_view field,
                                        std::initializer_list<std::string_view> allowed);
core::Result<std::optional<std::string>> optional_enum(
    const boost::json::object& body, std::string_view field,
    std::initializer_list<std::string_view> allowed);
/// A nested object, or nullptr when absent or null.
core::Result<const boost::json::object*> optional_object(const boost::json::object& body,
                                                         std::string_view field);
/// 400 `unknown_field` (Error::field = the first unexpected name) when `body` has a key
/// outside `allowed`; for endpoints that want typos reported instead of ignored.
/// The body {username, password} of the sign-in and the application's app-password check:
/// exactly those two strings, the username 1–128 bytes, the password 1–max_password bytes.
struct UsernamePassword {
  std::string username;
  std::string password;
};
core::Result<UsernamePassword> read_username_password(const HttpRequest& request,
                                                      std::size_t max_password);

/// A body of exactly one string field, {field: "…"} of 1 to max_chars characters.
core::Result<std::string> read_single_string(const HttpRequest& request, std::string_view field,
                                             std::size_t max_chars);

core::Result<void> reject_unknown_fields(const boost::json::object& body,
                                         std::initializer_list<std::string_view> allowed);

/// A response with `body` serialized as JSON.
HttpResponse json_response(unsigned status, const boost::json::value& body);

// Query parameters of list endpoints (API.md: `limit` and `cursor`, `{items, next_cursor}`).

inline constexpr std::size_t kDefaultPageLimit = 50;
inline constexpr std::size_t kMaxPageLimit = 200;

/// `limit`: absent → kDefaultPageLimit; else an integer 1..kMaxPageLimit (`invalid_limit`).
core::Result<std::size_t> query_limit(const HttpRequest& request);
/// `cursor`: absent → ""; at most 512 characters (`invalid_cursor`). Its meaning belongs to
/// the endpoint.
core::Result<std::string> query_cursor(const HttpRequest& request);
/// An optional integer query parameter within [min, max] (`invalid_<name>`).
core::Result<std::optional<std::int64_t>> query_int(const HttpRequest& request,
                                                    const std::string& name, std::int64_t min,
                                                    std::int64_t max);
/// An optional boolean query parameter: "true"/"false"/"1"/"0" (`invalid_<name>`).
core::Result<std::optional<bool>> query_bool(const HttpRequest& request, const std::string& name);
/// {"items": items, "next_cursor": cursor or null}.
boost::json::object page_body(boost::json::array items, std::optional<std::string> next_cursor);

}  // namespace twostep::server
