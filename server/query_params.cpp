// Query parameter helpers of json_io.hpp: paging and typed optional parameters.
#include <charconv>

#include "server/json_io.hpp"

namespace twostep::server {
namespace {

std::unexpected<core::Error> invalid_param(const std::string& name, std::string rule) {
  return core::fail_invalid(name, name + " " + std::move(rule));
}

std::optional<std::int64_t> parse_int(std::string_view text) {
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return n;
}

}  // namespace

core::Result<std::optional<std::int64_t>> query_int(const HttpRequest& request,
                                                    const std::string& name, std::int64_t min,
                                                    std::int64_t max) {
  auto it = request.query.find(name);
  if (it == request.query.end()) return std::nullopt;
  auto n = parse_int(it->second);
  if (!n || *n < min || *n > max) {
    return invalid_param(
        name, "must be an integer from " + std::to_string(min) + " to " + std::to_string(max));
  }
  return n;
}

core::Result<std::optional<bool>> query_bool(const HttpRequest& request, const std::string& name) {
  auto it = request.query.find(name);
  if (it == request.query.end()) return std::nullopt;
  if (it->second == "true" || it->second == "1") return true;
  if (it->second == "false" || it->second == "0") return false;
  return invalid_param(name, "must be true or false");
}

core::Result<std::size_t> query_limit(const HttpRequest& request) {
  auto limit = query_int(request, "limit", 1, static_cast<std::int64_t>(kMaxPageLimit));
  if (!limit) return std::unexpected(limit.error());
  return limit->has_value() ? static_cast<std::size_t>(**limit) : kDefaultPageLimit;
}

core::Result<std::string> query_cursor(const HttpRequest& request) {
  std::string_view cursor = request.query_param("cursor");
  if (cursor.size() > 512) return invalid_param("cursor", "must be at most 512 characters");
  return std::string(cursor);
}

boost::json::object page_body(boost::json::array items, std::optional<std::string> next_cursor) {
  boost::json::object body{{"items", std::move(items)}};
  if (next_cursor) {
    body["next_cursor"] = *next_cursor;
  } else {
    body["next_cursor"] = nullptr;
  }
  return body;
}

}  // namespace twostep::server
