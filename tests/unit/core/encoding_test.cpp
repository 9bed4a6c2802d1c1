#include "core/encoding.hpp"

#include <gtest/gtest.h>

namespace twostep::core {
namespace {

Bytes bytes_of(std::string_view s) { return Bytes(s.begin(), s.end()); }

struct Vector {
  std::string_view plain;
  std::string_view padded;  // as RFC 4648 §10 prints it
};

// RFC 4648 §10.
constexpr Vector kBase32Vectors[] = {
    {"", ""},
    {"f", "MY======"},
    {"fo", "MZXQ===="},
    {"foo", "MZXW6==="},
    {"foob", "MZXW6YQ="},
    {"fooba", "MZXW6YTB"},
    {"foobar", "MZXW6YTBOI======"},
};

std::string without_padding(std::string_view s) { return std::string(s.substr(0, s.find('='))); }

TEST(Base32, EncodesRfc4648VectorsWithoutPadding) {
  for (const auto& v : kBase32Vectors) {
    EXPECT_EQ(base32_encode(as_bytes(v.plain)), without_padding(v.padded)) << v.plain;
  }
}

TEST(Base32, DecodesRfc4648VectorsPaddedAndUnpadded) {
  for (const auto& v : kBase32Vectors) {
    EXPECT_EQ(base32_decode(v.padded), bytes_of(v.plain)) << v.padded;
    EXPECT_EQ(base32_decode(without_padding(v.padded)), bytes_of(v.plain)) << v.padded;
  }
}

TEST(Base32, AcceptsLowerCaseAndSpaces) {
  EXPECT_EQ(base32_decode("mzxw 6ytb oi"), bytes_of("foobar"));
  EXPECT_EQ(base32_decode(" MZXW6YTB "), bytes_of("fooba"));
}

TEST(Base32, RoundTripsEveryLength) {
  Bytes data;
  for (int n = 0; n < 40; ++n) {
    EXPECT_EQ(base32_decode(base32_encode(data)), data) << n;
    data.push_back(static_cast<std::uint8_t>(n * 37 + 11));
  }
}

TEST(Base32, RejectsBadInput) {
  EXPECT_FALSE(base32_decode("MZXW1"));             // '1' is not in the alphabet
  EXPECT_FALSE(base32_decode("MZXW8"));             // nor '8'
  EXPECT_FALSE(base32_decode("MZ-XW"));             // nor '-'
  EXPECT_FALSE(base32_decode("M"));                 // 1 symbol: impossible length
  EXPECT_FALSE(base32_decode("MZX"));               // 3 symbols
  EXPECT_FALSE(base32_decode("MZXW6Y"));            // 6 symbols
  EXPECT_FALSE(base32_decode("MY=====A"));          // data after padding
  EXPECT_FALSE(base32_decode("MY==="));             // padding to the wrong length
  EXPECT_FALSE(base32_decode("========"));          // padding only
  EXPECT_FALSE(base32_decode("MZXW6YTB\n"));        // newline is not a space
  EXPECT_FALSE(base32_decode("MZXW6YTB========"));  // a whole group of padding
}

// RFC 4648 §10, base64 vectors (identical in base64url for this input), unpadded.
constexpr std::pair<std::string_view, std::string_view> kBase64Vectors[] = {
    {"", ""},           {"f", "Zg"},          {"fo", "Zm8"},          {"foo", "Zm9v"},
    {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"},
};

TEST(Base64Url, EncodesAndDecodesRfc4648Vectors) {
  for (const auto& [plain, encoded] : kBase64Vectors) {
    EXPECT_EQ(base64url_encode(as_bytes(plain)), encoded);
    EXPECT_EQ(base64url_decode(encoded), bytes_of(plain));
  }
}

TEST(Base64Url, UsesTheUrlSafeAlphabet) {
  const Bytes data = {0xfb, 0xff, 0xbf};
  EXPECT_EQ(base64url_encode(data), "-_-_");
  EXPECT_EQ(base64url_decode("-_-_"), data);
}

TEST(Base64Url, RoundTripsEveryLength) {
  Bytes data;
  for (int n = 0; n < 40; ++n) {
    EXPECT_EQ(base64url_decode(base64url_encode(data)), data) << n;
    data.push_back(static_cast<std::uint8_t>(255 - n * 7));
  }
}

TEST(Base64Url, RejectsBadInput) {
  EXPECT_FALSE(base64url_decode("Zg=="));   // padding
  EXPECT_FALSE(base64url_decode("+/+/"));   // standard alphabet
  EXPECT_FALSE(base64url_decode("Zm9 v"));  // whitespace
  EXPECT_FALSE(base64url_decode("Zm9vY"));  // 5 characters: impossible length
  EXPECT_FALSE(base64url_decode("Zh"));     // non-zero trailing bits (not canonical)
  EXPECT_FALSE(base64url_decode(std::string_view("Zm\0v", 4)));
}

TEST(Hex, EncodesLowerCase) {
  EXPECT_EQ(hex_encode(Bytes{0x00, 0x0f, 0xa5, 0xff}), "000fa5ff");
  EXPECT_EQ(hex_encode(Bytes{}), "");
}

}  // namespace
}  // namespace twostep::core
