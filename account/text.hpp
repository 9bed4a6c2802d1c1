// Checks on human-entered text (names, display names, passwords): UTF-8 validity, length in
// characters, and the absence of control characters that would corrupt logs and pages.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace twostep::account {

/// Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF.
bool is_valid_utf8(std::string_view text);
/// Number of code points in valid UTF-8.
std::size_t utf8_length(std::string_view text);

/// ASCII letters lower-cased, every other byte kept (usernames' case-insensitive key).
std::string lower_ascii(std::string_view text);

/// A free-text name: valid UTF-8, [min_chars, max_chars] code points, no control characters,
/// not only spaces. Error 400 "invalid_<field>" naming the bounds.
core::Result<void> check_name(std::string_view text, std::string_view field, std::size_t min_chars,
                              std::size_t max_chars);

}  // namespace twostep::account
