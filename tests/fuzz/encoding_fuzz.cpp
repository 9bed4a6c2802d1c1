// base32 and base64url (core/encoding.hpp): decoding arbitrary text, and the round trips.
#include <cctype>
#include <string>

#include "core/encoding.hpp"
#include "tests/fuzz/fuzz_check.hpp"

using twostep::fuzz::check;
namespace core = twostep::core;

namespace {

// The base32 symbols of `text` as the encoder would write them: spaces and padding
// dropped, upper case.
std::string base32_symbols(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c != ' ' && c != '=')
      out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  const std::string_view text = twostep::fuzz::as_text(data, size);

  // Encoding then decoding gives the bytes back.
  check(core::base32_decode(core::base32_encode(bytes)) == core::Bytes(bytes.begin(), bytes.end()),
        "base32_decode(base32_encode(x)) == x");
  check(core::base64url_decode(core::base64url_encode(bytes)) ==
            core::Bytes(bytes.begin(), bytes.end()),
        "base64url_decode(base64url_encode(x)) == x");
  check(core::hex_encode(bytes).size() == 2 * size, "hex is two digits a byte");

  // base64url is strict: what it accepts is exactly the encoder's output for those bytes.
  if (auto decoded = core::base64url_decode(text)) {
    check(core::base64url_encode(*decoded) == text, "base64url_encode(base64url_decode(s)) == s");
  }
  // base32 is lenient about case, spaces and padding (people type it), never about content:
  // the decoded bytes re-encode to the same symbols up to unused trailing bits.
  if (auto decoded = core::base32_decode(text)) {
    const std::string symbols = base32_symbols(text);
    check(decoded->size() == symbols.size() * 5 / 8, "base32 decodes 5 bits a symbol");
    const std::string again = core::base32_encode(*decoded);
    check(again.size() == symbols.size(), "base32 re-encodes to as many symbols");
    const std::size_t full = decoded->size() * 8 / 5;  // symbols without unused bits
    check(again.substr(0, full) == symbols.substr(0, full),
          "base32 re-encodes the full symbols unchanged");
    check(core::base32_decode(again) == decoded, "base32 decode(encode(decode(s))) == decode(s)");
  }
  return 0;
}
