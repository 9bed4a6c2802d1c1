#include "totp/uri_component.hpp"

#include <gtest/gtest.h>

namespace twostep::totp {
namespace {

TEST(PercentEncode, KeepsOnlyUnreservedCharacters) {
  EXPECT_EQ(percent_encode("AZaz09-._~"), "AZaz09-._~");
  EXPECT_EQ(percent_encode("a b:c/d?e&f=g+h%"), "a%20b%3Ac%2Fd%3Fe%26f%3Dg%2Bh%25");
  EXPECT_EQ(percent_encode("Zoë"), "Zo%C3%AB");
  EXPECT_EQ(percent_encode("https://mfa.example.com/v1/activate"),
            "https%3A%2F%2Fmfa.example.com%2Fv1%2Factivate");
}

TEST(PercentDecode, ReversesEncoding) {
  for (std::string s : {"", "plain", "a b:c/d?e&f=g+h%", "Zoë Müller", "日本語", "😀"}) {
    auto decoded = percent_decode(percent_encode(s));
    ASSERT_TRUE(decoded.has_value()) << s;
    EXPECT_EQ(*decoded, s);
  }
  EXPECT_EQ(percent_decode("a+b%2b%2B"), "a+b++");
}

TEST(PercentDecode, RejectsMalformedEscapesAndBadUtf8) {
  EXPECT_FALSE(percent_decode("%").has_value());
  EXPECT_FALSE(percent_decode("%4").has_value());
  EXPECT_FALSE(percent_decode("abc%G1").has_value());
  EXPECT_FALSE(percent_decode("%FF").has_value());
  EXPECT_FALSE(percent_decode("%C3").has_value());
  EXPECT_FALSE(percent_decode("%C0%AF").has_value());        // overlong '/'
  EXPECT_FALSE(percent_decode("%ED%A0%80").has_value());     // surrogate
  EXPECT_FALSE(percent_decode("%F4%90%80%80").has_value());  // past U+10FFFF
  EXPECT_TRUE(percent_decode("%F4%8F%BF%BF").has_value());   // U+10FFFF
}

}  // namespace
}  // namespace twostep::totp
