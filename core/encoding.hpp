// Text encodings of binary data: base32 (RFC 4648, for TOTP secrets), base64url without
// padding (tokens, keys, signatures), hex. Decoders reject malformed input.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace twostep::core {

using Bytes = std::vector<std::uint8_t>;

/// Upper-case RFC 4648 base32 without padding (what otpauth URIs carry).
std::string base32_encode(std::span<const std::uint8_t> data);
/// Accepts upper or lower case, optional '=' padding, and ignores spaces; nullopt when
/// any other character appears or the length is impossible.
std::optional<Bytes> base32_decode(std::string_view text);

std::string base64url_encode(std::span<const std::uint8_t> data);
/// Strict: the URL-safe alphabet only, no padding, no whitespace.
std::optional<Bytes> base64url_decode(std::string_view text);

std::string hex_encode(std::span<const std::uint8_t> data);
/// The value of one hex digit (either case), or -1.
int hex_digit_value(char c);

inline std::span<const std::uint8_t> as_bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

}  // namespace twostep::core
