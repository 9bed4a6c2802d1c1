#include "client/activation_uri.hpp"

#include <gtest/gtest.h>

#include "activation/activation_uri.hpp"

namespace twostep::client {
namespace {

constexpr const char* kActivateUrl = "https%3A%2F%2Fmfa.example.com%3A8443%2Fv1%2Factivate";

std::string uri_with(const std::string& query) { return "twostep://activate?" + query; }

TEST(ActivationUri, ParsesCodeAndUrl) {
  auto parsed = parse_activation_uri(uri_with(std::string("code=ABC123&url=") + kActivateUrl));
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_EQ(parsed->code, "ABC123");
  EXPECT_EQ(parsed->url.scheme, "https");
  EXPECT_EQ(parsed->url.host, "mfa.example.com");
  EXPECT_EQ(parsed->url.port, "8443");
  EXPECT_EQ(parsed->url.target, "/v1/activate");
}

TEST(ActivationUri, DecodesPercentEscapesInEveryParameter) {
  auto parsed =
      parse_activation_uri(uri_with(std::string("url=") + kActivateUrl + "&code=a%2Bb%2F%3D%20c"));
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->code, "a+b/= c");
  EXPECT_EQ(parsed->url.str(), "https://mfa.example.com:8443/v1/activate");
}

TEST(ActivationUri, AcceptsUpperCaseSchemeAndIgnoresUnknownParameters) {
  auto parsed =
      parse_activation_uri("TWOSTEP://Activate?v=2&code=X&url=" + std::string(kActivateUrl));
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->code, "X");
}

TEST(ActivationUri, ReadsWhatTheServerBuilds) {
  const std::string code = "kP3_x-Q9zz";
  const std::string url = "https://[::1]:8443/v1/activate";
  auto parsed = parse_activation_uri(activation::build_activation_uri(code, url));
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  EXPECT_EQ(parsed->code, code);
  EXPECT_EQ(parsed->url.host, "::1");
  EXPECT_EQ(parsed->url.str(), url);
}

TEST(ActivationUri, RejectsBadUris) {
  const std::string url = std::string("url=") + kActivateUrl;
  for (const std::string& bad : {
           std::string("otpauth://activate?code=X&") + url,        // another scheme
           std::string("twostep://register?code=X&") + url,        // another host
           std::string("twostep://activate"),                      // no query
           uri_with(url),                                          // no code
           uri_with("code=X"),                                     // no url
           uri_with("code=&" + url),                               // empty code
           uri_with("code=X&code=Y&" + url),                       // repeated code
           uri_with("code=X&" + url + "&" + url),                  // repeated url
           uri_with("code=%zz&" + url),                            // bad escape
           uri_with("code=X&url=http%3A%2F%2Fh%2Fv1%2Factivate"),  // not https
           uri_with("code=X&url=%2Fv1%2Factivate"),                // not absolute
           uri_with("code=X&" + url + "#frag"),                    // fragment
       }) {
    auto parsed = parse_activation_uri(bad);
    ASSERT_FALSE(parsed.has_value()) << bad;
    EXPECT_EQ(parsed.error().code, "invalid_activation_uri") << bad;
  }
}

}  // namespace
}  // namespace twostep::client
