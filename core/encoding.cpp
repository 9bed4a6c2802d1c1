// Base32 (RFC 4648 §6), base64url (RFC 4648 §5, unpadded) and hex. Decoders are strict
// because their input comes from the network or from people.
#include "core/encoding.hpp"

#include <array>

namespace twostep::core {
namespace {

constexpr std::string_view kBase32Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
constexpr std::string_view kBase64UrlAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::uint8_t kInvalid = 0xff;

// Reverse lookup table for an alphabet; every other byte maps to kInvalid.
std::array<std::uint8_t, 256> reverse_table(std::string_view alphabet) {
  std::array<std::uint8_t, 256> table{};
  table.fill(kInvalid);
  for (std::size_t i = 0; i < alphabet.size(); ++i) {
    table[static_cast<unsigned char>(alphabet[i])] = static_cast<std::uint8_t>(i);
  }
  return table;
}

const std::array<std::uint8_t, 256>& base32_table() {
  static const auto table = [] {
    auto t = reverse_table(kBase32Alphabet);
    for (char c = 'a'; c <= 'z'; ++c) {
      t[static_cast<unsigned char>(c)] = t[static_cast<unsigned char>(c - 'a' + 'A')];
    }
    return t;
  }();
  return table;
}

const std::array<std::uint8_t, 256>& base64url_table() {
  static const auto table = reverse_table(kBase64UrlAlphabet);
  return table;
}

// Packs `bits_per_symbol`-bit groups from `data` into alphabet characters, MSB first.
std::string encode_bits(std::span<const std::uint8_t> data, std::string_view alphabet,
                        unsigned bits_per_symbol) {
  std::string out;
  out.reserve((data.size() * 8 + bits_per_symbol - 1) / bits_per_symbol);
  const unsigned mask = (1u << bits_per_symbol) - 1;
  unsigned buffer = 0;
  unsigned bits = 0;
  for (std::uint8_t byte : data) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= bits_per_symbol) {
      bits -= bits_per_symbol;
      out.push_back(alphabet[(buffer >> bits) & mask]);
    }
  }
  if (bits > 0) {
    out.push_back(alphabet[(buffer << (bits_per_symbol - bits)) & mask]);
  }
  return out;
}

// Unpacks symbols (already validated as complete groups) back into bytes. Leftover bits
// (fewer than 8) must be zero when `canonical` is set.
std::optional<Bytes> decode_bits(std::string_view text, const std::array<std::uint8_t, 256>& table,
                                 unsigned bits_per_symbol, bool canonical) {
  Bytes out;
  out.reserve(text.size() * bits_per_symbol / 8);
  unsigned buffer = 0;
  unsigned bits = 0;
  for (char c : text) {
    const std::uint8_t v = table[static_cast<unsigned char>(c)];
    if (v == kInvalid) {
      return std::nullopt;
    }
    buffer = ((buffer << bits_per_symbol) | v) & 0xffffu;
    bits += bits_per_symbol;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<std::uint8_t>(buffer >> bits));
    }
  }
  if (canonical && (buffer & ((1u << bits) - 1)) != 0) {
    return std::nullopt;
  }
  return out;
}

}  // namespace

std::string base32_encode(std::span<const std::uint8_t> data) {
  return encode_bits(data, kBase32Alphabet, 5);
}

std::optional<Bytes> base32_decode(std::string_view text) {
  std::string symbols;
  symbols.reserve(text.size());
  std::size_t padding = 0;
  for (char c : text) {
    if (c == ' ') {
      continue;
    }
    if (c == '=') {
      ++padding;
    } else if (padding > 0) {
      return std::nullopt;  // data after padding
    } else {
      symbols.push_back(c);
    }
  }
  // Complete 8-symbol groups may end with 0, 2, 4, 5 or 7 data symbols (1, 2, 3, 4 bytes).
  const std::size_t tail = symbols.size() % 8;
  if (tail == 1 || tail == 3 || tail == 6) {
    return std::nullopt;
  }
  if (padding > 0 && (symbols.size() + padding) % 8 != 0) {
    return std::nullopt;
  }
  if (padding >= 8) {
    return std::nullopt;
  }
  return decode_bits(symbols, base32_table(), 5, false);
}

std::string base64url_encode(std::span<const std::uint8_t> data) {
  return encode_bits(data, kBase64UrlAlphabet, 6);
}

std::optional<Bytes> base64url_decode(std::string_view text) {
  if (text.size() % 4 == 1) {
    return std::nullopt;
  }
  return decode_bits(text, base64url_table(), 6, true);
}

std::string hex_encode(std::span<const std::uint8_t> data) {
  constexpr std::string_view kDigits = "0123456789abcdef";
  std::string out;
  out.reserve(data.size() * 2);
  for (std::uint8_t byte : data) {
    out.push_back(kDigits[byte >> 4]);
    out.push_back(kDigits[byte & 0x0f]);
  }
  return out;
}

int hex_digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace twostep::core
