// otpauth:// URIs per the Key Uri Format — what third-party authenticator apps scan:
//   otpauth://totp/ISSUER:ACCOUNT?secret=BASE32&issuer=ISSUER&algorithm=SHA1&digits=6&period=30
// Issuer and account are percent-encoded separately (a ':' inside either becomes %3A), so
// names with spaces, colons and non-ASCII letters survive the round trip.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "core/secret.hpp"
#include "totp/otp.hpp"

namespace twostep::totp {

/// What an otpauth URI carries.
struct OtpauthKey {
  std::string issuer;   // UTF-8; empty = no issuer prefix and no issuer parameter
  std::string account;  // UTF-8, e.g. the username
  core::SecretBytes secret;
  Params params;
};

/// Builds the URI; the secret is base32 without padding, and algorithm, digits and period
/// are always present.
std::string build_otpauth_uri(std::string_view issuer, std::string_view account,
                              std::span<const std::uint8_t> secret, const Params& params);

/// Parses a `totp` URI (also from other producers: a literal or encoded ':' between issuer
/// and account; missing algorithm/digits/period take the defaults; unknown parameters such
/// as `image` are ignored). kInvalidInput "invalid_otpauth_uri" for anything else: another
/// scheme or type, a missing or malformed secret, bad escapes or UTF-8, an
/// unsupported algorithm, digits or period, a parameter given twice, or an issuer prefix that
/// differs from the issuer.
core::Result<OtpauthKey> parse_otpauth_uri(std::string_view uri);

}  // namespace twostep::totp
