// Percent-encoding of URI components (RFC 3986), shared by the otpauth URI here and the
// activation URI in activation/. Text is UTF-8; every byte outside the unreserved set
// (ALPHA / DIGIT / "-" / "." / "_" / "~") is encoded, so a space is "%20", ':' is "%3A"
// and "é" is "%C3%A9".
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace twostep::totp {

/// Encodes every byte but the unreserved ones, with upper-case hex digits.
std::string percent_encode(std::string_view text);

/// Decodes %XX escapes ('+' stays '+'). Nullopt for a malformed escape or when the result
/// is not valid UTF-8.
std::optional<std::string> percent_decode(std::string_view text);

/// True when `text` is well-formed UTF-8 (no overlong forms, surrogates or values past
/// U+10FFFF).
bool is_valid_utf8(std::string_view text);

}  // namespace twostep::totp
