// Paging of list endpoints: `limit` parsing with a default and a maximum, and opaque cursors
// (base64url of the last item's sort key) so clients cannot depend on their contents.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace twostep::account {

/// One page of a list: the items, and the cursor of the next page (nullopt at the end).
template <class T>
struct Page {
  std::vector<T> items;
  std::optional<std::string> next_cursor;
};

/// Parses a `limit` query value: "" gives `fallback`; otherwise a decimal integer in
/// [1, max]. Error 400 "invalid_limit" naming the range.
core::Result<int> parse_limit(std::string_view text, int fallback, int max);

/// Checks a limit already in integer form against [1, max] (400 "invalid_limit").
core::Result<int> check_limit(int limit, int max);

/// The opaque cursor for a sort key.
std::string encode_cursor(std::string_view key);
/// The sort key inside a cursor; "" gives "" (the first page). Error 400 "invalid_cursor".
core::Result<std::string> decode_cursor(std::string_view cursor);

/// Escapes LIKE wildcards ('%', '_', '\') so user text matches literally with ESCAPE '\'.
std::string escape_like(std::string_view text);

}  // namespace twostep::account
