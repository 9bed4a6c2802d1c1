// Conversions between store columns (INTEGER Unix seconds, nullable) and core::TimePoint,
// and an opaque paging cursor; shared by the activation module's row readers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "store/store.hpp"

namespace twostep::activation {

inline core::TimePoint time_at(const store::Row& row, std::size_t i) {
  return core::from_unix_seconds(row.integer(i));
}

inline std::optional<core::TimePoint> opt_time_at(const store::Row& row, std::size_t i) {
  if (row.is_null(i)) return std::nullopt;
  return core::from_unix_seconds(row.integer(i));
}

/// A keyset position (creation time, id) carried between pages as an opaque cursor.
struct Position {
  std::int64_t created_at = -1;  // -1 = before everything (the first page)
  std::string id;
};

std::string encode_position(const Position& position);
/// "" is the first page. Error 400 "invalid_cursor" for anything we did not produce.
core::Result<Position> decode_position(std::string_view cursor);

}  // namespace twostep::activation
