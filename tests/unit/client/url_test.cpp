#include "client/url.hpp"

#include <gtest/gtest.h>

namespace twostep::client {
namespace {

TEST(Url, SplitsHttpsUrl) {
  auto url = parse_url("https://Example.COM/v1/activate?x=1");
  ASSERT_TRUE(url.has_value());
  EXPECT_EQ(url->scheme, "https");
  EXPECT_EQ(url->port, "443");
  EXPECT_EQ(url->target, "/v1/activate?x=1");
  EXPECT_EQ(url->host_header(), url->host);
  EXPECT_FALSE(url->host_is_ip);
}

TEST(Url, HandlesIpLiteralsAndPorts) {
  auto v6 = parse_url("wss://[::1]:8443/v1/device/ws");
  ASSERT_TRUE(v6.has_value());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_TRUE(v6->host_is_ip);
  EXPECT_EQ(v6->host_header(), "[::1]:8443");
  EXPECT_EQ(v6->str(), "wss://[::1]:8443/v1/device/ws");
  auto v4 = parse_url("https://127.0.0.1:9");
  ASSERT_TRUE(v4.has_value());
  EXPECT_TRUE(v4->host_is_ip);
  EXPECT_EQ(v4->target, "/");
}

TEST(Url, DeviceWsUrlOfAnHttpsOrigin) {
  auto url = parse_url("https://h:8443/v1/activate");
  ASSERT_TRUE(url.has_value());
  EXPECT_EQ(device_ws_url(*url).str(), "wss://h:8443/v1/device/ws");
}

TEST(Url, RejectsOtherSchemesAndOddParts) {
  for (const char* bad : {"http://h/", "ws://h/", "ftp://h/", "https://user@h/", "https://h/#f",
                          "https://h:0/", "https://h:70000/", "https:///x", "h/x", ""}) {
    auto url = parse_url(bad);
    ASSERT_FALSE(url.has_value()) << bad;
    EXPECT_EQ(url.error().code, "invalid_url");
  }
}

}  // namespace
}  // namespace twostep::client
