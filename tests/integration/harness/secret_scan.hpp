// Looks for secrets in the clear in what a test server leaves behind (its log, its
// database), by shape rather than by value, so that every integration test checks its own
// server without knowing which secrets went through it: bearer tokens with our prefixes,
// otpauth:// URIs (they carry the TOTP secret), and 32-character base32 runs (a 160-bit
// TOTP secret as the companion app receives it).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace twostep::testing {

/// The suspicious pieces of `text` (each shortened to a prefix, so a report does not
/// repeat the secret), in order of appearance; empty when there is none.
std::vector<std::string> clear_secrets_in(std::string_view text);

}  // namespace twostep::testing
