#include "activation/activation_uri.hpp"

#include <gtest/gtest.h>

namespace twostep::activation {
namespace {

TEST(ActivationUri, BuildsTheApiFormat) {
  EXPECT_EQ(build_activation_uri("3q2-Xv9a_Lk0", "https://mfa.example.com:8443/v1/activate"),
            "twostep://activate?code=3q2-Xv9a_Lk0&url=https%3A%2F%2Fmfa.example.com%3A8443%2Fv1%"
            "2Factivate");
}

TEST(ActivationUri, RoundTrips) {
  const std::string url = "https://mfa.example.com/base path/v1/activate?x=1&y=2";
  auto parsed = parse_activation_uri(build_activation_uri("abc_DEF-123", url));
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->code, "abc_DEF-123");
  EXPECT_EQ(parsed->url, url);
}

TEST(ActivationUri, ToleratesParameterOrderAndExtras) {
  auto parsed =
      parse_activation_uri("twostep://activate?v=2&url=https%3A%2F%2Fh%2Fv1%2Factivate&code=xyz");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->code, "xyz");
  EXPECT_EQ(parsed->url, "https://h/v1/activate");
}

TEST(ActivationUri, RejectsMalformedUris) {
  for (const char* uri : {
           "",
           "twostep://activate",
           "twostep://register?code=a&url=https%3A%2F%2Fh",
           "otpauth://totp/a?secret=JBSWY3DPEHPK3PXP",
           "twostep://activate?code=&url=https%3A%2F%2Fh",
           "twostep://activate?code=a",
           "twostep://activate?url=https%3A%2F%2Fh",
           "twostep://activate?code=a&url=javascript%3Aalert(1)",
           "twostep://activate?code=a&code=b&url=https%3A%2F%2Fh",
           "twostep://activate?code=a%zz&url=https%3A%2F%2Fh",
       }) {
    auto parsed = parse_activation_uri(uri);
    ASSERT_FALSE(parsed.has_value()) << uri;
    EXPECT_EQ(parsed.error().code, "invalid_activation_uri");
  }
}

}  // namespace
}  // namespace twostep::activation
