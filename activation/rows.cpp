#include "activation/rows.hpp"

#include <charconv>

#include "core/encoding.hpp"

namespace twostep::activation {

std::string encode_position(const Position& position) {
  const std::string key = std::to_string(position.created_at) + ":" + position.id;
  return core::base64url_encode(core::as_bytes(key));
}

core::Result<Position> decode_position(std::string_view cursor) {
  if (cursor.empty()) return Position{};
  auto bad = [] { return core::fail_invalid("cursor", "the cursor is not one this server made"); };
  auto bytes = core::base64url_decode(cursor);
  if (!bytes) return bad();
  const std::string key(bytes->begin(), bytes->end());
  const std::size_t colon = key.find(':');
  if (colon == std::string::npos) return bad();
  Position position;
  const char* end = key.data() + colon;
  auto [ptr, ec] = std::from_chars(key.data(), end, position.created_at);
  if (ec != std::errc() || ptr != end || position.created_at < 0) return bad();
  position.id = key.substr(colon + 1);
  if (position.id.empty()) return bad();
  return position;
}

}  // namespace twostep::activation
