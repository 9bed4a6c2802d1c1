// Percent-decoding of request targets: path segments and query strings. Beast-free so the
// router and its tests do not pull in the network stack.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace twostep::server {

/// Decodes %XX escapes. With `plus_is_space` (query strings) '+' becomes ' '. Returns
/// nullopt for a malformed escape or a decoded NUL byte, which no route or handler wants.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space = false);

/// Splits "a=1&b=x%20y" into decoded pairs. A malformed pair makes the whole query invalid
/// (nullopt); a repeated name keeps its first value.
std::optional<std::map<std::string, std::string>> parse_query(std::string_view query);

}  // namespace twostep::server
