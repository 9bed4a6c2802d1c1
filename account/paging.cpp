#include "account/paging.hpp"

#include <charconv>

#include "core/encoding.hpp"

namespace twostep::account {

namespace {

core::Error limit_error(int max) {
  return core::Error{core::ErrorKind::kInvalidInput,
                     "invalid_limit",
                     "limit must be an integer from 1 to " + std::to_string(max),
                     "limit",
                     {}};
}

}  // namespace

core::Result<int> check_limit(int limit, int max) {
  if (limit < 1 || limit > max) return std::unexpected(limit_error(max));
  return limit;
}

core::Result<int> parse_limit(std::string_view text, int fallback, int max) {
  if (text.empty()) return fallback;
  int value = 0;
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end) return std::unexpected(limit_error(max));
  return check_limit(value, max);
}

std::string encode_cursor(std::string_view key) {
  return core::base64url_encode(core::as_bytes(key));
}

core::Result<std::string> decode_cursor(std::string_view cursor) {
  if (cursor.empty()) return std::string();
  auto bytes = core::base64url_decode(cursor);
  if (!bytes || bytes->empty()) {
    return core::fail(core::ErrorKind::kInvalidInput, "invalid_cursor",
                      "cursor is not one returned by this list", "cursor");
  }
  return std::string(bytes->begin(), bytes->end());
}

std::string escape_like(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

}  // namespace twostep::account
