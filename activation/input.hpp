// Checks on the free text that devices and users send with enrolment (device name,
// platform, app version, token names) before it reaches the database, pages and logs.
#pragma once

#include <cstddef>
#include <string_view>

#include "core/error.hpp"

namespace twostep::activation {

/// Valid UTF-8, 1..max_bytes bytes, no control characters, not only spaces. Error 400
/// "invalid_<field>".
core::Result<void> check_label(std::string_view text, std::string_view field,
                               std::size_t max_bytes);

}  // namespace twostep::activation
