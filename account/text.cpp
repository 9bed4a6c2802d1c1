#include "account/text.hpp"

#include <cstdint>
#include <string>

namespace twostep::account {

namespace {

// Length of the sequence a lead byte starts, 0 when it cannot start one.
int sequence_length(std::uint8_t lead) {
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) return 2;
  if (lead >= 0xE0 && lead <= 0xEF) return 3;
  if (lead >= 0xF0 && lead <= 0xF4) return 4;
  return 0;
}

bool is_continuation(std::uint8_t b) { return (b & 0xC0) == 0x80; }

// The code point at `i`, or -1 when the bytes are not valid UTF-8. Advances `i`.
std::int32_t decode_one(std::string_view text, std::size_t& i) {
  auto lead = static_cast<std::uint8_t>(text[i]);
  int len = sequence_length(lead);
  if (len == 0 || i + static_cast<std::size_t>(len) > text.size()) return -1;
  std::int32_t cp = len == 1 ? lead : lead & (0x7F >> len);
  for (int k = 1; k < len; ++k) {
    auto b = static_cast<std::uint8_t>(text[i + static_cast<std::size_t>(k)]);
    if (!is_continuation(b)) return -1;
    cp = (cp << 6) | (b & 0x3F);
  }
  i += static_cast<std::size_t>(len);
  bool overlong = (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
  bool surrogate = cp >= 0xD800 && cp <= 0xDFFF;
  if (overlong || surrogate || cp > 0x10FFFF) return -1;
  return cp;
}

bool is_control(std::int32_t cp) {
  return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029;
}

}  // namespace

bool is_valid_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    if (decode_one(text, i) < 0) return false;
  }
  return true;
}

std::size_t utf8_length(std::string_view text) {
  std::size_t n = 0;
  for (char c : text) {
    if (!is_continuation(static_cast<std::uint8_t>(c))) ++n;
  }
  return n;
}

std::string lower_ascii(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

core::Result<void> check_name(std::string_view text, std::string_view field, std::size_t min_chars,
                              std::size_t max_chars) {
  std::string f(field);
  auto bad = [&] {
    return core::fail_invalid(f, f + " must be " + std::to_string(min_chars) + " to " +
                                     std::to_string(max_chars) +
                                     " characters of text without control characters");
  };
  std::size_t chars = 0;
  bool only_spaces = true;
  for (std::size_t i = 0; i < text.size(); ++chars) {
    std::int32_t cp = decode_one(text, i);
    if (cp < 0 || is_control(cp)) return bad();
    if (cp != ' ') only_spaces = false;
  }
  if (chars < min_chars || chars > max_chars || (chars > 0 && only_spaces)) return bad();
  return {};
}

}  // namespace twostep::account
