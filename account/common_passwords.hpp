// The check a new password must pass beyond length (NIST SP 800-63B 3.1.1.2: compare it
// with a list of values known to be commonly used or compromised). An embedded list of
// passwords of 12 characters or more that top the public breach lists, and the patterns
// behind most of the rest: a common word dressed with digits and symbols ("Password2024!",
// "P@ssw0rd1234"), one unit repeated ("abcabcabcabc"), a run along the alphabet, the digits
// or a keyboard row ("1234567890ab", "qwertyuiopas"), and the username itself.
#pragma once

#include <string_view>

#include "core/error.hpp"

namespace twostep::account {

/// True when `password` is on the list or follows one of the patterns (any case).
bool is_common_password(std::string_view password);

/// check_password_policy, then 400 "weak_password" when the password is common or contains
/// the username (of 4 characters or more), ignoring case.
core::Result<void> check_new_password(std::string_view password, std::string_view username);

}  // namespace twostep::account
